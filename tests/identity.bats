#!/usr/bin/env bats
# Pidfile identity on the hosts oomguard is for: file systems that keep
# whole seconds (loop images in a private mount namespace), wall clocks
# stepped under a running reader, restarts through the real hooks, PID reuse
# forced in a PID namespace, thread IDs, and the directories above a pidfile.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2030,SC2031 # each test sets its own pid, PIDS, env
# shellcheck disable=SC2016 # the PID namespace's script expands its own
bats_require_minimum_version 1.5.0
load common

# armed PID, aged PID: functions, so that wait_for reads again at every try.
# shellcheck source=tests/helpers/pid-conds.sh
. "$TOP/tests/helpers/pid-conds.sh"

# --- file systems ------------------------------------------------------------

# fs KIND: every case of tests/helpers/fs-identity.sh on a KIND file system.
fs() {
	run -0 unshare -m --propagation private "$TOP/tests/helpers/fs-identity.sh" "$1" "$T"
	for i in 1 2 3 4 5; do
		assert_line "valid -f #$i taken"
		assert_line "stale -f #$i refused"
	done
	assert_line "valid apply taken"
	assert_line "stale apply refused"
	assert_line "valid watch taken"
	assert_line "stale watch refused"
	refute_line --partial "valid -f #1 refused"
}

@test "ext4 made with 128-byte inodes (whole seconds): valid pidfiles taken by -f, apply, watch; stale refused" {
	fs ext4-128
	assert_line "mtime: whole seconds"
}

@test "ext3 made with 128-byte inodes (whole seconds): valid taken, stale refused" {
	fs ext3-128
	assert_line "mtime: whole seconds"
}

@test "default ext4 (nanoseconds): valid taken, stale refused" {
	fs ext4
	assert_line "mtime: fractions of a second"
}

@test "tmpfs: valid taken, stale refused" {
	fs tmpfs
	assert_line "mtime: fractions of a second"
}

# Now is 0.1 to 0.8 s into an odd second, which is left in $s.
in_odd_second() {
	local ns
	ns=$(date +%s%N)
	s=${ns%?????????}
	ns=${ns#"$s"}
	[ $((s % 2)) = 1 ] && [ "$((10#$ns))" -ge 100000000 ] && [ "$((10#$ns))" -le 800000000 ]
}

# vfat keeps even seconds; this kernel cannot mount it, so the mtime is set
# on an even second by hand: the process started 1 to 2 s after it.
@test "2 s grain (vfat): an mtime on an even second before the start is allowed 2 s, not 3" {
	# Started 0.1 to 0.8 s into an odd second s: 1.1 to 1.8 s after s - 1.
	until in_odd_second && spawn && [ "$(date +%s)" = "$s" ]; do
		[ -z "${pid:-}" ] || kill "$pid"
		pid=
	done
	echo "$pid" >"$T/d.pid"
	touch -m -d "@$((s - 1))" "$T/d.pid"
	run -0 "$OG" -n 330 -f "$T/d.pid" -w 1
	assert_equal "$(adj_of "$pid")" 330
	echo 0 >"/proc/$pid/oom_score_adj"
	touch -m -d "@$((s - 3))" "$T/d.pid"
	run -4 "$OG" -n 331 -f "$T/d.pid" -w 1
	assert_output --partial "(a stale pidfile whose PID was reused)"
	assert_equal "$(adj_of "$pid")" 0
}

# --- wall-clock steps --------------------------------------------------------
# bin/clockstep.so moves the wall clock of bin/oomguard alone by the seconds
# in $T/step (read at every call), as ntpdate or date -s would, without
# touching the host's clock; CLOCK_BOOTTIME does not move, as in a real step.
# Which case stands for what:
# - a step before the write: both the program and the file's mtime are in
#   the stepped clock (step file set, mtime set to the stepped "now");
# - a step between the write and the read: the mtime is in the old clock,
#   the program starts in the new one;
# - a step while a reader runs: the step file changes under it.
stepped() {
	[ -e "$TOP/bin/clockstep.so" ] || fail "bin/clockstep.so is not built (make test-bins)"
	printf '%s\n' "$1" >"$T/step"
	shift
	env OOMGUARD_TEST_CLOCK_STEP="$T/step" LD_PRELOAD="$TOP/bin/clockstep.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
# The same in the background (start), its PID that of oomguard itself.
start_stepped() {
	[ -e "$TOP/bin/clockstep.so" ] || fail "bin/clockstep.so is not built (make test-bins)"
	printf '%s\n' "$1" >"$T/step"
	shift
	start env OOMGUARD_TEST_CLOCK_STEP="$T/step" LD_PRELOAD="$TOP/bin/clockstep.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

@test "clock shim: the program sees the step, the host does not" {
	printf '600\n' >"$T/step"
	a=$(date +%s)
	b=$(OOMGUARD_TEST_CLOCK_STEP=$T/step LD_PRELOAD=$TOP/bin/clockstep.so date +%s)
	[ $((b - a)) -ge 599 ] && [ $((b - a)) -le 601 ]
}

@test "step before the write (+600 s, -600 s): valid taken, stale refused" {
	for step in 600 -600; do
		spawn
		echo "$pid" >"$T/d.pid"
		touch -m -d "@$(($(date +%s) + step))" "$T/d.pid"
		run -0 stepped "$step" "$OG" -n 332 -f "$T/d.pid" -w 1
		assert_equal "$(adj_of "$pid")" 332
		echo 0 >"/proc/$pid/oom_score_adj"
		touch -m -d "@$(($(date +%s) + step - 3))" "$T/d.pid"
		run -4 stepped "$step" "$OG" -n 333 -f "$T/d.pid" -w 1
		assert_output --partial "(a stale pidfile whose PID was reused)"
		assert_equal "$(adj_of "$pid")" 0
	done
}

# Undecidable (oomguard(8), PIDFILE IDENTITY): refused until written again.
@test "step between the write and the read: +600 looks stale, -600 ahead of the clock; the next write is taken" {
	spawn
	echo "$pid" >"$T/d.pid"
	run -4 stepped 600 "$OG" -n 334 -f "$T/d.pid" -w 1
	assert_output --partial "(a stale pidfile whose PID was reused)"
	run -4 stepped -600 "$OG" -n 334 -f "$T/d.pid" -w 1
	assert_output --partial "s ahead of the clock (the clock was set back since?)"
	assert_equal "$(adj_of "$pid")" 0
	d=$pid
	for step in 600 -600; do
		start_stepped "$step" "$OG" -n 335 -f "$T/d.pid" -w 20
		og=$pid
		wait_for armed "$og"
		echo "$d" >"$T/d.pid"
		wait "$og"
		assert_equal "$(adj_of "$d")" 335
		echo 0 >"/proc/$d/oom_score_adj"
	done
}

@test "step while -f waits: a stale pidfile stays refused after the clock goes back 600 s" {
	spawn
	d=$pid
	echo "$d" >"$T/d.pid"
	touch -m -d '3 seconds ago' "$T/d.pid"
	start_stepped 0 "$OG" -n 336 -f "$T/d.pid" -w 2
	og=$pid
	wait_for armed "$og"
	printf -- '-600\n' >"$T/step"
	status=0
	wait "$og" || status=$?
	assert_equal "$status" 4
	assert_equal "$(adj_of "$d")" 0
}

# The watch has logged its Nth reload (read again at every try).
reloads() { [ "$(grep -c '^oomguard: reload' "$T/out.bg")" -ge "$1" ]; }

@test "step while watch runs (+600, then -600): the accepted daemon is kept, the stale one stays refused" {
	spawn
	good=$pid
	echo "$good" >"$T/good.pid"
	spawn
	stale=$pid
	echo "$stale" >"$T/stale.pid"
	touch -m -d '3 seconds ago' "$T/stale.pid"
	printf 'good 337 pidfile=%s\nstale 338 pidfile=%s\n' "$T/good.pid" "$T/stale.pid" >"$T/og.conf"
	chmod 644 "$T/og.conf"
	start_stepped 0 "$OG" watch -c "$T/og.conf"
	w=$pid
	wait_for grep -q 'rules from' "$T/out.bg"
	wait_for adj_is "$good" 337
	assert_equal "$(adj_of "$stale")" 0
	n=0
	for step in 600 -600; do
		printf '%s\n' "$step" >"$T/step"
		echo 0 >"/proc/$good/oom_score_adj"
		kill -HUP "$w"
		n=$((n + 1))
		wait_for reloads "$n"
		assert_equal "$(adj_of "$good")" 337
		assert_equal "$(adj_of "$stale")" 0
	done
}


# The watch is stopped while the daemon writes, and the clock is set 1 s
# ahead before it reads: the mtime, turned into boot time with the new
# offset, would put the write before the daemon's start.
@test "step between a look and the next write (+1 s): the watch sees the offset change and takes the daemon" {
	printf 'svc 339 pidfile=%s\n' "$T/run/svc.pid" >"$T/og.conf"
	chmod 644 "$T/og.conf"
	mkdir "$T/run"
	start_stepped 0 "$OG" watch -c "$T/og.conf"
	w=$pid
	wait_for grep -q 'rules from' "$T/out.bg"
	wait_for aged "$w" 120
	kill -STOP "$w"
	spawn
	echo "$pid" >"$T/run/svc.pid"
	printf '1\n' >"$T/step"
	kill -CONT "$w"
	wait_for adj_is "$pid" 339
}

# --- kernels before 2.6.39: no CLOCK_BOOTTIME ---------------------------------
# bin/clockstep.so with OOMGUARD_TEST_NO_BOOTTIME fails CLOCK_BOOTTIME with
# EINVAL; the fake root (OOMGUARD_PROC) holds /proc/stat or not.  The fake
# process started 1 s after boot (100 ticks, fake_proc).
fake_status() {
	printf 'Name:\tfake\nTgid:\t%s\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n' "$1" \
		>"$T/proc/$1/status"
}

@test "no CLOCK_BOOTTIME, btime in /proc/stat: valid taken, stale refused, in whole seconds" {
	fake_proc 4242
	fake_status 4242
	now=$(date +%s)
	printf 'cpu 0 0 0 0\nbtime %s\n' "$((now - 10))" >"$T/proc/stat"
	echo 4242 >"$T/d.pid"
	touch -m -d "@$((now - 8))" "$T/d.pid"
	run -0 stepped 0 env OOMGUARD_TEST_NO_BOOTTIME=1 "$OG" -n 351 -f "$T/d.pid" -w 1
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 351
	touch -m -d "@$((now - 20))" "$T/d.pid"
	run -4 stepped 0 env OOMGUARD_TEST_NO_BOOTTIME=1 "$OG" -n 352 -f "$T/d.pid" -w 1
	assert_output --partial "(a stale pidfile whose PID was reused)"
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 351
}

# /proc/stat has a line per CPU, and the intr line a number per interrupt
# (NR_IRQS of them on 2.6.32: 4096 on a distribution kernel) before btime:
# far beyond 8 KiB on a big host.  btime is found wherever it is, and
# across the end of one read and the start of the next (4095 bytes each).
@test "no CLOCK_BOOTTIME, btime after a long /proc/stat: still found, a stale pidfile still refused" {
	fake_proc 4242
	fake_status 4242
	now=$(date +%s)
	echo 4242 >"$T/d.pid"
	touch -m -d "@$((now - 20))" "$T/d.pid"
	for pad in 4053 4060 4067 4070 30000; do
		{
			printf 'cpu  1 2 3 4 5 6 7 8 0 0\n'
			printf 'intr %*s\n' "$pad" 1 | tr ' ' 0 | cut -c "1-$((pad - 1))"
			printf 'btime %s\nprocesses 9\n' "$((now - 10))"
		} >"$T/proc/stat"
		grep -q "^btime $((now - 10))\$" "$T/proc/stat"
		run -4 stepped 0 env OOMGUARD_TEST_NO_BOOTTIME=1 "$OG" -n 352 -f "$T/d.pid" -w 1
		assert_output --partial "(a stale pidfile whose PID was reused)"
	done
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 0
}

# A restart-like action that only signals (nginx's force-reload: HUP): the
# script's shell (OOMGUARD_CALLER from the hook, apply's PID) ends and the
# instance it found still runs, its pidfile as it was: that is the service.
# A pidfile written again since is no longer the one the script found.
has_rec() { grep -qs "^$2	" "$OOMGUARD_STATE_DIR/$1"; }

@test "-r: once the caller has ended, the instance it found is taken if its pidfile is unchanged (-f and apply); a pidfile written since is not" {
	bg 0
	d=$pid
	echo "$d" >"$T/d.pid"
	spawn
	c=$pid
	OOMGUARD_NAME=f OOMGUARD_CALLER=$c start "$OG" -n 310 -r -f "$T/d.pid" -w 30
	w=$pid
	wait_for has_rec f waiting
	assert_equal "$(adj_of "$d")" 0
	kill "$c"
	wait_for adj_is "$d" 310
	rc=0
	wait "$w" || rc=$?
	assert_equal "$rc" 0
	conf "svc 320 pidfile=$T/d.pid"
	spawn
	c=$pid
	run -0 "$OG" apply -c "$T/og.conf" -r svc "$c"
	wait_for has_rec svc waiting
	assert_equal "$(adj_of "$d")" 310
	kill "$c"
	wait_for adj_is "$d" 320
	# The same PID, written again: another version of the file.
	spawn
	c=$pid
	OOMGUARD_NAME=g OOMGUARD_CALLER=$c start "$OG" -n 330 -r -f "$T/d.pid" -w 2
	w=$pid
	wait_for has_rec g waiting
	rm "$T/d.pid"
	echo "$d" >"$T/d.pid"
	kill "$c"
	rc=0
	wait "$w" || rc=$?
	assert_equal "$rc" 4
	assert_equal "$(adj_of "$d")" 320
}

# btime is whole seconds: the boot may have been up to 1 s later, so a start
# time read through it may be up to 1 s early.  -r allows that second.
@test "no CLOCK_BOOTTIME, btime: -r takes a process started 0.3 s before the wait (btime's second), not 3 s" {
	fake_proc 4242
	fake_status 4242
	ns=$(date +%s%N)
	btime=$((${ns%?????????} - 10))
	printf 'cpu 0 0 0 0\nbtime %s\n' "$btime" >"$T/proc/stat"
	for ago in 30 300; do
		# Started $ago hundredths of a second before now.
		printf '4242 (fake) S 1 4242 4242 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %s 0 0\n' \
			"$((ns / 10000000 - btime * 100 - ago))" >"$T/proc/4242/stat"
		echo 4242 >"$T/d.pid"
		echo 0 >"$T/proc/4242/oom_score_adj"
		run stepped 0 env OOMGUARD_TEST_NO_BOOTTIME=1 "$OG" -n 354 -r -f "$T/d.pid" -w 1
		if [ "$ago" = 30 ]; then
			assert_success
			assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 354
		else
			assert_failure 4
			assert_output --partial "which was running before the restart began"
			assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 0
		fi
		ns=$(date +%s%N)
	done
}

@test "no CLOCK_BOOTTIME and no btime: times are not compared, the pidfile is taken" {
	fake_proc 4242
	fake_status 4242
	echo 4242 >"$T/d.pid"
	run -0 stepped 0 env OOMGUARD_TEST_NO_BOOTTIME=1 "$OG" -n 353 -f "$T/d.pid" -w 1
	assert_output ''
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 353
}

# --- restarts ----------------------------------------------------------------
# A daemon that, like PostgreSQL's postmaster, resets its own score at start,
# then writes its pidfile; an LSB-style script with dpkg's start-stop-daemon.
restart_setup() {
	mkdir -p "$T/run" "$T/bin" "$T/init.d" "$T/default"
	cat >"$T/bin/resetd" <<EOF
#!/bin/sh
echo 0 >/proc/self/oom_score_adj
echo \$\$ >'$T/run/resetd.pid.new'
mv '$T/run/resetd.pid.new' '$T/run/resetd.pid'
exec sleep 1000
EOF
	chmod 755 "$T/bin/resetd"
	cat >"$T/init.d/resetd" <<EOF
#!/bin/sh
set -e
PIDFILE='$T/run/resetd.pid'
$1
do_start() {
	start-stop-daemon --start --quiet --pidfile "\$PIDFILE" --startas '$T/bin/resetd' \\
		--background --test >/dev/null || return 1
	start-stop-daemon --start --quiet --pidfile "\$PIDFILE" --startas '$T/bin/resetd' --background
	n=0
	until [ -s "\$PIDFILE" ] || [ \$n -ge 200 ]; do sleep 0.01; n=\$((n + 1)); done
}
do_stop() {
	start-stop-daemon --stop --quiet --pidfile "\$PIDFILE" --retry 5 || true
	rm -f "\$PIDFILE"
}
case "\$1" in
start) do_start || echo "already running" ;;
stop) do_stop ;;
restart | force-reload) do_stop; do_start ;;
esac
EOF
	chmod 755 "$T/init.d/resetd"
}

resetd_pid() { cat "$T/run/resetd.pid"; }
no_waiter() { ! pgrep -f "f $T/run/resetd.pid" >/dev/null; }
local_teardown() {
	[ ! -x "$T/init.d/resetd" ] || "$T/init.d/resetd" stop >/dev/null 2>&1 || true
}

# restarts: 20 in a row, each new instance ends at 340.
restarts() {
	run -0 "$T/init.d/resetd" start 3>&-
	wait_for adj_is "$(resetd_pid)" 340
	for i in $(seq 20); do
		old=$(resetd_pid)
		run -0 "$T/init.d/resetd" "$([ $((i % 2)) = 0 ] && echo restart || echo force-reload)" 3>&-
		assert_output ''
		new=$(resetd_pid)
		[ "$new" != "$old" ]
		wait_for adj_is "$new" 340 || fail "restart $i: pid $new at $(adj_of "$new"), not 340"
	done
	# start on a running daemon: its score at once, no wait, no word.
	echo 0 >"/proc/$new/oom_score_adj"
	run -0 "$T/init.d/resetd" start 3>&-
	assert_output 'already running'
	wait_for adj_is "$new" 340
	wait_for no_waiter
}

@test "restart x20 through /etc/default (OOM_PIDFILE): every new instance gets its score, never the old one" {
	restart_setup ". '$T/default/resetd'"
	printf 'OOM_SCORE_ADJ=340\nOOM_PIDFILE=%s\nOOM_WAIT=10\n. %s\n' \
		"$T/run/resetd.pid" "$TOP/hooks/oomguard.sh" >"$T/default/resetd"
	export OOMGUARD_BIN=$OG
	restarts
}

@test "restart x20 through 50-oomguard and the table: every new instance gets its score" {
	restart_setup ". '$T/lsb/init-functions'"
	mkdir -p "$T/lsb/init-functions.d"
	cp "$TOP/hooks/init-functions.d/50-oomguard" "$T/lsb/init-functions.d/"
	sed "s|/lib/lsb/init-functions.d|$T/lsb/init-functions.d|g" /lib/lsb/init-functions >"$T/lsb/init-functions"
	printf 'resetd 340 pidfile=%s wait=10\n' "$T/run/resetd.pid" >"$T/oomguard.conf"
	chmod 644 "$T/oomguard.conf"
	og_conf "$OG" "$T/oomguard.conf"
	restarts
}

@test "-r: the process running when the wait began is never taken; one started after is" {
	spawn
	wait_for aged "$pid"
	echo "$pid" >"$T/d.pid"
	run -4 "$OG" -n 341 -f "$T/d.pid" -w 1 -r
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file names pid $pid, which was running before the restart began (the instance being stopped)"
	assert_equal "$(adj_of "$pid")" 0
	start "$OG" -n 342 -f "$T/d.pid" -w 20 -r
	og=$pid
	wait_for armed "$og"
	spawn
	echo "$pid" >"$T/d.pid"
	wait "$og"
	assert_equal "$(adj_of "$pid")" 342
}

# --- PID reuse, threads, directories ------------------------------------------

@test "PID reuse forced in a PID namespace: refused before the new write, taken after it" {
	run -0 unshare --pid --fork --mount-proc sh -c '
		f=$1 og=$2
		sleep 1000 & old=$!
		echo "$old" >"$f"
		touch -m -d "@$(($(date +%s) - 3))" "$f"
		{ kill "$old"; wait "$old"; } 2>/dev/null
		echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 1000 & new=$!
		[ "$new" = "$old" ] || { echo "no reuse: $old $new"; exit 1; }
		"$og" -n 343 -f "$f" -w 1; echo "exit $? adj $(cat /proc/$new/oom_score_adj)"
		"$og" -n 344 -f "$f" -w 20 & w=$!
		until grep -qs "^inotify wd:" /proc/$w/fdinfo/*; do sleep 0.01; done
		echo "$new" >"$f"
		wait "$w"; echo "exit $? adj $(cat /proc/$new/oom_score_adj)"
		kill "$new"' sh "$T/d.pid" "$OG"
	assert_line --index 0 --partial "which started after the file was written (a stale pidfile whose PID was reused)"
	assert_line --index 1 "exit 4 adj 0"
	assert_line --index 2 "exit 0 adj 344"
}

# reuse_ns MODE: in a PID namespace of the test's own, a watch and a daemon
# at pidfile $T/run/svc.pid.  MODE rescan: the watch rescans (-i 1, no proc
# connector) and starts before the daemon (its first look finds no file);
# reload: it starts after the daemon, which is then restarted once.  Then
# the daemon crashes (SIGKILL) and a process of nobody takes its PID
# (ns_last_pid stands in for a fork loop).  The lines say the score of that
# process after a rescan (an exe= marker started after it has its score),
# after a SIGHUP, and after the file is written again naming it.
reuse_ns() {
	cat >"$T/ns.sh" <<'EOF'
T=$1 OG=$2 MODE=$3
. "$4"
. "$5"
adj() { cat "/proc/$1/oom_score_adj"; }
adj_is() { [ "$(adj "$1" 2>/dev/null)" = "$2" ]; }
logged() { grep -q "$1" "$T/w.log"; }
printf 'svc 300 pidfile=%s\nmark 301 exe=%s\n' "$T/run/svc.pid" "$T/markx" >"$T/og.conf"
chmod 644 "$T/og.conf"
mkdir -p "$T/run"
cp /bin/sleep "$T/markx"
daemon() { sleep 1000 & d=$!; echo "$d" >"$T/run/svc.pid"; }
if [ "$MODE" = reload ]; then
	daemon
	"$OG" watch -c "$T/og.conf" >"$T/w.log" 2>&1 &
	w=$!
	wait_for adj_is "$d" 300 || exit 7
	kill -9 "$d"
	daemon
else
	OOMGUARD_NO_PROC_EVENTS=1 "$OG" watch -c "$T/og.conf" -i 1 >"$T/w.log" 2>&1 &
	w=$!
	wait_for logged 'rules from' || exit 7
	daemon
fi
wait_for adj_is "$d" 300 || exit 8
echo "daemon $(adj "$d")"
# A crash within 20 ms of the write cannot be told from the write
# (oomguard(8), PIDFILE IDENTITY): this one comes 50 ms after it or more.
wait_for aged "$d" || exit 13
kill -9 "$d"
wait "$d" 2>/dev/null
echo $((d - 1)) >/proc/sys/kernel/ns_last_pid
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000 &
u=$!
[ "$u" = "$d" ] || { echo "no reuse: $d $u"; exit 9; }
if [ "$MODE" = rescan ]; then
	"$T/markx" 1000 &
	wait_for adj_is $! 301 || exit 11
	echo "rescan $(adj "$u")"
fi
kill -HUP "$w"
wait_for logged '^oomguard: reload' || exit 12
echo "reload $(adj "$u")"
echo "$u" >"$T/run/svc.pid"
wait_for adj_is "$u" 300
echo "rewritten $(adj "$u")"
EOF
	run -0 with_adj 0 timeout 60 unshare -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$1" \
		"$TOP/tests/wait.sh" "$TOP/tests/helpers/pid-conds.sh"
	assert_line --index 0 "daemon 300"
}

@test "watch in rescan mode, started before the daemon: after a crash, nobody's process at its PID is never set; a new write is taken" {
	reuse_ns rescan
	assert_line --index 1 "rescan 0"
	assert_line --index 2 "reload 0"
	assert_line --index 3 "rewritten 300"
}

@test "watch: a restart, a crash, nobody's process at the PID, SIGHUP: never set; a new write is taken" {
	reuse_ns reload
	assert_line --index 1 "reload 0"
	assert_line --index 2 "rewritten 300"
}

@test "-f --exe waiting for the exec, a pidfile renamed in with an old mtime: the daemon crashes, nobody's program takes its PID: refused, and the timeout says why" {
	cat >"$T/ns.sh" <<'EOF'
T=$1 OG=$2
. "$3"
. "$4"
cp /bin/sleep "$T/hogx"
mkdir -p "$T/run"
"$OG" -n 302 -f "$T/run/d.pid" --exe "$T/hogx" -w 3 >"$T/og.out" 2>&1 &
og=$!
wait_for armed "$og" || exit 7
# Renamed into place, with an mtime an hour old (cp -p): only the look
# that saw it arrive dates it.
sh -c 'echo $$ >"$1/d.tmp" && touch -d "1 hour ago" "$1/d.tmp" &&
	mv "$1/d.tmp" "$1/run/d.pid" && exec sleep 1000' sh "$T" &
d=$!
wait_for aged "$d" || exit 8
kill -9 "$d"
wait "$d" 2>/dev/null
echo $((d - 1)) >/proc/sys/kernel/ns_last_pid
setpriv --reuid=65534 --regid=65534 --clear-groups "$T/hogx" 1000 &
u=$!
[ "$u" = "$d" ] || { echo "no reuse: $d $u"; exit 9; }
wait "$og"
echo "exit $? adj $(cat "/proc/$u/oom_score_adj")"
cat "$T/og.out"
EOF
	run -0 with_adj 0 timeout 60 unshare -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" \
		"$TOP/tests/wait.sh" "$TOP/tests/helpers/pid-conds.sh"
	assert_line --index 0 "exit 4 adj 0"
	assert_line --index 1 --partial "which started after the file was written (a stale pidfile whose PID was reused)"
}

@test "a thread's ID in the pidfile is refused, naming its process" {
	"$TOP/bin/threads" >"$T/tid" 3>&- &
	p=$!
	PIDS="$PIDS $p"
	wait_for test -s "$T/tid"
	tid=$(cat "$T/tid")
	[ "$tid" != "$p" ]
	echo "$tid" >"$T/d.pid"
	run -4 "$OG" -n 345 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file names pid $tid, a thread of process $p, not a process"
	assert_equal "$(adj_of "$p")" 0
	echo "$p" >"$T/d.pid"
	run -0 "$OG" -n 345 -f "$T/d.pid" -w 1
	assert_equal "$(adj_of "$p")" 345
}

@test "a user-owned directory higher up the path: a root process is refused, the directory named" {
	mkdir -p "$T/u/sub"
	chown nobody "$T/u"
	spawn
	echo "$pid" >"$T/u/sub/d.pid"
	run -4 "$OG" -n 346 -f "$T/u/sub/d.pid" -w 1
	assert_output --partial "is untrusted: writable by user nobody (owner of $T/u), but pid $pid belongs to root"
	assert_equal "$(adj_of "$pid")" 0
}

@test "a symbolic link in a user-owned directory cannot redirect to root's pidfile" {
	mkdir -p "$T/u" "$T/rootrun"
	chown nobody "$T/u"
	ln -s "$T/rootrun" "$T/u/run"
	chown -h nobody "$T/u/run"
	spawn
	echo "$pid" >"$T/rootrun/d.pid"
	run -4 "$OG" -n 347 -f "$T/u/run/d.pid" -w 1
	assert_output --partial "is untrusted: writable by user nobody (owner of $T/u), but pid $pid belongs to root"
	assert_equal "$(adj_of "$pid")" 0
}

@test "a root-owned link in a root-owned directory (/var/run -> /run) is followed" {
	mkdir -p "$T/var" "$T/run"
	ln -s ../run "$T/var/run"
	spawn
	echo "$pid" >"$T/run/d.pid"
	run -0 "$OG" -n 348 -f "$T/var/run/d.pid" -w 1
	assert_equal "$(adj_of "$pid")" 348
}
