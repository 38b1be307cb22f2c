#!/usr/bin/env bats
# The run-file templates of runit/ under the real supervisors (runit's runsv,
# daemontools' supervise, s6-supervise) and BusyBox's start-stop-daemon and
# sh: every start and every respawn of the daemon carries the score.
# The daemon is `sleep 1000` run as nobody; the score is 700 (this machine
# has no CAP_SYS_RESOURCE, so no negative score can be set here).
# runsv is used, never runsvdir: Debian's 40-runit init-functions hook
# changes every init script's behaviour while a runsvdir runs.
# shellcheck disable=SC2016 # perl's code is for perl
# shellcheck disable=SC2154 # $pid is set by start (common.bash)
bats_require_minimum_version 1.5.0
load common

local_setup() {
	SUPS=()
	chmod 755 "$T" # the daemon runs as nobody, some from $T
}

# The children of PID (of its main thread), from the kernel's own list,
# and all its descendants: fast enough to poll.
children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null; }
tree_of() {
	local c
	for c in $(children_of "$1"); do
		echo "$c"
		tree_of "$c"
	done
}

# Stop every supervisor started by the test, then kill what is left, so a
# failed test leaves nothing running.
local_teardown() {
	local s kind dir p kids
	for s in "${SUPS[@]}"; do
		read -r kind dir p <<<"$s"
		case $kind in
		runit) timeout 10 sv -w 5 exit "$dir" ;;
		daemontools) timeout 10 svc -dx "$dir" ;;
		s6) timeout 10 s6-svc -dx "$dir" ;;
		esac >/dev/null 2>&1 || true
		kill -STOP "$p" 2>/dev/null || continue
		kids=$(tree_of "$p")
		# shellcheck disable=SC2086 # a list of PIDs
		kill -9 "$p" $kids 2>/dev/null || true
	done
}

# Wait up to about 30 s: a respawn waits a second, and CI machines are slow.
wait_long() { wait_for "$@" || wait_for "$@" || wait_for "$@"; }

# Build service directory DIR from template TPL with the test's values:
# score 700, user nobody, daemon `sleep 1000`, oomguard from this tree.
# Fails if a value was not found, so a changed template cannot silently
# test something else.
from_template() {
	local tpl=$1 dir=$2
	mkdir -p "$dir"
	sed -e 's/-500/700/g' -e 's/mysql:mysql/nobody/g' -e 's/ mysql / nobody /g' \
		-e 's|/usr/sbin/mysqld|sleep 1000|g' "$TOP/runit/$tpl" >"$dir/run"
	chmod 755 "$dir/run"
	if grep -q -e mysql -e -500 "$dir/run" || ! grep -q '^exec .*oomguard -n .* nobody sleep 1000$' "$dir/run"; then
		fail "template $tpl no longer has the expected shape: $(cat "$dir/run")"
	fi
}

# Start supervisor KIND (runit, daemontools, s6) on DIR, oomguard on PATH.
supervise_dir() {
	local kind=$1 dir=$2 p
	case $kind in
	runit) PATH="$TOP/bin:$PATH" OOMGUARD_BIN=$OG runsv "$dir" >"$T/sup.out" 2>&1 3>&- & ;;
	daemontools) PATH="$TOP/bin:$PATH" supervise "$dir" >"$T/sup.out" 2>&1 3>&- & ;;
	s6) PATH="$TOP/bin:$PATH" s6-supervise "$dir" >"$T/sup.out" 2>&1 3>&- & ;;
	esac
	p=$!
	SUPS+=("$kind $dir $p")
	sup=$p
}

# The PID the supervisor reports for the service, if it is up.
svc_pid() {
	case $1 in
	runit) sv status "$2" 2>/dev/null | sed -n 's/^run: .*(pid \([0-9]*\)).*/\1/p' ;;
	daemontools) svstat "$2" 2>/dev/null | sed -n 's/^.*: up (pid \([0-9]*\)).*/\1/p' ;;
	s6) s6-svstat "$2" 2>/dev/null | sed -n 's/^up (pid \([0-9]*\).*/\1/p' ;;
	esac
}

# Succeeds once KIND reports DIR up with a PID other than OLD, and that PID
# is the daemon itself (the exec chain done: sleep, as nobody); sets $dpid.
daemon_up() {
	local p
	p=$(svc_pid "$1" "$2")
	[ -n "$p" ] && [ "$p" != "${3:-}" ] || return 1
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && owned_by "/proc/$p" 65534 || return 1
	dpid=$p
}

# The service runs with SCORE, and so does every daemon respawned after a kill -9.
check_respawns() {
	local kind=$1 dir=$2 score=$3 i old sup_adj
	sup_adj=$(adj_of "$sup")
	wait_long daemon_up "$kind" "$dir" || fail "$kind: the service did not come up: $(cat "$T/sup.out")"
	assert_equal "$(adj_of "$dpid")" "$score"
	for i in 1 2 3; do
		old=$dpid
		kill -9 "$old"
		wait_long daemon_up "$kind" "$dir" "$old" || fail "$kind: no respawn after kill $i"
		assert_equal "$(adj_of "$dpid")" "$score"
	done
	# The supervisor itself is left as it was: only the daemon is set.
	assert_equal "$(adj_of "$sup")" "$sup_adj"
}

@test "why the score goes before the privilege drop: after setuid() without exec, /proc/self is root's" {
	# perl sets its uid to nobody and, without exec, tries to raise its own score.
	run -13 perl -MPOSIX -e 'POSIX::setgid(65534); POSIX::setuid(65534) or exit 1;
		open(my $f, ">", "/proc/self/oom_score_adj") or exit 13; print $f "700\n"; close($f) or exit 13'
	# After an exec the process is dumpable again, but only raising is allowed.
	run -0 perl -MPOSIX -e 'POSIX::setgid(65534); POSIX::setuid(65534) or exit 1;
		exec @ARGV' "$OG" -n 700 --strict -- cat /proc/self/oom_score_adj
	assert_output 700
}

@test "runit: runsv with run.runit: the daemon and every respawn get the score" {
	from_template run.runit "$T/svc"
	supervise_dir runit "$T/svc"
	check_respawns runit "$T/svc" 700
}

@test "runit: runsv with run.runit-envdir (chpst -e, fromenv): the score comes from env/" {
	from_template run.runit-envdir "$T/svc"
	mkdir "$T/svc/env"
	printf '700\n' >"$T/svc/env/OOM_SCORE_ADJ"
	supervise_dir runit "$T/svc"
	check_respawns runit "$T/svc" 700
	# A new value in the envdir holds from the next start on, run file untouched.
	printf '300\n' >"$T/svc/env/OOM_SCORE_ADJ"
	old=$dpid
	kill -9 "$old"
	wait_long daemon_up runit "$T/svc" "$old" || fail "no respawn"
	assert_equal "$(adj_of "$dpid")" 300
}

@test "runit: Void-style conf sourced by the run file sets the score through the hook" {
	mkdir -p "$T/svc"
	sed -e 's/-500/700/' -e "s|/usr/share/oomguard/oomguard.sh|$TOP/hooks/oomguard.sh|g" \
		"$TOP/runit/conf.void" >"$T/svc/conf"
	grep -q '^OOM_SCORE_ADJ=700$' "$T/svc/conf" || fail "conf.void changed shape"
	# A run file as Void ships them: source conf, then exec the daemon.
	printf '#!/bin/sh\n[ -r conf ] && . ./conf\nexec chpst -u nobody sleep 1000\n' >"$T/svc/run"
	chmod 755 "$T/svc/run"
	supervise_dir runit "$T/svc"
	check_respawns runit "$T/svc" 700
}

@test "daemontools: supervise with run.daemontools (envdir, setuidgid)" {
	from_template run.daemontools "$T/svc"
	mkdir "$T/svc/env"
	printf '700\n' >"$T/svc/env/OOM_SCORE_ADJ"
	supervise_dir daemontools "$T/svc"
	check_respawns daemontools "$T/svc" 700
}

@test "s6: s6-supervise with run.s6 (s6-envdir, s6-setuidgid)" {
	from_template run.s6 "$T/svc"
	mkdir "$T/svc/env"
	printf '700\n' >"$T/svc/env/OOM_SCORE_ADJ"
	supervise_dir s6 "$T/svc"
	check_respawns s6 "$T/svc" 700
}

# BusyBox: a private copy of sleep, so that start-stop-daemon -x matches no
# other sleep on the machine, and start-stop-daemon as the applet's link.
busybox_bin() {
	mkdir -p "$T/bin"
	cp /bin/sleep "$T/bin/daemon"
	ln -s "$(command -v busybox)" "$T/bin/start-stop-daemon"
	chmod 755 "$T/bin" "$T/bin/daemon"
}

# The inittab.busybox process field with the test's paths and values.
inittab_command() {
	sed -n 's/^[^#:]*::respawn://p' "$TOP/runit/inittab.busybox" |
		sed -e "s|/usr/local/sbin/oomguard|$OG|" -e 's/-500/700/' \
			-e "s|/sbin/start-stop-daemon|$T/bin/start-stop-daemon|" -e 's/-c mysql/-c nobody/' \
			-e "s|-x /usr/sbin/mysqld|-x $T/bin/daemon -- 1000|"
}

# Succeeds once PID has exited (a zombie has: only its parent may reap it).
gone() { [ ! -e "/proc/$1/comm" ] || test_state "$1" Z; }

# Succeeds once PID is the daemon, running as nobody.
is_daemon() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = daemon ] && owned_by "/proc/$1" 65534; }

@test "BusyBox: the inittab respawn line, run as init runs it, is one PID ending in the daemon with the score" {
	busybox_bin
	cmd=$(inittab_command)
	[[ $cmd == "$OG -n 700 -- $T/bin/start-stop-daemon -S -c nobody -x $T/bin/daemon -- 1000" ]] ||
		fail "inittab.busybox changed shape: $cmd"
	# No shell metacharacters: BusyBox init would exec it directly; sh's exec is the same.
	start busybox sh -c "exec $cmd"
	wait_long is_daemon "$pid" || fail "no daemon: $(cat "$T/out.bg")"
	assert_equal "$(adj_of "$pid")" 700
	# Respawned: each new start sets the score again.  Reaped first, as
	# init would, or start-stop-daemon finds it still running.
	kill -9 "$pid"
	wait "$pid" || true
	start busybox sh -c "exec $cmd"
	wait_long is_daemon "$pid" || fail "no daemon: $(cat "$T/out.bg")"
	assert_equal "$(adj_of "$pid")" 700
}

@test "BusyBox: start-stop-daemon -S -b chain-loads oomguard, which drops privileges last" {
	busybox_bin
	run -0 busybox start-stop-daemon -S -b -m -p "$T/daemon.pid" -x "$OG" -- \
		-n 700 -- "$T/bin/start-stop-daemon" -S -c nobody -x "$T/bin/daemon" -- 1000
	wait_for test -s "$T/daemon.pid" || fail "no pidfile"
	dpid=$(cat "$T/daemon.pid")
	PIDS="$PIDS $dpid"
	wait_long is_daemon "$dpid" || fail "no daemon"
	assert_equal "$(adj_of "$dpid")" 700
	# Stopped the usual way, through its pidfile.
	run -0 busybox start-stop-daemon -K -p "$T/daemon.pid"
	wait_for gone "$dpid" || fail "daemon still running"
}

# Succeeds once PID has a child; sets $init to it.
has_child() {
	local c
	for c in $(children_of "$1"); do
		init=$c
		return 0
	done
	return 1
}

# Succeeds once the busybox init with host PID $1 has a daemon child other
# than OLD ($2); sets $dpid.
init_child_up() {
	local p
	for p in $(children_of "$1"); do
		if [ "$p" != "${2:-}" ] && is_daemon "$p"; then
			dpid=$p
			return 0
		fi
	done
	return 1
}

@test "BusyBox: the real busybox init, as PID 1 of its own namespace, respawns the inittab line with the score" {
	busybox_bin
	cmd=$(inittab_command)
	# The host's /etc stays untouched: /etc/inittab is written into an
	# overlay that exists only in the new mount namespace.
	mkdir "$T/ov"
	cat >"$T/init.sh" <<-EOF
		set -e
		mount -t tmpfs tmpfs "$T/ov"
		mkdir "$T/ov/up" "$T/ov/work"
		mount -t overlay overlay -o lowerdir=/etc,upperdir="$T/ov/up",workdir="$T/ov/work" /etc
		printf '::respawn:%s\n' "$cmd" >/etc/inittab
		exec busybox init
	EOF
	# Not started with `start`: teardown must stop unshare and its whole
	# tree together, or the namespace's init would outlive it.  Killing a
	# namespace's init with SIGKILL kills everything in it.
	unshare --pid --fork --mount --mount-proc sh "$T/init.sh" >"$T/out.bg" 2>&1 3>&- &
	pid=$!
	SUPS+=("busybox $T $pid")
	wait_for has_child "$pid" || fail "unshare did not start init: $(cat "$T/out.bg")"
	wait_long init_child_up "$init" || fail "no daemon under init: $(cat "$T/out.bg")"
	assert_equal "$(adj_of "$dpid")" 700
	for i in 1 2 3; do
		old=$dpid
		kill -9 "$old"
		wait_long init_child_up "$init" "$old" || fail "no respawn after kill $i"
		assert_equal "$(adj_of "$dpid")" 700
	done
	# init itself is left as it was.
	assert_equal "$(adj_of "$init")" "$(adj_of $$)"
}
