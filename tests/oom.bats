#!/usr/bin/env bats
# Who the kernel kills: real OOM kills in a small memory cgroup (issue 6).
# A "vital daemon" holds more memory than any single hog, so that with equal
# scores the kernel picks it; hogs together exceed the limit.  Everything
# joins the cgroup at the baseline score (+500 here, where root cannot go
# below 0; OOMGUARD_E2E_BASELINE=0 OOMGUARD_E2E_PROTECT=-500 on a real
# server) and the kit sets the daemon to the protected score (0 here).
# Each path runs several rounds, restarting the daemon the path's own way
# between them.  OOMGUARD_E2E_NOKIT=1 replaces oomguard with a stub that does
# nothing: then every path test must fail and only the control passes.
# OOMGUARD_E2E_VERBOSE=1 prints each round: who lived, who died.
# shellcheck disable=SC2154 # T, OG, TOP, pid: set by common.bash

load common
load oomcg

# MiB: the daemon with two full hogs fits in the limit; with four it does not.
LIMIT=96
DAEMON_MIB=40
HOG_MIB=24
NHOGS=4
ROUNDS=3

local_setup() {
	cg_usable || skip "$CG_WHY"
	cg_create "$T" "$LIMIT" || fail "$CG_WHY"
	mkdir -p "$T/run" "$T/bin"
	PIDF=$T/run/vitald.pid
	HOGBIN=$TOP/bin/hog
	round=0
	dpid=
	if [ -n "${OOMGUARD_E2E_NOKIT:-}" ]; then
		# The kit taken out: the same command lines, nothing set.
		cat >"$T/bin/oomguard" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; exec "$@" ;;
	-n | -p | -f | -w | -c) shift 2 ;;
	-*) shift ;;
	apply | watch) exit 0 ;;
	*) exec "$@" ;;
	esac
done
exit 0
EOF
		chmod 755 "$T/bin/oomguard"
		OG=$T/bin/oomguard
	fi
}

local_teardown() {
	cg_destroy
}

# The pidfile names a live daemon other than $1 (the one before a restart).
daemon_up() {
	local p
	p=$(cat "$PIDF" 2>/dev/null) || return 1
	[ -n "$p" ] && [ "$p" != "${1:-}" ] && cg_alive "$p"
}

# Wait for the (re)started daemon to hold its memory; sets dpid.
new_daemon() {
	wait_for daemon_up "${1:-}" || fail "the daemon did not come up (pidfile $PIDF: $(cat "$PIDF" 2>&1))"
	dpid=$(cat "$PIDF")
}

# Start the hogs and let the OOM killer act; sets alive (yes/no) and kills.
oom_episode() {
	local score
	round=$((round + 1))
	score=$(adj_of "$dpid")
	cg_episode "$T/hogs.$round" "$NHOGS" "$HOG_MIB" "$dpid" ||
		fail "round $round: the hogs neither held nor died within 20 s"
	kills=$CG_KILLS alive=$CG_ALIVE
	msg="round $round: daemon $dpid at score $score: alive=$alive; hogs killed $CG_KILLED, held $CG_HELD; oom_kill +$kills"
	echo "# $msg"
	if [ -n "${OOMGUARD_E2E_VERBOSE:-}" ]; then echo "# $BATS_TEST_NUMBER $msg" >&3; fi
}

# One round where the kit must hold: the daemon survives, hogs die, and
# every OOM kill the cgroup counted was a hog's.
survives_round() {
	# Not fatal here: without the kit, let the OOM killer show the failure.
	wait_for adj_is "$dpid" "$CG_PROTECT" || true
	oom_episode
	[ "$alive" = yes ] ||
		fail "round $round: the daemon (pid $dpid, score $score) was killed"
	adj_is "$dpid" "$CG_PROTECT" ||
		fail "round $round: the daemon survived with score $(adj_of "$dpid"), not $CG_PROTECT"
	[ "$(cat "$PIDF")" = "$dpid" ] || fail "round $round: the daemon was restarted"
	[ "$CG_KILLED" -ge 1 ] || fail "round $round: no hog was killed: no OOM happened"
	[ "$CG_ODD" = 0 ] || fail "round $round: $CG_ODD hogs exited other than by SIGKILL"
	[ "$kills" = "$CG_KILLED" ] ||
		fail "round $round: the cgroup counted $kills OOM kills but $CG_KILLED hogs died: something else was killed"
}

# rounds UP RESTART: bring the daemon up, then ROUNDS rounds, restarting it
# between them; each restart must keep the protection.
rounds() {
	local r=1 old
	"$1"
	new_daemon
	while [ "$r" -le "$ROUNDS" ]; do
		if [ "$r" -gt 1 ]; then
			old=$dpid
			"$2"
			new_daemon "$old"
		fi
		survives_round
		r=$((r + 1))
	done
}

# The daemon as a child of the test: stop it and reap it.
stop_child() {
	kill "$dpid"
	wait "$dpid" 2>/dev/null || true
}

start_daemon() { start "$CG_IN" "$HOGBIN" -p "$PIDF" "$DAEMON_MIB"; }

@test "control: without oomguard the daemon, the biggest at equal scores, is the one killed" {
	local r=1 rc
	while [ "$r" -le "$ROUNDS" ]; do
		start_daemon
		new_daemon
		adj_is "$dpid" "$CG_BASE"
		oom_episode
		[ "$alive" = no ] || fail "round $round: the daemon survived without the kit: the test cannot fail"
		rc=0
		wait "$dpid" || rc=$?
		[ "$rc" = 137 ] || fail "round $round: the daemon exited $rc, not by SIGKILL"
		[ "$kills" -ge 1 ]
		# The daemon was killed, and at most the hogs that no longer fit after it.
		[ "$kills" = $((CG_KILLED + 1)) ]
		r=$((r + 1))
	done
}

chain_up() { start "$CG_IN" "$OG" -n "$CG_PROTECT" -- "$HOGBIN" -p "$PIDF" "$DAEMON_MIB"; }
chain_restart() {
	stop_child
	chain_up
}

@test "chain-load: oomguard -n 0 -- daemon survives, the hogs die; restarts keep it" {
	rounds chain_up chain_restart
}

setp_up() {
	start_daemon
	new_daemon "${dpid:-}"
	"$OG" -n "$CG_PROTECT" -p "$dpid"
}
setp_restart() {
	stop_child
	setp_up
}

@test "-p: oomguard -n 0 -p PID on the running daemon, again after each restart" {
	rounds setp_up setp_restart
}

# As an init script does: the waiter first, then the daemon.
wait_up() {
	"$CG_IN" "$OG" -n "$CG_PROTECT" -f "$PIDF" -w 30 -b 3>&-
	start_daemon
}
wait_restart() {
	stop_child # its pidfile stays behind, naming a dead PID
	wait_up
}

@test "-f: oomguard -f PIDFILE -b finds each new daemon, stale pidfile from the last run ignored" {
	rounds wait_up wait_restart
}

# A Debian-style LSB init script: sources /etc/default/NAME for every action,
# starts the daemon with start-stop-daemon --background.
write_init_script() {
	mkdir -p "$T/init.d"
	cat >"$T/init.d/vitald" <<EOF
#!/bin/sh
### BEGIN INIT INFO
# Provides:          vitald
# Required-Start:    \$remote_fs
# Required-Stop:     \$remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: a vital daemon holding memory
### END INIT INFO
set -e
NAME=vitald
DAEMON='$HOGBIN'
PIDFILE='$PIDF'
$1
test -r '$T/default/vitald' && . '$T/default/vitald'
do_start() {
	start-stop-daemon --start --quiet --background --pidfile "\$PIDFILE" \\
		--exec "\$DAEMON" -- -p "\$PIDFILE" $DAEMON_MIB
}
do_stop() {
	start-stop-daemon --stop --quiet --retry=TERM/10/KILL/5 --remove-pidfile \\
		--pidfile "\$PIDFILE" --exec "\$DAEMON"
}
case "\$1" in
start) do_start ;;
stop) do_stop ;;
restart) do_stop; do_start ;;
status) start-stop-daemon --status --pidfile "\$PIDFILE" --exec "\$DAEMON" ;;
*) echo "Usage: \$0 {start|stop|restart|status}" >&2; exit 3 ;;
esac
EOF
	chmod 755 "$T/init.d/vitald"
}

init_start() { "$CG_IN" "$T/init.d/vitald" start 3>&-; }
init_restart() { "$CG_IN" "$T/init.d/vitald" restart 3>&-; }

@test "/etc/default hook: OOM_SCORE_ADJ + oomguard.sh in the default file of an LSB init script" {
	command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon (dpkg)"
	mkdir -p "$T/default"
	cat >"$T/default/vitald" <<EOF
# /etc/default/vitald
OOM_SCORE_ADJ=$CG_PROTECT
OOMGUARD_BIN='$OG'
[ ! -r '$TOP/hooks/oomguard.sh' ] || . '$TOP/hooks/oomguard.sh'
EOF
	write_init_script ""
	rounds init_start init_restart
	# The hook acts on start only: status and stop still work, under set -e.
	run "$T/init.d/vitald" status
	assert_success
	run "$T/init.d/vitald" stop
	assert_success
	refute_output --partial oomguard
}

@test "init-functions.d hook: 50-oomguard and a rule in the table, the init script untouched" {
	command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon (dpkg)"
	mkdir -p "$T/lsb/init-functions.d" "$T/oomguard.d"
	cp "$TOP/hooks/init-functions.d/50-oomguard" "$T/lsb/init-functions.d/"
	# The real /lib/lsb/init-functions when there is one, with only its hook
	# directory moved here; else the loop it ends with.
	if [ -r /lib/lsb/init-functions ]; then
		sed "s|/lib/lsb/init-functions.d|$T/lsb/init-functions.d|g" /lib/lsb/init-functions \
			>"$T/lsb/init-functions"
	else
		cat >"$T/lsb/init-functions" <<EOF
for hook in \$(run-parts --lsbsysinit --list '$T/lsb/init-functions.d' 2>/dev/null); do
	[ -r "\$hook" ] && . "\$hook" || true
done
EOF
	fi
	grep -q "$T/lsb/init-functions.d" "$T/lsb/init-functions"
	# The table (oomguard apply reads /etc/oomguard.conf; this test's own copy
	# is passed with -c by a wrapper, so the host's is left alone).
	printf 'vitald %s pidfile=%s wait=30\n' "$CG_PROTECT" "$PIDF" >"$T/oomguard.conf"
	chmod 644 "$T/oomguard.conf"
	og_conf "$OG" "$T/oomguard.conf"
	write_init_script ". '$T/lsb/init-functions'"
	rounds init_start init_restart
	run "$T/init.d/vitald" status
	assert_success
}

# A service directory whose run file chain-loads the daemon, as runit/ shows.
write_service() {
	mkdir -p "$T/sv/vitald"
	cat >"$T/sv/vitald/run" <<EOF
#!/bin/sh
exec 2>&1
exec '$OG' -n $CG_PROTECT -- '$HOGBIN' -p '$PIDF' $DAEMON_MIB
EOF
	chmod 755 "$T/sv/vitald/run"
}

# Each supervisor restarts the daemon itself after the signal.
runsv_up() { start "$CG_IN" runsv "$T/sv/vitald"; }
runsv_restart() { sv term "$T/sv/vitald" >/dev/null; }
supervise_up() { start "$CG_IN" supervise "$T/sv/vitald"; }
supervise_restart() { svc -t "$T/sv/vitald"; }
s6_up() { start "$CG_IN" s6-supervise "$T/sv/vitald"; }
s6_restart() { s6-svc -r "$T/sv/vitald"; }

@test "runsv: a run file chain-loading oomguard; sv term, restarted, keeps it" {
	command -v runsv >/dev/null || skip "runit is not installed"
	write_service
	rounds runsv_up runsv_restart
}

@test "supervise (daemontools): a run file chain-loading oomguard; svc -t, restarted, keeps it" {
	command -v supervise >/dev/null || skip "daemontools is not installed"
	write_service
	rounds supervise_up supervise_restart
}

@test "s6-supervise: a run file chain-loading oomguard; s6-svc -r, restarted, keeps it" {
	command -v s6-supervise >/dev/null || skip "s6 is not installed"
	write_service
	rounds s6_up s6_restart
}

# oomguard watch runs outside the cgroup: the OOM killer must not pick it.
# Its log is $T/out.bg; without the kit (the stub) there is no log to wait for.
start_watch() {
	start "$OG" watch -c "$T/og.conf"
	[ -n "${OOMGUARD_E2E_NOKIT:-}" ] && return 0
	wait_for grep -q 'rules from' "$T/out.bg" || fail "watch did not start: $(cat "$T/out.bg")"
}

watch_restart() {
	stop_child
	start_daemon
}

@test "watch: a pidfile rule; every restarted daemon gets the protection within the round" {
	printf 'vitald %s pidfile=%s\n' "$CG_PROTECT" "$PIDF" >"$T/og.conf"
	start_watch
	rounds start_daemon watch_restart
}

@test "watch: an exe= rule raises each hog as it starts; the daemon keeps the baseline and survives" {
	cp "$HOGBIN" "$T/bin/hogger"
	CG_HOG=$T/bin/hogger # read by cg_hogs in oomcg.bash
	export CG_HOG
	printf 'hogs 1000 exe=%s\n' "$T/bin/hogger" >"$T/og.conf"
	start_watch
	start_daemon
	new_daemon
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		oom_episode
		[ "$alive" = yes ] || fail "round $round: the daemon (pid $dpid, score $score) was killed"
		adj_is "$dpid" "$CG_BASE" || fail "round $round: the daemon's score changed to $(adj_of "$dpid")"
		[ "$CG_KILLED" -ge 1 ] || fail "round $round: no hog was killed: no OOM happened"
		[ "$kills" = "$CG_KILLED" ] || fail "round $round: $kills OOM kills but $CG_KILLED hogs died"
		r=$((r + 1))
	done
	grep -q "set pid .* (hogger) OOM score 1000: rule hogs (exe)" "$T/out.bg"
}
