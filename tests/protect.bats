#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031 # each test adds to its own PIDS
# oomguard protect / unprotect (protect/oomguard-protect, oomguard-protect(8))
# against real programs: Debian's memcached, redis-server and nginx through
# their own init scripts, a sysconfig-style script, runit's runsvdir, a real
# Upstart 1.13.2 session init and a real OpenRC 0.45.2.  Each test runs in a
# private mount namespace whose /etc, /usr and /run are overlays, with the
# kit installed there as a package installs it (/usr/sbin/oomguard and its
# tools, the hook in /usr/share/oomguard): the host's files never change.
# Each case: protect, a restart, the daemon's score, a second protect that
# changes nothing (files compared byte for byte), unprotect, and the
# namespace's /etc (names, modes, owners, checksums) as it was before.
# It starts memcached, redis and nginx (their ports are the host's): run it
# under the host lock, flock /run/oomguard-host.lock bats tests/protect.bats.
# Scores are positive: this machine has no CAP_SYS_RESOURCE.
# shellcheck disable=SC2154 # $T, $output are set by common.bash and bats
bats_require_minimum_version 1.5.0
# Not /run/oomguard-tests: the namespace's /run is an overlay.
# shellcheck disable=SC2034 # read by test_tmp in common.bash
OOMGUARD_TEST_ROOT=/var/lib/oomguard-tests
load common
load helpers/realinit

UP=${OOMGUARD_UPSTART:-/var/cache/oomguard-ci/upstart}
OPENRC=${OOMGUARD_OPENRC:-/var/cache/oomguard-ci/openrc}

local_setup() {
	cp /bin/sleep "$T/daemon"
	chmod 755 "$T"
	INIT_PID=
}

local_teardown() {
	if [ -n "${INIT_PID:-}" ]; then
		kill -TERM "$INIT_PID" 2>/dev/null || true
		wait "$INIT_PID" 2>/dev/null || true
	fi
	ns_stop
}

# kit [SPEC...]: the namespace (overlays of /etc, /usr and /run, then SPEC),
# with the kit installed in it as a package installs it.
# shellcheck disable=SC2120 # most tests need no SPEC
kit() { kit_ns overlay:/etc overlay:/usr overlay:/run "$@"; }
kit_ns() {
	ns_start "$T/ns" "$@"
	ns install -m 755 "$TOP/bin/oomguard" /usr/sbin/oomguard
	ns install -m 755 "$TOP/protect/oomguard-protect" /usr/sbin/oomguard-protect
	ns install -m 755 "$TOP/upstart/oomguard-upstart" /usr/sbin/oomguard-upstart
	ns install -D -m 644 "$TOP/hooks/oomguard.sh" /usr/share/oomguard/oomguard.sh
	ns install -d -m 755 /etc/oomguard.d
}

# And Debian's init-functions.d hook.
lsb_kit() { ns install -m 644 "$TOP/hooks/init-functions.d/50-oomguard" /lib/lsb/init-functions.d/50-oomguard; }

# The administrator, in the namespace, at score 0.
OGN() {
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- env PATH="${XPATH:+$XPATH:}/usr/sbin:/usr/bin:/sbin:/bin" \
		sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh /usr/sbin/oomguard "$@" 3>&-
}

# OGN as the user nobody.
OGU() {
	nsenter -t "$NS_PID" -m -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		env PATH="/usr/sbin:/usr/bin:/sbin:/bin" /usr/sbin/oomguard "$@" 3>&-
}

# OGN as root without CAP_SYS_RESOURCE (whatever this host's root has), as
# in a container.
OGC() {
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource \
		env PATH="/usr/sbin:/usr/bin:/sbin:/bin" \
		sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh /usr/sbin/oomguard "$@" 3>&-
}

# rc NAME ACTION: the init script, in the namespace, at score 0; output to a file.
rc() {
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh \
		"/etc/init.d/$1" "$2" >"$T/rc.out" 2>&1 3>&-
}

# The namespace's /etc: each name with type, mode and owner, and each
# regular file's checksum (runit's supervise/ state left out).
etc_listing() {
	ns sh -c 'cd /etc && find . -xdev -name supervise -prune -o -printf "%y %m %u %g %p\n" | LC_ALL=C sort &&
		find . -xdev -name supervise -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum' >"$1"
}
etc_same() {
	etc_listing "$T/etc.after"
	diff -u "$1" "$T/etc.after" || fail "/etc differs after unprotect"
}

# ns_file FILE: its bytes, as the namespace sees it, into $T/copy.N.
snap() { ns cat "$1" >"$T/copy.$2"; }

# The live PID a pidfile in the namespace names, other than OLD.
ns_pid() {
	local p
	p=$(ns cat "$1" 2>/dev/null) || return 1
	[ -n "$p" ] && [ "$p" != "${2:-}" ] && [ -e "/proc/$p" ] && [ "$(state_of "$p")" != Z ] && echo "$p"
}

# debian_case NAME PIDFILE SCORE TARGET: the Debian init script NAME, run in
# the namespace; protect writes TARGET; the whole cycle.
debian_case() {
	local d=$1 pf=$2 s=$3 target=$4 verb=${5:-created} p1 p2
	ns test -x "/etc/init.d/$d" || fail "/etc/init.d/$d is not installed (.ci/run installs it)"
	etc_listing "$T/etc.before"
	rc "$d" start
	wait_for ns_pid "$pf" >/dev/null || fail "$d did not start: $(cat "$T/rc.out")"
	p1=$(ns_pid "$pf")
	run -0 OGN protect "$d" "$s"
	assert_output --partial "$verb $target"
	# (nginx's workers: its children, which a start would have given it.)
	assert_output --partial "runs at $s (read back: ok)"
	assert_equal "$(adj_of "$p1")" "$s"
	for c in $(pgrep -P "$p1"); do assert_equal "$(adj_of "$c")" "$s"; done
	rc "$d" restart
	wait_for ns_pid "$pf" "$p1" >/dev/null || fail "$d did not restart: $(cat "$T/rc.out")"
	p2=$(ns_pid "$pf")
	wait_for adj_is "$p2" "$s"
	for c in $(pgrep -P "$p2"); do assert_equal "$(adj_of "$c")" "$s"; done
	snap "$target" 1
	run -0 OGN protect "$d" "$s"
	assert_output --partial "$target already says so: nothing changed"
	snap "$target" 2
	cmp "$T/copy.1" "$T/copy.2"
	run -0 OGN unprotect "$d"
	assert_output --partial "removed what oomguard protect wrote"
	rc "$d" stop
	etc_same "$T/etc.before"
}

@test "memcached (Debian init script, init-functions.d installed): a drop-in of its own, the init script's PIDFILE=" {
	kit
	lsb_kit
	debian_case memcached /run/memcached.pid 300 /etc/oomguard.d/memcached.conf
	assert_equal "$(cat "$T/copy.1")" "# oomguard protect: this file is written by oomguard protect memcached; oomguard unprotect memcached removes it
memcached 300 pidfile=/run/memcached.pid"
}

@test "nginx (Debian init script, init-functions.d): the pidfile found under /run; the workers too" {
	kit
	lsb_kit
	debian_case nginx /run/nginx.pid 400 /etc/oomguard.d/nginx.conf
	grep -qx 'nginx 400 pidfile=/run/nginx.pid' "$T/copy.1"
}

@test "redis-server (Debian init script, no init-functions.d hook): the block in /etc/default, the admin's lines kept" {
	kit
	ns cp /etc/default/redis-server "$T/default.orig"
	debian_case redis-server /run/redis/redis-server.pid 200 /etc/default/redis-server changed
	# The file as it was, plus our block at the end.
	head -c "$(stat -c %s "$T/default.orig")" "$T/copy.1" | cmp - "$T/default.orig"
	tail -n 5 "$T/copy.1" | head -n 3 | tail -n 2 >"$T/mid"
	assert_equal "$(cat "$T/mid")" "OOM_SCORE_ADJ=200
OOM_PIDFILE=/run/redis/redis-server.pid"
}

# A RHEL-style init script that sources /etc/sysconfig/NAME, with dpkg's
# start-stop-daemon; the daemon is a copy of sleep.
sysconfig_script() {
	ns mkdir -p /etc/sysconfig
	ns sh -c "cat >/etc/init.d/og-sleeper" <<EOF
#!/bin/sh
# RHEL style: the settings in /etc/sysconfig/og-sleeper.
DAEMON=$T/daemon
PIDFILE=/run/og-sleeper.pid
[ -f /etc/sysconfig/og-sleeper ] && . /etc/sysconfig/og-sleeper
case \$1 in
start) start-stop-daemon -S -q -b -m -p \$PIDFILE -x \$DAEMON -- 1000 ;;
stop) start-stop-daemon -K -q -o -p \$PIDFILE -x \$DAEMON; rm -f \$PIDFILE ;;
restart) \$0 stop; \$0 start ;;
esac
EOF
	ns chmod 755 /etc/init.d/og-sleeper
}

@test "a sysconfig-style script: the hook block in a new /etc/sysconfig/NAME, removed whole by unprotect" {
	kit
	sysconfig_script
	debian_case og-sleeper /run/og-sleeper.pid 350 /etc/sysconfig/og-sleeper
	assert_equal "$(sed -n 1p "$T/copy.1")" '# oomguard protect: begin (file created); oomguard unprotect og-sleeper removes this block'
	grep -qx 'OOM_PIDFILE=/run/og-sleeper.pid' "$T/copy.1"
}

@test "unprotect removes only its own block: the administrator's sysconfig lines stay byte for byte" {
	kit
	sysconfig_script
	printf '# mine\nOPTIONS="-x"\n' | ns sh -c 'cat >/etc/sysconfig/og-sleeper'
	snap /etc/sysconfig/og-sleeper 0
	run -0 OGN protect og-sleeper 100
	assert_output --partial 'changed /etc/sysconfig/og-sleeper'
	snap /etc/sysconfig/og-sleeper 1
	printf '# later\n' | ns sh -c 'cat >>/etc/sysconfig/og-sleeper'
	run -0 OGN unprotect og-sleeper
	snap /etc/sysconfig/og-sleeper 2
	assert_equal "$(cat "$T/copy.2")" "$(cat "$T/copy.0")
# later"
}

@test "the administrator's own OOM_SCORE_ADJ line: protect changes nothing, says where, exits 1" {
	kit
	sysconfig_script
	printf 'OOM_SCORE_ADJ=5\n' | ns sh -c 'cat >/etc/sysconfig/og-sleeper'
	snap /etc/sysconfig/og-sleeper 0
	run -1 OGN protect og-sleeper 100
	assert_output --partial "/etc/sysconfig/og-sleeper: it has its own oomguard line 1 (OOM_SCORE_ADJ=5)"
	snap /etc/sysconfig/og-sleeper 1
	cmp "$T/copy.0" "$T/copy.1"
}

# runit: a real runsvdir on /etc/service in the namespace.
runit_service() {
	# Only ours in the scan directory: not the host's services
	# (default-syslog...), which runsvdir would start in the namespace.
	ns rm -rf /etc/service
	ns mkdir -p /etc/sv/og-svc /etc/service
	printf '%s\n' '#!/bin/sh' 'exec 2>&1' "$1" | ns sh -c 'cat >/etc/sv/og-svc/run'
	ns chmod 755 /etc/sv/og-svc/run
	[ -z "${2:-}" ] || ns mkdir /etc/sv/og-svc/env
	ns ln -s /etc/sv/og-svc /etc/service/og-svc
}
runsv_pid() {
	local p
	p=$(ns cat /etc/sv/og-svc/supervise/pid 2>/dev/null) || return 1
	[ -n "$p" ] && [ "$p" != "${1:-}" ] && comm_is "$p" daemon && echo "$p"
}

@test "runit (real runsvdir): a run file chaining oomguard -n fromenv gets env/OOM_SCORE_ADJ; sv restart" {
	kit
	runit_service "exec chpst -e ./env oomguard -n fromenv -- $T/daemon 1000" env
	etc_listing "$T/etc.before"
	nsenter -t "$NS_PID" -m -- runsvdir -P /etc/service </dev/null >/dev/null 2>&1 3>&- &
	wait_for runsv_pid >/dev/null
	p1=$(runsv_pid)
	run -0 OGN protect og-svc 450
	assert_output --partial 'created /etc/sv/og-svc/env/OOM_SCORE_ADJ'
	assert_output --partial "pid $p1 (run by the supervisor of /etc/sv/og-svc) runs at 450 (read back: ok)"
	assert_equal "$(adj_of "$p1")" 450
	ns sv restart /etc/service/og-svc >/dev/null
	wait_for runsv_pid "$p1" >/dev/null
	assert_equal "$(adj_of "$(runsv_pid "$p1")")" 450
	snap /etc/sv/og-svc/env/OOM_SCORE_ADJ 1
	assert_equal "$(sed -n 1p "$T/copy.1")" 450
	run -0 OGN protect og-svc 450
	assert_output --partial 'already says so: nothing changed'
	snap /etc/sv/og-svc/env/OOM_SCORE_ADJ 2
	cmp "$T/copy.1" "$T/copy.2"
	run -0 OGN unprotect og-svc
	assert_output --partial 'removed /etc/sv/og-svc/env/OOM_SCORE_ADJ'
	etc_same "$T/etc.before"
}

@test "runit (real runsvdir): a run file that does not chain-load: a watch rule, and the exec line printed, not written" {
	kit
	runit_service "exec $T/daemon 1000"
	ns cp /etc/sv/og-svc/run "$T/run.orig"
	etc_listing "$T/etc.before"
	# As Debian's runsvdir-start runs it: a log argument after the directory.
	nsenter -t "$NS_PID" -m -- runsvdir -P /etc/service 'log: ..........' </dev/null >/dev/null 2>&1 3>&- &
	wait_for runsv_pid >/dev/null
	p1=$(runsv_pid)
	run -0 OGN protect og-svc 250
	assert_output --partial 'created /etc/oomguard.d/og-svc.conf'
	assert_output --partial "    exec oomguard -n 250 -- $T/daemon 1000"
	assert_equal "$(adj_of "$p1")" 250
	ns cmp /etc/sv/og-svc/run "$T/run.orig"
	snap /etc/oomguard.d/og-svc.conf 1
	grep -qx "og-svc 250 exe=$T/daemon" "$T/copy.1"
	# oomguard watch holds it at every restart (as its init script starts it).
	ns rm -f /run/oomguard.pid
	ns /usr/sbin/oomguard watch -b -P /run/oomguard.pid </dev/null >"$T/watch.out" 2>&1 3>&-
	w=$(ns cat /run/oomguard.pid)
	PIDS="$PIDS $w"
	ns sv restart /etc/service/og-svc >/dev/null
	wait_for runsv_pid "$p1" >/dev/null
	wait_for adj_is "$(runsv_pid "$p1")" 250
	run -0 OGN protect og-svc 250
	assert_output --partial 'nothing changed'
	assert_output --partial "oomguard watch is running (pid $w, from /run/oomguard.pid)"
	snap /etc/oomguard.d/og-svc.conf 2
	cmp "$T/copy.1" "$T/copy.2"
	run -0 OGN unprotect og-svc
	etc_same "$T/etc.before"
}

@test "the watch is judged through its root-owned pidfile, not argv: a nobody process named 'oomguard watch' is not it; how to start it" {
	kit
	ns rm -f /run/oomguard.pid /etc/init.d/oomguard /etc/default/oomguard /etc/sysconfig/oomguard
	cp /bin/sleep "$T/oomguard"
	chmod 755 "$T/oomguard"
	# shellcheck disable=SC2016 # expanded by the child bash
	nsenter -t "$NS_PID" -m -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c 'exec -a "oomguard watch" "$1" 1000' bash "$T/oomguard" </dev/null >/dev/null 2>&1 3>&- &
	spoof=$!
	PIDS="$PIDS $spoof"
	wait_for comm_is "$spoof" oomguard
	run -0 OGN protect --dry-run og-w 100 --exe "$T/daemon"
	refute_output --partial 'watch is running'
	assert_output --partial 'oomguard watch is NOT running: start it: /usr/sbin/oomguard watch -b -P /run/oomguard.pid'
	# Its pidfile, written by nobody, naming nobody's process: not the watch.
	ns sh -c "echo $spoof >/run/oomguard.pid && chown nobody /run/oomguard.pid"
	run -0 OGN protect --dry-run og-w 100 --exe "$T/daemon"
	refute_output --partial 'watch is running'
	ns rm -f /run/oomguard.pid
	# Installed from the package: its init script.
	ns install -m 755 "$TOP/sysvinit/oomguard" /etc/init.d/oomguard
	run -0 OGN protect --dry-run og-w 100 --exe "$T/daemon"
	assert_output --partial 'oomguard watch is NOT running: start it: /etc/init.d/oomguard start (with OOMGUARD_ENABLE=yes in /etc/default/oomguard)'
	# The real one, as the init script starts it.
	ns /usr/sbin/oomguard watch -b -P /run/oomguard.pid </dev/null >"$T/watch.out" 2>&1 3>&-
	w=$(ns cat /run/oomguard.pid)
	PIDS="$PIDS $w"
	run -0 OGN protect --dry-run og-w 100 --exe "$T/daemon"
	assert_output --partial "oomguard watch is running (pid $w, from /run/oomguard.pid)"
}

# A copy of sleep at $T/DIR/NAME, run in the namespace as root or (nobody)
# as the user nobody, at score 0; sets $pid.
ns_prog() {
	local dir=$1 n=$2 who=${3:-}
	mkdir -p "$T/$dir"
	chmod 755 "$T/$dir"
	cp /bin/sleep "$T/$dir/$n"
	chmod 755 "$T/$dir/$n"
	if [ "$who" = nobody ]; then
		nsenter -t "$NS_PID" -m -- setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$T/$dir/$n" 1000 </dev/null >/dev/null 2>&1 3>&- &
	else
		nsenter -t "$NS_PID" -m -- "$T/$dir/$n" 1000 </dev/null >/dev/null 2>&1 3>&- &
	fi
	pid=$!
	PIDS="$PIDS $pid"
	wait_for comm_is "$pid" "$n"
}

@test "found by name: a local user's process of that name is not the daemon; no user= copied from it" {
	kit
	ns_prog x og-zz nobody
	p=$pid
	etc_listing "$T/etc.before"
	run -3 OGN protect --dry-run og-zz 150
	assert_output --partial "pid $p: runs as user nobody, not as root"
	run -3 OGN protect og-zz 150
	assert_output --partial "a process found by name counts only if it runs as root"
	refute_output --partial 'user=nobody'
	assert_equal "$(adj_of "$p")" 0
	etc_same "$T/etc.before"
}

@test "found by name: root's daemon and a local user's same-named program: only root's, exe= its program, no user=" {
	kit
	ns_prog a og-md
	root_p=$pid
	ns_prog x og-md nobody
	user_p=$pid
	etc_listing "$T/etc.before"
	run -0 OGN protect --dry-run og-md 150
	assert_output --partial "og-md 150 exe=$T/a/og-md"
	refute_output --partial 'user='
	assert_equal "$(adj_of "$root_p")" 0
	etc_same "$T/etc.before"
	run -0 OGN protect og-md 150
	snap /etc/oomguard.d/og-md.conf 1
	assert_equal "$(sed -n 2p "$T/copy.1")" "og-md 150 exe=$T/a/og-md"
	assert_equal "$(adj_of "$root_p")" 150
	assert_equal "$(adj_of "$user_p")" 0
	run -0 OGN unprotect og-md
	etc_same "$T/etc.before"
	run -0 OGN unprotect og-md
	assert_output 'og-md: nothing of oomguard protect found: nothing changed'
}

@test "found by name: candidates that run different programs are refused, listed, nothing written" {
	kit
	ns_prog a og-two
	p1=$pid
	ns_prog b og-two
	p2=$pid
	etc_listing "$T/etc.before"
	run -1 OGN protect og-two 150
	assert_output --partial "find og-two: processes of that name run different programs:"
	assert_output --partial "pid $p1 ($T/a/og-two, user root)"
	assert_output --partial "pid $p2 ($T/b/og-two, user root)"
	assert_equal "$(adj_of "$p1")" 0
	etc_same "$T/etc.before"
}

@test "a local user's pidfile in /run/lock naming nginx's master is never a candidate (its name never written)" {
	kit
	ns test -x /etc/init.d/nginx || fail "/etc/init.d/nginx is not installed (.ci/run installs it)"
	rc nginx start
	wait_for ns_pid /run/nginx.pid >/dev/null || fail "nginx did not start: $(cat "$T/rc.out")"
	master=$(ns_pid /run/nginx.pid)
	# shellcheck disable=SC2016 # the attacker's words, literally
	bad='/run/lock/a;touch${IFS}$(printf${IFS}\057tmp\057PWNED);#.pid'
	# shellcheck disable=SC2016 # expanded by the child sh
	ns setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo "$1" >"$2"' sh "$master" "$bad"
	# shellcheck disable=SC2016 # expanded by the child sh
	ns setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo "$1" >/run/lock/a.pid' sh "$master"
	run -0 OGN protect --dry-run nginx 100
	assert_output --partial 'pidfile /run/nginx.pid (found under /run'
	refute_output --partial /run/lock
	run -0 OGN protect nginx 100
	snap /etc/default/nginx 1
	grep -qx 'OOM_PIDFILE=/run/nginx.pid' "$T/copy.1"
	run grep -c /run/lock "$T/copy.1"
	assert_output 0
	rc nginx stop
}

@test "a local user's own copy of the daemon's program, with its pidfile in /run/lock, is not the daemon" {
	kit
	sysconfig_script
	etc_listing "$T/etc.before"
	# The service is stopped; nobody runs its program and says so in /run/lock.
	nsenter -t "$NS_PID" -m -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$T/daemon" 1000 </dev/null >/dev/null 2>&1 3>&- &
	p=$!
	PIDS="$PIDS $p"
	wait_for comm_is "$p" daemon
	# shellcheck disable=SC2016 # expanded by the child sh
	ns setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo "$1" >/run/lock/og.pid' sh "$p"
	run -0 OGN protect og-sleeper 100
	assert_output --partial 'pidfile /run/og-sleeper.pid (from the PIDFILE= line of /etc/init.d/og-sleeper; the daemon is not running now)'
	assert_output --partial 'now, it is not running'
	refute_output --partial /run/lock
	assert_equal "$(adj_of "$p")" 0
	run -0 OGN unprotect og-sleeper
	etc_same "$T/etc.before"
}

@test "--pidfile missing while redis-server runs with its own, or naming another process: refused, exit 1, the real one named" {
	kit
	ns test -x /etc/init.d/redis-server || fail "/etc/init.d/redis-server is not installed (.ci/run installs it)"
	ns_prog a og-other
	other=$pid
	ns sh -c "echo $other >/run/other.pid"
	etc_listing "$T/etc.before"
	rc redis-server start
	wait_for ns_pid /run/redis/redis-server.pid >/dev/null || fail "redis-server did not start: $(cat "$T/rc.out")"
	p=$(ns_pid /run/redis/redis-server.pid)
	want="the running daemon, pid $p, has /run/redis/redis-server.pid: give --pidfile /run/redis/redis-server.pid, or none"
	run -1 OGN protect redis-server 200 --pidfile /run/redis.pid
	assert_output --partial 'oomguard: protect redis-server: refused: --pidfile /run/redis.pid: '
	assert_output --partial "$want"
	run -1 OGN protect --dry-run redis-server 200 --pidfile /run/redis.pid
	assert_output --partial "$want"
	run -1 OGN protect redis-server 200 --pidfile /run/other.pid
	assert_output --partial "$want"
	assert_equal "$(adj_of "$p")" 0
	assert_equal "$(adj_of "$other")" 0
	etc_same "$T/etc.before"
	run -0 OGN protect --dry-run redis-server 200 --pidfile /run/redis/redis-server.pid
	assert_output --partial "pidfile /run/redis/redis-server.pid (given with --pidfile; it names the running daemon, pid $p)"
	rc redis-server stop
	wait_for test ! -e "/proc/$p"
	# Stopped: a file naming another process is still refused; a missing one is taken.
	run -1 OGN protect redis-server 200 --pidfile /run/other.pid
	assert_output --partial "oomguard: protect redis-server: refused: --pidfile /run/other.pid names pid $other, not the daemon: "
	run -0 OGN protect --dry-run redis-server 200 --pidfile /run/redis.pid
	assert_output --partial 'pidfile /run/redis.pid (given with --pidfile; it names no running daemon now'
	etc_same "$T/etc.before"
}

@test "the sink: a pidfile found under /run whose name has shell characters is never written, even root's" {
	kit
	sysconfig_script
	etc_listing "$T/etc.before"
	rc og-sleeper start
	wait_for ns_pid /run/og-sleeper.pid >/dev/null || fail "og-sleeper did not start: $(cat "$T/rc.out")"
	ns mv /run/og-sleeper.pid '/run/og;id.pid'
	run -1 OGN protect og-sleeper 100
	assert_output --partial "write /etc/sysconfig/og-sleeper: refused: pidfile '/run/og;id.pid' has characters other than letters, digits and _./@+:-"
	etc_same "$T/etc.before"
	ns rm -f '/run/og;id.pid'
}

@test "hostile input: bad names and scores exit 2 and write nothing" {
	kit
	etc_listing "$T/etc.before"
	for n in ../x .x -x a/b 'a b' "$(printf 'a\nb')" '' x\;y; do
		run -2 OGN protect -- "$n" 100
		assert_output --partial 'check name'
	done
	for s in 1001 -1001 abc '' 10000 0x10; do
		run -2 OGN protect og-x "$s"
	done
	run -2 OGN protect og-x 100 --pidfile relative.pid
	run -2 OGN protect og-x 100 --exe '/bin/a b'
	run -2 OGN unprotect
	run -2 OGN protect og-x
	etc_same "$T/etc.before"
}

@test "refused: a symbolic link where the file goes, a drop-in directory others can write" {
	kit
	spawn
	cp /bin/sleep "$T/og-ln"
	ns ln -s /etc/hostname /etc/oomguard.d/og-ln.conf
	run -1 OGN protect og-ln 100 --exe "$T/og-ln"
	assert_output --partial 'write /etc/oomguard.d/og-ln.conf: refused: a symbolic link'
	ns rm /etc/oomguard.d/og-ln.conf
	ns chmod 775 /etc/oomguard.d
	run -1 OGN protect og-ln 100 --exe "$T/og-ln"
	assert_output --partial 'refused: directory /etc/oomguard.d'
	run ns test -e /etc/oomguard.d/og-ln.conf
	assert_failure
}

@test "a drop-in that is not ours is left alone; a table line of ours in CONFIG when there is no drop-in directory" {
	kit
	ns sh -c 'echo "og-t 5" >/etc/oomguard.d/og-t.conf'
	run -1 OGN protect og-t 100 --exe "$T/daemon"
	assert_output --partial '/etc/oomguard.d/og-t.conf: it has its own oomguard line 1 (og-t 5)'
	ns sh -c 'echo "# mine" >/etc/oomguard.d/og-t.conf'
	run -1 OGN protect og-t 100 --exe "$T/daemon"
	assert_output --partial 'it is not ours'
	ns rm -r /etc/oomguard.d
	printf 'other 7\n' | ns sh -c 'cat >/etc/oomguard.conf'
	snap /etc/oomguard.conf 0
	run -0 OGN protect og-t 100 --exe "$T/daemon"
	snap /etc/oomguard.conf 1
	assert_equal "$(cat "$T/copy.1")" "other 7
og-t 100 exe=$T/daemon  # oomguard protect"
	run -0 OGN protect og-t 100 --exe "$T/daemon"
	assert_output --partial 'nothing changed'
	run -0 OGN unprotect og-t
	snap /etc/oomguard.conf 2
	cmp "$T/copy.0" "$T/copy.2"
}

@test "unprotect with the administrator's own table line left: says it still protects, not 'keeps its score until it restarts'" {
	kit
	run -0 OGN protect og-t 100 --exe "$T/daemon"
	printf 'og-t 5 exe=/bin/true\n' | ns sh -c 'cat >>/etc/oomguard.conf'
	run -0 OGN unprotect og-t
	assert_output --partial 'removed /etc/oomguard.d/og-t.conf'
	assert_line --regexp "^og-t: still protected by the administrator's own table line, not removed: /etc/oomguard.conf line [0-9]+ \(og-t 5 exe=/bin/true\)$"
	refute_output --partial 'keeps its score'
	ns cat /etc/oomguard.conf | grep -qx 'og-t 5 exe=/bin/true'
}

@test "a misspelled name: exit 3, asks to check the name; --exe only as a watch rule under that very name" {
	kit
	etc_listing "$T/etc.before"
	run -3 OGN protect memcachd 100
	assert_output "oomguard: find service memcachd: no init script, Upstart job, service directory or running process of that name: check the name (a typo? ls /etc/init.d); --exe PATH writes a watch rule under the name memcachd"
	etc_same "$T/etc.before"
}

@test "oomguard protect without the tool next to it: exit 127, saying what is missing" {
	mkdir "$T/lone"
	cp "$OG" "$T/lone/oomguard"
	[ ! -e /usr/sbin/oomguard-protect ] || fail "/usr/sbin/oomguard-protect is installed on this host"
	run -127 "$T/lone/oomguard" protect x 1
	assert_output 'oomguard: exec /usr/sbin/oomguard-protect: No such file or directory'
}

@test "--help: the usage equals oomguard-protect(8)'s SYNOPSIS; exit codes as there" {
	run -0 "$OG" protect --help
	want=$(MANWIDTH=200 man -l "$TOP/man/oomguard-protect.8" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | grep 'oomguard [a-z]*protect ' | sed 's/^ *//')
	got=$(printf '%s\n' "$output" | sed -n '1,/^$/p' | sed 's/^usage: //; s/^ *//' | grep .)
	assert_equal "$got" "$want"
	codes=$(printf '%s\n' "$output" | sed -n '/^Exit:/,/^See/p' | grep -v '^See' | grep -o '[0-9][0-9]*' | sort -n | tr '\n' ' ')
	man_codes=$(MANWIDTH=200 man -l "$TOP/man/oomguard-protect.8" 2>/dev/null |
		sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' | grep -E '^ {7}[0-9]+( |$)' | awk '{ print $1 }' | sort -n | tr '\n' ' ')
	assert_equal "$codes" "$man_codes"
	run -0 shellcheck -s sh "$TOP/protect/oomguard-protect"
}

ic() { PATH="$T/bin:$PATH" initctl "$@"; }
job_pid() {
	local st
	st=$(ic status "$1" 2>/dev/null) || return 1
	case $st in
	*start/running,\ process\ [0-9]*) [ "${st##* }" != "${2:-}" ] && echo "${st##* }" ;;
	*) return 1 ;;
	esac
}

# upstart_up: the kit, a real Upstart 1.13.2 session init reading the
# namespace's /etc/init, with the job og-job; $INIT_PID, UPSTART_SESSION.
upstart_up() {
	"$UP/sbin/init" --version 2>/dev/null | grep -q 'upstart 1\.13\.2' ||
		fail "no Upstart 1.13.2 in $UP (.ci/run builds it; see tests/upstart-real.bats)"
	kit
	mkdir -p "$T/bin" "$T/log"
	mkdir -m 700 "$T/xdg"
	ln -s "$UP/sbin/initctl" "$T/bin/initctl"
	ns mkdir -p /etc/init
	printf 'exec %s 1000\n' "$T/daemon" | ns sh -c 'cat >/etc/init/og-job.conf'
	etc_listing "$T/etc.before"
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- env -i XDG_RUNTIME_DIR="$T/xdg" HOME="$T" UPSTART_NO_SYSTEM_USERCONFDIR=1 \
		PATH="$T/bin:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C \
		sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh \
		"$UP/sbin/init" --user --no-dbus --no-startup-event --confdir /etc/init --logdir "$T/log" \
		</dev/null >"$T/init.log" 2>&1 3>&- &
	INIT_PID=$!
	wait_for test -s "$T/xdg/upstart/sessions/$INIT_PID.session"
	UPSTART_SESSION=$(sed -n 's/^UPSTART_SESSION=//p' "$T/xdg/upstart/sessions/$INIT_PID.session")
	export UPSTART_SESSION
	wait_for ic status og-job
}

@test "Upstart (a real 1.13.2 session init): the oom stanza in /etc/init/NAME.override, after our marker; stop and start" {
	upstart_up
	ic start og-job >/dev/null
	p1=$(job_pid og-job)
	XPATH=$T/bin run -0 OGN protect og-job 320
	assert_output --partial 'an Upstart job (/etc/init/og-job.conf, Upstart running)'
	assert_output --partial 'created /etc/init/og-job.override'
	assert_output --partial 'runs at 320 (read back: ok)'
	assert_equal "$(adj_of "$p1")" 320
	ic stop og-job >/dev/null
	ic start og-job >/dev/null
	p2=$(job_pid og-job "$p1")
	assert_equal "$(adj_of "$p2")" 320
	snap /etc/init/og-job.override 1
	assert_equal "$(cat "$T/copy.1")" '# oomguard protect: oomguard unprotect og-job removes the oom stanza and this line
oom score 320'
	XPATH=$T/bin run -0 OGN protect og-job 320
	assert_output --partial 'already says so: nothing changed'
	snap /etc/init/og-job.override 2
	cmp "$T/copy.1" "$T/copy.2"
	XPATH=$T/bin run -0 OGN unprotect og-job
	assert_output --partial 'removed /etc/init/og-job.override'
	etc_same "$T/etc.before"
}

@test "OpenRC (a real 0.45.2): the hook block in /etc/conf.d/NAME, the script's pidfile=; restart" {
	[ "$(cat "$OPENRC/usr/lib/rc/version" 2>/dev/null)" = 0.45.2 ] ||
		fail "no OpenRC 0.45.2 in $OPENRC (tests/helpers/openrc-fetch.sh fetches it)"
	kit_ns "overlay:/usr:$OPENRC/usr" "overlay:/etc:$OPENRC/etc" overlay:/run
	ns mkdir -p /run/openrc
	for d in daemons exclusive failed hotplugged inactive options scheduled started starting \
		stopping tmp wasinactive; do
		ns mkdir -p "/run/openrc/$d"
	done
	ns sh -c 'echo default >/run/openrc/softlevel'
	printf '%s\n' '#!/sbin/openrc-run' "command=$T/daemon" 'command_args=1000' 'command_background=yes' \
		'pidfile=/run/og-rc.pid' | ns sh -c 'cat >/etc/init.d/og-rc'
	ns chmod 755 /etc/init.d/og-rc
	etc_listing "$T/etc.before"
	rc og-rc start
	wait_for ns_pid /run/og-rc.pid >/dev/null || fail "og-rc did not start: $(cat "$T/rc.out")"
	p1=$(ns_pid /run/og-rc.pid)
	run -0 OGN protect og-rc 330
	assert_output --partial 'an init script (/etc/init.d/og-rc) that sources /etc/conf.d/og-rc'
	assert_output --partial 'pidfile /run/og-rc.pid (from the PIDFILE= line of /etc/init.d/og-rc; it names the running daemon'
	assert_output --partial 'runs at 330 (read back: ok)'
	assert_equal "$(adj_of "$p1")" 330
	rc og-rc restart
	wait_for ns_pid /run/og-rc.pid "$p1" >/dev/null || fail "og-rc did not restart: $(cat "$T/rc.out")"
	assert_equal "$(adj_of "$(ns_pid /run/og-rc.pid "$p1")")" 330
	snap /etc/conf.d/og-rc 1
	grep -qx 'OOM_SCORE_ADJ=330' "$T/copy.1"
	run -0 OGN protect og-rc 330
	assert_output --partial 'nothing changed'
	snap /etc/conf.d/og-rc 2
	cmp "$T/copy.1" "$T/copy.2"
	run -0 OGN unprotect og-rc
	rc og-rc stop
	etc_same "$T/etc.before"
}

@test "Upstart: the administrator's own oom line in the override wins: protect refuses, unprotect leaves it" {
	upstart_up
	printf 'oom score -300   # the DBA asked for this\n' | ns sh -c 'cat >/etc/init/og-job.override'
	snap /etc/init/og-job.override 0
	XPATH=$T/bin run -1 OGN protect og-job 100
	assert_output --partial "/etc/init/og-job.override: it has its own oomguard line 1 (oom score -300   # the DBA asked for this)"
	XPATH=$T/bin run -1 OGN protect --dry-run og-job 100
	XPATH=$T/bin run -0 OGN unprotect og-job
	assert_output 'og-job: nothing of oomguard protect found: nothing changed'
	snap /etc/init/og-job.override 1
	cmp "$T/copy.0" "$T/copy.1"
}

@test "the administrator's hook lines in /etc/default (the README's three) win over a table line: refused, nothing written" {
	kit
	lsb_kit
	printf '%s\n' '# mine' 'OOM_SCORE_ADJ=300' 'OOM_PIDFILE=/run/memcached.pid' \
		'[ ! -r /usr/share/oomguard/oomguard.sh ] || . /usr/share/oomguard/oomguard.sh' |
		ns sh -c 'cat >>/etc/default/memcached'
	etc_listing "$T/etc.before"
	run -1 OGN protect memcached 400
	assert_output --regexp "/etc/default/memcached: it has its own oomguard line [0-9]+ \(OOM_SCORE_ADJ=300\)"
	run -1 OGN protect --dry-run memcached 400
	run -0 OGN unprotect memcached
	etc_same "$T/etc.before"
}

@test "the administrator's own table line for the service in another file wins: refused, named" {
	kit
	printf 'og-t 5 exe=/bin/true\n' | ns sh -c 'cat >/etc/oomguard.d/local.conf'
	etc_listing "$T/etc.before"
	run -1 OGN protect og-t 100 --exe "$T/daemon"
	assert_output --partial '/etc/oomguard.d/local.conf: it has its own oomguard line 1 (og-t 5 exe=/bin/true)'
	etc_same "$T/etc.before"
}

@test "not root: one line saying root is needed, exit 1, nothing written; --dry-run shows the plan, then the same line and exit" {
	kit
	sysconfig_script
	etc_listing "$T/etc.before"
	run -1 OGU protect og-sleeper 100
	assert_output 'oomguard: protect og-sleeper: needs root (run as nobody): nothing written'
	run -1 OGU protect --dry-run og-sleeper 100
	assert_line 'og-sleeper: would write /etc/sysconfig/og-sleeper:'
	assert_line 'oomguard: protect og-sleeper: needs root (run as nobody): nothing written'
	refute_output --partial mktemp
	run -1 OGU unprotect og-sleeper
	assert_output 'oomguard: unprotect og-sleeper: needs root (run as nobody): nothing written'
	etc_same "$T/etc.before"
}

@test "no CAP_SYS_RESOURCE: a negative score is refused up front (now and at the next start), nothing written, --dry-run too" {
	kit
	sysconfig_script
	etc_listing "$T/etc.before"
	rc og-sleeper start
	wait_for ns_pid /run/og-sleeper.pid >/dev/null || fail "og-sleeper did not start: $(cat "$T/rc.out")"
	p=$(ns_pid /run/og-sleeper.pid)
	want='oomguard: protect og-sleeper: refused: a negative score needs CAP_SYS_RESOURCE, which root lacks on this host (a container?): -500 would hold neither now nor at the next start; nothing written (0 to 1000 can be set)'
	run -1 OGC protect og-sleeper -500
	assert_output "$want"
	run -1 OGC protect --dry-run og-sleeper -500
	assert_output "$want"
	assert_equal "$(adj_of "$p")" 0
	# A score of 0 or more is not refused.
	run -0 OGC protect --dry-run og-sleeper 100
	rc og-sleeper stop
	etc_same "$T/etc.before"
}

@test "unprotect removes the waiter's record in /run/oomguard: check no longer reports the service" {
	kit
	# The real place, in the namespace's own /run (an overlay).
	unset OOMGUARD_STATE_DIR
	sysconfig_script
	etc_listing "$T/etc.before"
	run -0 OGN protect og-sleeper 100
	rc og-sleeper start
	wait_for ns test -f /run/oomguard/og-sleeper || fail "no record: $(cat "$T/rc.out")"
	p=$(ns_pid /run/og-sleeper.pid)
	wait_for adj_is "$p" 100
	run OGN check
	assert_output --partial og-sleeper
	run -0 OGN unprotect --dry-run og-sleeper
	assert_line '  removed /run/oomguard/og-sleeper'
	ns test -f /run/oomguard/og-sleeper
	run -0 OGN unprotect og-sleeper
	assert_line '  removed /run/oomguard/og-sleeper'
	run ns test -e /run/oomguard/og-sleeper
	assert_failure
	run OGN check
	refute_output --partial og-sleeper
	rc og-sleeper stop
	etc_same "$T/etc.before"
}

@test "a service directory no running supervisor scans (Debian ships /etc/sv/NAME): the init script, not the directory" {
	kit
	sysconfig_script
	ns mkdir -p /etc/sv/og-sleeper
	printf '#!/bin/sh\nexec %s 1000\n' "$T/daemon" | ns sh -c 'cat >/etc/sv/og-sleeper/run && chmod 755 /etc/sv/og-sleeper/run'
	etc_listing "$T/etc.before"
	rc og-sleeper start
	wait_for ns_pid /run/og-sleeper.pid >/dev/null || fail "og-sleeper did not start: $(cat "$T/rc.out")"
	run -0 OGN protect og-sleeper 100
	assert_line 'og-sleeper: an init script (/etc/init.d/og-sleeper) that sources /etc/sysconfig/og-sleeper'
	refute_output --partial /etc/sv
	run -0 OGN protect --exe "$T/daemon" og-sleeper 100
	refute_output --partial /etc/sv
	run -0 OGN unprotect og-sleeper
	rc og-sleeper stop
	etc_same "$T/etc.before"
}
