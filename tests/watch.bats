#!/usr/bin/env bats
# oomguard watch: real processes, the real proc connector, real inotify.
# Each test starts the daemon in the background ($DPID, log in
# $T/watch.log) once it has made its first pass, and kills it at teardown.
# shellcheck disable=SC2154 # $T, $pid and $PIDS are set by common.bash
# shellcheck disable=SC2030,SC2031 # $DPID is each test's own
bats_require_minimum_version 1.5.0
load common

local_setup() {
	DPID=
	SVDIR=
	RUNSV=
	# A copy of sleep for exe= rules, which $T makes unique.
	cp /bin/sleep "$T/hogx"
	# For comm= rules: names no other test or process on the host has.
	U=h${T##*.}
	V=n${T##*.}
}

local_teardown() {
	if [ -n "$DPID" ]; then kill -9 "$DPID" 2>/dev/null || true; fi
	if [ -n "$RUNSV" ]; then
		sv exit "$SVDIR" >/dev/null 2>&1 || true
		kill -9 "$RUNSV" 2>/dev/null || true
		if [ -r "$T/svc.pid" ]; then kill -9 "$(cat "$T/svc.pid")" 2>/dev/null || true; fi
	fi
}

# The table, one rule per argument, root-owned and 0644 as the daemon wants.
conf() {
	printf '%s\n' "$@" >"$T/og.conf"
	chmod 644 "$T/og.conf"
}

# Start the daemon with ARGS and wait until its first pass is done.
watch_start() {
	"$OG" watch -c "$T/og.conf" "$@" >"$T/watch.log" 2>&1 3>&- &
	DPID=$!
	wait_for grep -q 'rules from' "$T/watch.log"
}

# A copy of sleep (or PROG) in the background at a known score, set before
# it execs PROG; $pid is PROG's own: bg SCORE [PROG].
bg() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo "$1" >/proc/self/oom_score_adj && shift && exec "$@"' sh \
		"$1" "${2:-sleep}" 1000 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
}

# The pidfile names a new incarnation ($p, not $last), already at 600.
incarnation() {
	[ -s "$T/svc.pid" ] || return 1
	p=$(cat "$T/svc.pid")
	[ "$p" != "$last" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = hogx ] && adj_is "$p" 600
}

# The daemon's voluntary context switches and the host's forks since boot,
# read with builtins only, so that reading them starts no process.
ctxt() {
	local k v
	while read -r k v; do
		if [ "$k" = voluntary_ctxt_switches: ]; then CTXT=$v; fi
	done <"/proc/$DPID/status"
}
forks() {
	local k v
	while read -r k v; do
		if [ "$k" = processes ]; then FORKS=$v; fi
	done </proc/stat
}
# The sequence number of the kernel's last log record (/dev/kmsg).
kseq() {
	KSEQ=$(dd if=/dev/kmsg iflag=nonblock bs=8192 2>/dev/null | grep -a '^[0-9]*,' | tail -n 1 |
		cut -d, -f2)
}

@test "processes already running are fixed at start" {
	conf "hog 700 exe=$T/hogx"
	bg 0 "$T/hogx"
	h=$pid
	watch_start
	assert_equal "$(adj_of "$h")" 700
	run grep -c "set pid $h (hogx) OOM score 700: rule hog (exe)" "$T/watch.log"
	assert_output 1
}

@test "a service restarted 50 times under runsv: every incarnation gets its score" {
	SVDIR=$T/sv/svc
	mkdir -p "$SVDIR"
	cat >"$SVDIR/run" <<-EOF
		#!/bin/sh
		echo \$\$ >$T/svc.pid
		exec $T/hogx 1000
	EOF
	chmod 755 "$SVDIR/run"
	conf "svc 600 pidfile=$T/svc.pid"
	watch_start
	runsv "$SVDIR" >/dev/null 2>&1 3>&- &
	RUNSV=$!
	last=
	for round in $(seq 50); do
		# A new PID in the pidfile, its process alive and at 600.
		p=
		wait_for incarnation ||
			fail "round $round: pidfile ${p:-empty}, adj $(adj_of "$p" 2>&1)"
		last=$p
		kill -9 "$p"
	done
	run grep -c 'OOM score 600: rule svc (pidfile)' "$T/watch.log"
	assert [ "$output" -ge 50 ]
}

@test "a program started 100 times matching exe=: every one raised" {
	conf "hog 700 exe=$T/hogx"
	watch_start
	for i in $(seq 100); do
		"$T/hogx" 1000 3>&- &
		p=$!
		wait_for adj_is "$p" 700 || fail "run $i: pid $p at $(adj_of "$p")"
		kill "$p"
		wait "$p" 2>/dev/null || true
	done
	run grep -c 'OOM score 700: rule hog (exe)' "$T/watch.log"
	assert_output 100
}

@test "children= on a real spawner: exec'd children get it, a plain fork keeps the spawner's" {
	mkfifo "$T/go"
	cat >"$T/$U" <<-EOF
		#!/bin/sh
		# Fork only once told: by then the spawner has its own score.
		read -r _ <$T/go
		$T/hogx 1000 &
		echo \$! >$T/kid
		# A fork that does not exec, whose own children do.
		( while :; do sleep 1000; done ) &
		echo \$! >$T/fork
		wait
	EOF
	chmod 755 "$T/$U"
	conf "spawner 300 comm=$U children=700"
	watch_start
	start "$T/$U"
	s=$pid
	wait_for adj_is "$s" 300
	echo go >"$T/go"
	wait_for test -s "$T/kid"
	wait_for test -s "$T/fork"
	wait_for has_descendants "$s" 3
	own_descendants "$s"
	kid=$(cat "$T/kid")
	fork=$(cat "$T/fork")
	wait_for adj_is "$kid" 700
	for p in $(descendants "$fork"); do wait_for adj_is "$p" 700; done
	assert_equal "$(adj_of "$fork")" 300
	assert_equal "$(adj_of "$s")" 300
	grep -q "set pid $kid (hogx) OOM score 700: rule spawner (children= of comm)" "$T/watch.log"
	run grep "set pid $fork " "$T/watch.log"
	assert_failure
}

@test "children= at start: a job's own children still at the spawner's score get it, one with its own keeps it" {
	cp "$(command -v dash)" "$T/jobsh"
	cat >"$T/$U" <<-EOF
		#!/bin/sh
		$T/jobsh -c 'sleep 1000 & (echo 500 >/proc/self/oom_score_adj; exec sleep 1000) & wait' &
		wait
	EOF
	chmod 755 "$T/$U"
	# All of it forked before the watch starts, at the spawner's 300.
	# shellcheck disable=SC2016 # expanded by the child sh
	start sh -c 'echo 300 >/proc/self/oom_score_adj && exec "$1"' sh "$T/$U"
	s=$pid
	wait_for has_descendants "$s" 3
	own_descendants "$s"
	job=$(descendants "$s" | head -n 1)
	wait_for comm_is "$job" jobsh
	for p in $(descendants "$job"); do
		wait_for comm_is "$p" sleep
		if adj_is "$p" 500; then own=$p; else inherited=$p; fi
	done
	assert_equal "$(adj_of "$inherited")" 300
	conf "spawner 300 comm=$U children=700"
	watch_start
	assert_equal "$(adj_of "$s") $(adj_of "$job") $(adj_of "$inherited") $(adj_of "$own")" \
		'300 700 700 500'
	grep -q "set pid $inherited (sleep) OOM score 700: rule spawner (children= of comm)" \
		"$T/watch.log"
}

@test "children= of a pidfile rule: the daemon's plain fork, and what it runs, keep the daemon's score" {
	cat >"$T/$U" <<-EOF
		#!/bin/sh
		( while :; do sleep 1000; done ) &
		echo \$! >$T/fork
		wait
	EOF
	chmod 755 "$T/$U"
	# shellcheck disable=SC2016 # expanded by the child sh
	start sh -c 'echo 300 >/proc/self/oom_score_adj && exec "$1"' sh "$T/$U"
	s=$pid
	echo "$s" >"$T/d.pid"
	wait_for has_descendants "$s" 2
	own_descendants "$s"
	fork=$(cat "$T/fork")
	kid=$(descendants "$fork")
	wait_for comm_is "$kid" sleep
	conf "svc 300 pidfile=$T/d.pid children=700"
	watch_start
	# The same program as the daemon, forked, not exec'd: one of its own.
	assert_equal "$(adj_of "$s") $(adj_of "$fork") $(adj_of "$kid")" '300 300 300'
}

@test "SIGHUP with a good table applies the new rule to running processes" {
	conf "hog 700 exe=$T/hogx"
	cp /bin/sleep "$T/napx"
	bg 0 "$T/napx"
	n=$pid
	watch_start
	assert_equal "$(adj_of "$n")" 0
	conf "hog 700 exe=$T/hogx" "nap 450 exe=$T/napx"
	kill -HUP "$DPID"
	wait_for grep -q "reload $T/og.conf: 2 rules" "$T/watch.log"
	assert_equal "$(adj_of "$n")" 450
	grep -q "set pid $n (napx) OOM score 450: rule nap (exe)" "$T/watch.log"
}

@test "a process already at its score is not written again: SIGHUP adds no line for it" {
	conf "hog 700 exe=$T/hogx"
	bg 0 "$T/hogx"
	h=$pid
	watch_start
	wait_for adj_is "$h" 700
	wait_for grep -q "set pid $h (hogx) OOM score 700" "$T/watch.log"
	kill -HUP "$DPID"
	wait_for grep -q "reload $T/og.conf: 1 rules" "$T/watch.log"
	assert_equal "$(grep -c "set pid $h (hogx)" "$T/watch.log")" 1
}

@test "SIGHUP with one bad line applies the good ones and names the bad one" {
	conf "hog 700 exe=$T/hogx"
	bg 0 "$T/hogx"
	h=$pid
	watch_start
	wait_for adj_is "$h" 700
	conf "hog 600 exe=$T/hogx" "broken 2000" "raise 300 exe=$T/raisex"
	kill -HUP "$DPID"
	wait_for grep -q "reload $T/og.conf: 2 rules, 1 bad line skipped" "$T/watch.log"
	grep -qx "oomguard: parse $T/og.conf:2: '2000': not a score from -1000 to 1000" "$T/watch.log"
	wait_for adj_is "$h" 600
	cp /bin/sleep "$T/raisex"
	bg 0 "$T/raisex"
	wait_for adj_is "$pid" 300
	# Still alive and still listening.
	kill -0 "$DPID"
}

@test "SIGHUP with a table that cannot be read keeps the rules in force" {
	conf "hog 700 exe=$T/hogx"
	watch_start
	chown nobody "$T/og.conf"
	kill -HUP "$DPID"
	wait_for grep -q "reload $T/og.conf: kept the rules in force" "$T/watch.log"
	grep -q "read $T/og.conf: refused: owned by a user other than root" "$T/watch.log"
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
	kill -0 "$DPID"
}

@test "a table of bad lines only: the watch starts, names each, keeps nothing until fixed" {
	conf "hog 7OO exe=$T/hogx" "hog2 700 exe=hogx"
	watch_start
	grep -qx "oomguard: parse $T/og.conf:1: '7OO': not a score from -1000 to 1000" "$T/watch.log"
	grep -qx "oomguard: parse $T/og.conf:2: 'exe=hogx': not an absolute path" "$T/watch.log"
	grep -qx "oomguard: watch: 0 rules from $T/og.conf, 2 bad lines skipped; new processes seen by the proc connector" "$T/watch.log"
	kill -0 "$DPID"
	conf "hog 700 exe=$T/hogx"
	kill -HUP "$DPID"
	wait_for grep -q "reload $T/og.conf: 1 rules$" "$T/watch.log"
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
}

@test "without the proc connector it rescans, says so, and still raises new processes" {
	conf "hog 700 exe=$T/hogx"
	OOMGUARD_NO_PROC_EVENTS=1 watch_start -i 1
	grep -q 'rescanning /proc every 1 s instead' "$T/watch.log"
	bg 0 "$T/hogx"
	# Within a few seconds: wait_for gives up after 10.
	wait_for adj_is "$pid" 700
}

@test "idle, the daemon does not wake up (10 s of quiet), its OOM witness reading /dev/kmsg" {
	conf "hog 700 exe=$T/hogx" "svc 600 pidfile=$T/run/svc.pid"
	unset OOMGUARD_KMSG
	watch_start
	find "/proc/$DPID/fd" -lname /dev/kmsg | grep -q . || fail "the watch has no /dev/kmsg open"
	mkfifo "$T/quiet"
	exec {fd}<>"$T/quiet"
	# The window starts and ends no process of ours: read -t on a FIFO
	# nobody writes to is the wait.  The proc connector is system-wide,
	# though: an exec anywhere wakes the daemon, rightly.  So a window
	# counts only if the host forked nothing meanwhile; on a shared,
	# busy host, with no such window, every wakeup must at least be
	# matched by a fork elsewhere (the kernel drops fork and exit events
	# for us, so each exec elsewhere is one wakeup at most).
	# Nor may the kernel log anything: the witness wakes for each line.
	for try in 1 2; do
		kseq
		k0=$KSEQ
		forks
		f0=$FORKS
		ctxt
		a=$CTXT
		read -r -t 10 -u "$fd" _ || true
		ctxt
		b=$CTXT
		forks
		f1=$FORKS
		kseq
		if [ "$f1" -eq "$f0" ] && [ "$KSEQ" = "$k0" ]; then
			exec {fd}>&-
			assert_equal "$((b - a))" 0
			return
		fi
		echo "# window $try: $((b - a)) wakeups, the host forked $((f1 - f0)) times, logged $((KSEQ - k0)) lines" >&3
	done
	exec {fd}>&-
	assert [ "$((b - a))" -le "$((f1 - f0 + KSEQ - k0))" ]
}

@test "a rule that matches nothing touches nothing" {
	conf "none 600 comm=no-such-prog" "nopid 600 pidfile=$T/none.pid"
	bg 0
	s=$pid
	bg 5 "$T/hogx"
	h=$pid
	watch_start
	# A reload is one more full pass, done once its line is logged.
	kill -HUP "$DPID"
	wait_for grep -q 'reload' "$T/watch.log"
	assert_equal "$(adj_of "$s")" 0
	assert_equal "$(adj_of "$h")" 5
	run grep 'set pid' "$T/watch.log"
	assert_failure
}

@test "kernel threads are never touched, even by a rule naming one" {
	[ "$(cat /proc/2/comm)" = kthreadd ]
	before=$(adj_of 2)
	conf "kt 500 comm=kthreadd" "kw 500 comm=ksoftirqd/0"
	watch_start
	kill -HUP "$DPID"
	wait_for grep -q 'reload' "$T/watch.log"
	assert_equal "$(adj_of 2)" "$before"
	run grep 'set pid' "$T/watch.log"
	assert_failure
}

@test "it never writes to a process no rule matches" {
	conf "hog 700 exe=$T/hogx"
	cp /bin/sleep "$T/other"
	watch_start
	bg 5 "$T/other"
	o=$pid
	bg 5 "$T/hogx"
	h=$pid
	# The later start was handled, so the earlier one was too.
	wait_for adj_is "$h" 700
	assert_equal "$(adj_of "$o")" 5
	run grep -c 'set pid' "$T/watch.log"
	assert_output 1
	grep -q "set pid $h " "$T/watch.log"
}

@test "precedence: exe= wins over comm=; of two comm= rules the later one" {
	cp /bin/sleep "$T/$U"
	cp /bin/sleep "$T/$V"
	conf "byexe 600 exe=$T/$U" "bycomm 300 comm=$U" \
		"first 200 comm=$V" "second 400 comm=$V"
	bg 0 "$T/$U"
	h1=$pid
	watch_start
	bg 0 "$T/$U"
	h2=$pid
	bg 0 "$T/$V"
	n=$pid
	wait_for adj_is "$h2" 600
	wait_for adj_is "$n" 400
	assert_equal "$(adj_of "$h1")" 600
	run grep -E "set pid ($h1|$h2|$n) .*rule (bycomm|first)" "$T/watch.log"
	assert_failure
}

@test "a later line for the same name replaces the earlier one" {
	cp /bin/sleep "$T/napx"
	conf "nap 600 exe=$T/hogx" "nap 300 exe=$T/napx"
	watch_start
	bg 0 "$T/hogx"
	h=$pid
	bg 0 "$T/napx"
	n=$pid
	wait_for adj_is "$n" 300
	assert_equal "$(adj_of "$h")" 0
}

@test "user= narrows a rule: nobody's process is raised, root's is not" {
	chmod 755 "$T"
	conf "nob 600 exe=$T/hogx user=nobody"
	watch_start
	bg 0 "$T/hogx"
	r=$pid
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/hogx" 1000 3>&- &
	n=$!
	PIDS="$PIDS $n"
	wait_for adj_is "$n" 600
	assert_equal "$(adj_of "$r")" 0
	wait_for owned_by "/proc/$n" 65534
}

@test "a negative exe= rule is never tried on another user's process, only on root's" {
	chmod 755 "$T"
	conf "prot -500 exe=$T/hogx"
	bg 0 "$T/hogx"
	r=$pid
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/hogx" 1000 3>&- &
	n=$!
	PIDS="$PIDS $n"
	wait_for owned_by "/proc/$n" 65534
	wait_for comm_is "$n" hogx
	watch_start
	# Root's is tried (and refused here: no CAP_SYS_RESOURCE); nobody's never.
	wait_for grep -q "pid $r" "$T/watch.log" || fail "$(cat "$T/watch.log")"
	run grep -c "pid $n\b" "$T/watch.log"
	assert_output 0
}

@test "a negative exe= rule sets root's process, not nobody's; a positive one both (fake procfs)" {
	mkdir -p "$T/proc/100" "$T/proc/101"
	for p in 100 101; do
		printf '%s (mysqld) S 1 %s %s 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n' \
			"$p" "$p" "$p" >"$T/proc/$p/stat"
		ln -s /opt/mysqld "$T/proc/$p/exe"
		printf '0\n' >"$T/proc/$p/oom_score_adj"
		printf '0\n' >"$T/proc/$p/oom_score"
	done
	printf 'Name:\tmysqld\nUid:\t0\t0\t0\t0\n' >"$T/proc/100/status"
	printf 'Name:\tmysqld\nUid:\t65534\t65534\t65534\t65534\n' >"$T/proc/101/status"
	conf "db -500 exe=/opt/mysqld"
	OOMGUARD_PROC=$T/proc OOMGUARD_NO_PROC_EVENTS=1 watch_start
	assert_equal "$(cat "$T/proc/100/oom_score_adj")" -500
	assert_equal "$(cat "$T/proc/101/oom_score_adj")" 0
	kill "$DPID"
	conf "db 500 exe=/opt/mysqld"
	OOMGUARD_PROC=$T/proc OOMGUARD_NO_PROC_EVENTS=1 watch_start
	assert_equal "$(cat "$T/proc/100/oom_score_adj")" 500
	assert_equal "$(cat "$T/proc/101/oom_score_adj")" 500
}

# Succeeds once the log names pid $1.
logged() { grep -q "pid $1 " "$T/watch.log"; }

@test "80 refused processes: each refusal is said once, however many rescans" {
	conf "prot -500 exe=$T/hogx"
	for _ in $(seq 80); do bg 0 "$T/hogx"; done
	OOMGUARD_NO_PROC_EVENTS=1 watch_start -i 1
	wait_for logged "$pid"
	# Each new process is seen by a rescan: two more rescans at least.
	for _ in 1 2 3; do
		bg 0 "$T/hogx"
		wait_for logged "$pid" || fail "not refused: $pid"
	done
	run sh -c "grep -o 'pid [0-9]* ' '$T/watch.log' | sort | uniq -d"
	assert_output ''
	assert_equal "$(grep -c 'pid [0-9]* ' "$T/watch.log")" 83
}

# rename_flood [N]: a watch on a pidfile rule in a directory nobody owns,
# and 3 s of renames there by nobody (bench/churn.c; with N, a sleep of
# 1 ms after every N); sets $ops and $wakeups, the watch's voluntary
# context switches over those 3 s.
rename_flood() {
	cc -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$T/churn" "$TOP/bench/churn.c"
	chmod 755 "$T"
	mkdir -m 755 "$T/user"
	chown nobody "$T/user"
	conf "svc 600 pidfile=$T/user/svc.pid"
	watch_start
	ctxt
	c0=$CTXT
	ops=$(as_nobody "$T/churn" rename "$T/user" 3 "$@")
	ctxt
	wakeups=$((CTXT - c0))
	[ "$ops" -gt 5000 ] || fail "only $ops renames"
}

# A count, not a CPU budget: CPU seconds swing with the host's load (36 to
# 54 ticks for the same run, issue 25).  The wakeups are bounded by the
# design: 64 events within a second, and the watch pauses 20 ms, after
# which a flood gives it a big batch and another pause: about 150 in 3 s,
# plus the host's fork and exec events.  Its CPU time is in BENCHMARKS.md
# (bench/watch-pressure.sh).
@test "renames by nobody in a watched directory: the watch reads them in batches (< 1500 wakeups in 3 s)" {
	rename_flood
	# Measured 136 to 414; without the pause 78 596; with the count of
	# one wakeup alone, 10 426 and 30 819 when the watch kept pace.
	[ "$wakeups" -lt 1500 ] || fail "$wakeups wakeups for $ops renames"
	# and the pidfile rule still works in that directory (for a process of
	# the directory's owner: oomguard(8), pidfiles)
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/hogx" 1000 3>&- &
	n=$!
	PIDS="$PIDS $n"
	wait_for owned_by "/proc/$n" 65534
	echo "$n" >"$T/user/svc.pid"
	wait_for adj_is "$n" 600
}

@test "renames by nobody in bursts of 8 a millisecond apart: the watch still pauses (< 1500 wakeups in 3 s)" {
	# 16 events a burst, never 64 at one wakeup: the count runs over
	# wakeups (CI, stop 26).  Measured 165 to 184; with the count of one
	# wakeup alone, one wakeup a burst: 10 604 to 11 096.
	rename_flood 8
	[ "$wakeups" -lt 1500 ] || fail "$wakeups wakeups for $ops renames"
}

# A PID namespace that shares the host's network (unshare -p, nspawn's
# default, docker --net=host): the connector opens and listens, and the
# kernel sends it nothing of its own.  With a listener on the host (a watch
# there), it gets the host's events, whose PIDs mean nothing inside.  The
# probe at start sees either; the watch rescans.
@test "in a PID namespace with the host's network: the connector's silence is found at start; a comm= rule still applies (rescan)" {
	# The host's watch: a listener, with a rule for nothing in the test.
	conf "none 600 comm=$V"
	watch_start
	mv "$T/og.conf" "$T/host.conf"
	conf "prot 320 comm=$U"
	cp /bin/sleep "$T/$U"
	cat >"$T/ns.sh" <<'EOF'
T=$1 OG=$2 U=$3
. "$4"
"$OG" watch -c "$T/og.conf" -i 1 >"$T/ns.log" 2>&1 &
d=$!
wait_for grep -q 'rules from' "$T/ns.log" || exit 7
"$T/$U" 1000 &
s=$!
wait_for grep -q "pid $s " "$T/ns.log" || exit 8
echo "adj $(cat "/proc/$s/oom_score_adj")"
kill "$d" "$s"
EOF
	run -0 timeout 60 unshare -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$U" "$TOP/tests/wait.sh"
	assert_output "adj 320"
	run cat "$T/ns.log"
	assert_line --index 0 "oomguard: watch process events: none came for a probe process in 2 s (a PID namespace?); rescanning /proc every 1 s instead"
	assert_line --index 1 "oomguard: watch: 1 rules from $T/og.conf; new processes seen by a rescan every 1 s"
	assert_line --index 2 --regexp "^oomguard: set pid [0-9]+ \\($U\\) OOM score 320: rule prot \\(comm\\)\$"
}

@test "a pidfile naming a process whose main thread exited (Z, 2 threads): the watch sets it, check says ok" {
	[ -x "$TOP/bin/threads" ] || fail "bin/threads is not built (make test-bins)"
	start "$TOP/bin/threads" exit-main
	z=$pid
	wait_for test_state "$z" Z
	echo "$z" >"$T/z.pid"
	conf "svc 140 pidfile=$T/z.pid"
	watch_start
	wait_for adj_is "$z" 140
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "$(printf "svc\t%s\tthreads\t140\t140\tok\t-" "$z")"
}

@test "a pidfile rule with tree=yes sets the whole tree" {
	conf "svc 600 pidfile=$T/run/svc.pid tree=yes"
	watch_start
	start sh -c "$T/hogx 1000 & $T/hogx 1000 & wait"
	d=$pid
	wait_for has_descendants "$d" 2
	own_descendants "$d"
	# The directory does not exist yet: the watch follows it down.
	mkdir "$T/run"
	echo "$d" >"$T/run/svc.tmp"
	mv "$T/run/svc.tmp" "$T/run/svc.pid"
	wait_for adj_is "$d" 600
	for p in $(descendants "$d"); do wait_for adj_is "$p" 600; done
	grep -q "set pid $d (sh) and its tree OOM score 600: rule svc (pidfile)" "$T/watch.log"
}

@test "-b detaches, writes the pidfile before returning, and closes what it inherited" {
	conf "hog 700 exe=$T/hogx"
	bg 0 "$T/hogx"
	h=$pid
	run "$OG" watch -c "$T/og.conf" -b -P "$T/og.pid" 7>"$T/seven"
	DPID=$(cat "$T/og.pid")
	assert_success
	assert_output ''
	# Ready when it returns: the first pass is done.
	assert_equal "$(adj_of "$h")" 700
	assert_equal "$(cat "/proc/$DPID/comm")" oomguard
	# Its own session, no descriptor of ours.
	assert_equal "$(ps -o sid= -p "$DPID" | tr -d ' ')" "$DPID"
	run ls -l "/proc/$DPID/fd/"
	refute_output --partial "$T/seven"
	# Detached, it still does its job.
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
}

# No watch daemon of this test's table is left running.
no_daemon() { ! pgrep -f -- "watch -c $T/og.conf" >/dev/null; }

@test "-P on a symbolic link or a FIFO is refused, writes nothing through it, and leaves no daemon" {
	conf "hog 700 exe=$T/hogx"
	echo keep >"$T/target"
	ln -s "$T/target" "$T/og.pid"
	run -1 timeout 20 "$OG" watch -c "$T/og.conf" -b -P "$T/og.pid"
	assert_output "oomguard: write pidfile $T/og.pid: a symbolic link: refused"
	assert_equal "$(cat "$T/target")" keep
	wait_for no_daemon || fail "a daemon was left running"
	rm "$T/og.pid"
	mkfifo "$T/og.pid"
	run -1 timeout 20 "$OG" watch -c "$T/og.conf" -b -P "$T/og.pid"
	assert_output "oomguard: write pidfile $T/og.pid: not a regular file: refused"
	wait_for no_daemon || fail "a daemon was left running"
	# A FIFO with a reader waiting: opened at once, but still no pidfile.
	cat "$T/og.pid" >"$T/read" 3>&- &
	PIDS="$PIDS $!"
	run -1 timeout 20 "$OG" watch -c "$T/og.conf" -b -P "$T/og.pid"
	assert_output "oomguard: write pidfile $T/og.pid: not a regular file: refused"
	wait_for no_daemon || fail "a daemon was left running"

}

@test "-b with a relative -P writes it where the caller stands" {
	conf "hog 700 exe=$T/hogx"
	cd "$T"
	run "$OG" watch -c "$T/og.conf" -b -P og.pid
	assert_success
	DPID=$(cat "$T/og.pid")
	kill -0 "$DPID"
}

@test "SIGTERM and SIGINT stop it with status 0" {
	conf "hog 700 exe=$T/hogx"
	for sig in TERM INT; do
		watch_start
		kill -"$sig" "$DPID"
		st=0
		wait "$DPID" || st=$?
		assert_equal "$st" 0
		grep -q 'watch: stopped by signal' "$T/watch.log"
		DPID=
	done
}

@test "a bad -i value exits 2" {
	conf "hog 700 exe=$T/hogx"
	for v in 0 abc 86401 -1; do
		run -2 "$OG" watch -c "$T/og.conf" -i "$v"
		assert_output "oomguard: parse interval $v: not a whole number of seconds from 1 to 86400"
	done
	run -2 "$OG" watch -c "$T/og.conf" -x
	assert_line --index 0 'oomguard: parse option -x: unknown option'
	assert_line --index 1 'usage: oomguard watch [-c CONFIG] [-i SECS] [-s] [-b [-P PIDFILE]]'
	run -2 "$OG" watch -c "$T/og.conf" -i
	assert_line --index 0 'oomguard: parse option -i: needs a value'
	run -2 "$OG" watch -c "$T/og.conf" extra
	assert_line --index 0 'oomguard: parse arguments extra: watch takes no argument'
}

@test "every option that takes a value: separate, attached and = forms (getopt_long)" {
	for args in "-i 0" "-i0" "--interval=0" "--interval 0"; do
		# shellcheck disable=SC2086 # each form is split on purpose
		run -2 "$OG" watch -c "$T/none.conf" $args
		assert_output "oomguard: parse interval 0: not a whole number of seconds from 1 to 86400"
	done
	for args in "-c $T/none.conf" "-c$T/none.conf" "--config=$T/none.conf" "--config $T/none.conf"; do
		# shellcheck disable=SC2086
		run -2 "$OG" watch $args
		assert_output --partial "$T/none.conf"
		assert_output --partial "No such file"
	done
}

# A bad line does not stop the start (a table of bad lines only, above).
@test "a table that cannot be read at start exits 2: missing, or refused as untrusted" {
	run -2 "$OG" watch -c "$T/missing.conf"
	assert_output --partial "read $T/missing.conf: No such file"
	conf "hog 700 exe=$T/hogx"
	chmod 664 "$T/og.conf"
	chgrp nogroup "$T/og.conf"
	run -2 "$OG" watch -c "$T/og.conf"
	assert_output --partial 'refused: writable by group or others'
}
