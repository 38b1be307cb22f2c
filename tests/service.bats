#!/usr/bin/env bats
# The daemon's own service files: the LSB init script (run for real, with a
# private /etc/default so that nothing of the host's is read or changed) and
# the runit run file under a real runsv.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
# shellcheck disable=SC2030,SC2031 # $RUNSV and $DPID are each test's own
bats_require_minimum_version 1.5.0
load common

local_setup() {
	RUNSV=
	DPID=
	cp /bin/sleep "$T/hogx"
	conf "hog 700 exe=$T/hogx"
	mkdir "$T/default"
	cat >"$T/default/oomguard" <<-EOF2
		DAEMON=$TOP/bin/oomguard
		CONFIG=$T/og.conf
		PIDFILE=$T/og.pid
	EOF2
}

local_teardown() {
	if [ -r "$T/og.pid" ]; then kill -9 "$(cat "$T/og.pid")" 2>/dev/null || true; fi
	if [ -n "$DPID" ]; then kill -9 "$DPID" 2>/dev/null || true; fi
	if [ -n "$RUNSV" ]; then
		sv exit "$T/sv/oomguard" >/dev/null 2>&1 || true
		kill -9 "$RUNSV" 2>/dev/null || true
	fi
}

conf() {
	printf '%s\n' "$@" >"$T/og.conf"
	chmod 644 "$T/og.conf"
}

# /etc/init.d/oomguard ACTION, run by sh as init would, in a mount namespace
# whose /etc/default is ours.  Bounded: a start that kept our stdout open
# would otherwise hang here.
initd() {
	# shellcheck disable=SC2016 # expanded by the child sh
	timeout 20 unshare -m sh -c 'mount --bind "$1" /etc/default && shift && exec sh "$@"' \
		sh "$T/default" "$TOP/sysvinit/oomguard" "$@" 3>&-
}

# A copy of sleep at SCORE: bg SCORE [PROG]; $pid is PROG's own.
bg() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo "$1" >/proc/self/oom_score_adj && shift && exec "$@"' sh \
		"$1" "${2:-sleep}" 1000 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
}

gone() { ! kill -0 "$1" 2>/dev/null; }
started_twice() { [ "$(grep -c 'rules from' "$T/runsv.log")" -eq 2 ]; }
is_down() { sv status "$T/sv/oomguard" | grep -q '^down:'; }

@test "sysvinit: start, status, reload, stop, status" {
	bg 0 "$T/hogx"
	h=$pid
	wait_for comm_is "$h" hogx
	run -0 initd start
	assert_output 'Starting oomguard: oomguard.'
	# start returns once the rules are applied and the pidfile written.
	assert_equal "$(adj_of "$h")" 700
	d=$(cat "$T/og.pid")
	assert_equal "$(cat "/proc/$d/comm")" oomguard
	run -0 initd status
	assert_output "oomguard is running (pid $d)"
	run -0 initd start
	assert_output 'oomguard is already running'
	# reload: a new rule reaches a process already running.
	cp /bin/sleep "$T/napx"
	bg 0 "$T/napx"
	n=$pid
	conf "hog 700 exe=$T/hogx" "nap 450 exe=$T/napx"
	run -0 initd reload
	assert_output "oomguard: reloading $T/og.conf"
	wait_for adj_is "$n" 450
	# A new process after the reload: the daemon is still at work.
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
	run -0 initd stop
	assert_output 'Stopping oomguard: oomguard.'
	gone "$d"
	assert [ ! -e "$T/og.pid" ]
	run -3 initd status
	assert_output 'oomguard is not running'
	run -0 initd stop
	run -7 initd reload
}

@test "sysvinit: restart gives a new daemon; status 1 for a stale pidfile" {
	run -0 initd start
	d1=$(cat "$T/og.pid")
	run -0 initd restart
	assert_line --index 0 'Stopping oomguard: oomguard.'
	assert_line --index 1 'Starting oomguard: oomguard.'
	d2=$(cat "$T/og.pid")
	assert [ "$d1" != "$d2" ]
	gone "$d1"
	kill -9 "$d2"
	wait_for gone "$d2"
	run -1 initd status
	assert_output "oomguard is not running, but $T/og.pid exists"
	# A stale pidfile does not stop a start.
	run -0 initd start
	assert [ "$(cat "$T/og.pid")" != "$d2" ]
	run -0 initd stop
}

@test "sysvinit: a bad line is named at start and skipped; the daemon keeps the good ones" {
	conf "hog 700 exe=$T/hogx" "bad 5000"
	run -0 initd start
	# The reason comes before the daemon detaches, on the caller's stderr.
	assert_line --index 0 "Starting oomguard: oomguard: parse $T/og.conf:2: '5000': not a score from -1000 to 1000"
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
	run -0 initd stop
}

@test "sysvinit: a table that cannot be read makes start fail with the reason, and starts nothing" {
	chown nobody "$T/og.conf"
	run -1 initd start
	assert_line --index 0 "Starting oomguard: oomguard: read $T/og.conf: refused: owned by a user other than root"
	assert_line --index 1 'failed.'
	assert [ ! -e "$T/og.pid" ]
	run -3 initd status
}

@test "sysvinit: OOMGUARD_OPTS from /etc/default reach the daemon" {
	echo 'OOMGUARD_OPTS="-i 7"' >>"$T/default/oomguard"
	run -0 initd start
	d=$(cat "$T/og.pid")
	tr '\0' ' ' <"/proc/$d/cmdline" | grep -q -- "watch -c $T/og.conf -b -P $T/og.pid -i 7 "
	run -0 initd stop
}

@test "sysvinit: OOMGUARD_ENABLE=no starts nothing and says where to enable it" {
	bg 0 "$T/hogx"
	h=$pid
	echo 'OOMGUARD_ENABLE=no' >>"$T/default/oomguard"
	run -0 initd start
	assert_output "oomguard: not starting: OOMGUARD_ENABLE=no in /etc/default/oomguard (set it to yes once $T/og.conf has your rules)"
	assert [ ! -e "$T/og.pid" ]
	assert_equal "$(adj_of "$h")" 0
	run -3 initd status
	run -0 initd restart
	assert_line --index 1 --partial 'not starting'
	sed -i 's/^OOMGUARD_ENABLE=no/OOMGUARD_ENABLE=YES/' "$T/default/oomguard"
	run -0 initd start
	assert_output 'Starting oomguard: oomguard.'
	assert_equal "$(adj_of "$h")" 700
	run -0 initd stop
}

@test "sysvinit: a bad OOMGUARD_ENABLE is LSB 6 (not configured), with the value and the file" {
	echo 'OOMGUARD_ENABLE=maybe' >>"$T/default/oomguard"
	run -6 --separate-stderr initd start
	assert_equal "$stderr" "oomguard: start: OOMGUARD_ENABLE in /etc/default/oomguard: 'maybe' is not yes or no"
	assert [ ! -e "$T/og.pid" ]
}

@test "sysvinit: try-restart restarts only a running daemon" {
	run -0 initd try-restart
	assert_output ''
	assert [ ! -e "$T/og.pid" ]
	run -0 initd start
	d1=$(cat "$T/og.pid")
	run -0 initd condrestart
	assert_line --index 1 'Starting oomguard: oomguard.'
	d2=$(cat "$T/og.pid")
	assert [ "$d1" != "$d2" ]
	gone "$d1"
	run -0 initd stop
}

@test "runit: the run file under a real runsv: applies, reloads, is restarted, stops" {
	mkdir -p "$T/sv/oomguard"
	sed -e "s|^DAEMON=.*|DAEMON=$TOP/bin/oomguard|" -e "s|/etc/oomguard.conf|$T/og.conf|" \
		"$TOP/runit/oomguard/run" >"$T/sv/oomguard/run"
	chmod 755 "$T/sv/oomguard/run"
	runsv "$T/sv/oomguard" >"$T/runsv.log" 2>&1 3>&- &
	RUNSV=$!
	wait_for grep -q 'rules from' "$T/runsv.log"
	DPID=$(sv status "$T/sv/oomguard" | sed -n 's/^run: [^(]*(pid \([0-9]*\)).*/\1/p')
	assert_equal "$(cat "/proc/$DPID/comm")" oomguard
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
	# sv hup: the new table.
	cp /bin/sleep "$T/napx"
	conf "hog 700 exe=$T/hogx" "nap 450 exe=$T/napx"
	sv hup "$T/sv/oomguard"
	wait_for grep -q "reload $T/og.conf: 2 rules" "$T/runsv.log"
	bg 0 "$T/napx"
	wait_for adj_is "$pid" 450
	# Killed, runsv starts it again, and the new one works.
	kill -9 "$DPID"
	wait_for started_twice
	bg 0 "$T/hogx"
	wait_for adj_is "$pid" 700
	# sv down: SIGTERM, a clean exit, not restarted.
	sv down "$T/sv/oomguard"
	wait_for grep -q 'watch: stopped by signal 15' "$T/runsv.log"
	wait_for is_down
}
