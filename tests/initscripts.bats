#!/usr/bin/env bats
# The real /etc/init.d scripts of Debian's memcached, redis-server and nginx
# (all three source /etc/default/NAME, then /lib/lsb/init-functions), with
# the kit installed where a user installs it: the hook at
# /usr/share/oomguard/oomguard.sh, the /etc/default lines, or
# /lib/lsb/init-functions.d/50-oomguard and /etc/oomguard.conf.  After start
# and restart the daemon (from its pidfile) has the score; every action
# returns and prints what it did without the kit.  Everything installed is
# removed, /etc/default restored and the daemons stopped at teardown.
# The scripts are called directly: service(8) would clear OOMGUARD_BIN.
# shellcheck disable=SC2154 # $T is set by common.bash
load common

DAEMONS="memcached redis-server nginx"
KEEP_SHARE=
KEEP_MCPID=
KEEP_STATE=
INSTALLED_BIN=
NEWCOMER_WAITER="/usr/local/sbin/oomguard -n 300 -f /run/memcached.pid"

pidfile_of() {
	case $1 in
	memcached) echo /run/memcached.pid ;;
	redis-server) echo /run/redis/redis-server.pid ;;
	nginx) echo /run/nginx.pid ;;
	esac
}

local_setup() {
	for d in $DAEMONS; do
		[ -x "/etc/init.d/$d" ] || fail "/etc/init.d/$d is not installed (.ci/run installs it)"
		[ ! -s "$(pidfile_of "$d")" ] || ! kill -0 "$(cat "$(pidfile_of "$d")")" 2>/dev/null ||
			fail "$d is already running: these tests need it stopped"
	done
	for f in /usr/share/oomguard/oomguard.sh /lib/lsb/init-functions.d/50-oomguard \
		/etc/oomguard.conf /etc/oomguard.d; do
		[ ! -e "$f" ] || fail "$f exists: these tests install it and would remove it"
	done
	mkdir -p "$T/backup" "$T/bin" "$T/rec"
	for d in $DAEMONS; do cp -p "/etc/default/$d" "$T/backup/$d"; done
	# A private copy of the binary: bin/ may be rebuilt while the suite runs,
	# and teardown finds our waiters by this path.
	cp "$OG" "$T/bin/oomguard"
	export OOMGUARD_BIN=$T/bin/oomguard
	[ -d /usr/share/oomguard ] && KEEP_SHARE=1 || KEEP_SHARE=
	# memcached's own -P pidfile (/etc/memcached.conf) outlives it.
	[ -e /run/memcached/memcached.pid ] && KEEP_MCPID=1 || KEEP_MCPID=
	# service(8) clears OOMGUARD_STATE_DIR: the newcomer's waiter writes
	# its record in the host's /run/oomguard, which must not outlive us.
	[ -e /run/oomguard/memcached ] && fail "/run/oomguard/memcached exists: the newcomer test writes it and would remove it"
	[ -d /run/oomguard ] && KEEP_STATE=1 || KEEP_STATE=
	INSTALLED_BIN=
}

local_teardown() {
	for d in $DAEMONS; do
		"/etc/init.d/$d" stop >/dev/null 2>&1 3>&- || true
		if [ -e "$T/backup/$d" ]; then cp -p "$T/backup/$d" "/etc/default/$d"; fi
	done
	rm -f /usr/share/oomguard/oomguard.sh /lib/lsb/init-functions.d/50-oomguard /etc/oomguard.conf
	[ -n "$KEEP_MCPID" ] || rm -f /run/memcached/memcached.pid
	rm -f /run/oomguard/memcached
	[ -n "$KEEP_STATE" ] || rmdir /run/oomguard 2>/dev/null || true
	[ -n "$KEEP_SHARE" ] || rmdir /usr/share/oomguard 2>/dev/null || true
	# Waiters of ours still there (a failed test): by the path only we use.
	for p in $(pgrep -f "^$T/bin/oomguard") $(pgrep -f "^$NEWCOMER_WAITER"); do
		kill -9 "$p" 2>/dev/null || true
	done
	if [ -n "$INSTALLED_BIN" ]; then rm -f /usr/local/sbin/oomguard; fi
}

install_hook() {
	mkdir -p /usr/share/oomguard
	install -m 644 "$TOP/hooks/oomguard.sh" /usr/share/oomguard/oomguard.sh
}

# The documented include line, as hooks/oomguard.sh gives it.
# shellcheck disable=SC2120 # no arguments
include_line() { sed -n 's/^#   \(\[ ! -r .*\)$/\1/p' "$TOP/hooks/oomguard.sh"; }

# Append the shipped example sysvinit/default/NAME to /etc/default/NAME, as
# a user does, with the score changed to SCORE.  Its include line must be
# the documented one.
add_default_lines() {
	local ex=$TOP/sysvinit/default/$1
	grep -qxF "$(include_line)" "$ex" || fail "$ex: not the documented include line"
	[ "$(grep -v '^#' "$ex" | tail -n 1)" = "$(include_line)" ] || fail "$ex: the include line is not last"
	{
		echo
		sed "s/^OOM_SCORE_ADJ=.*/OOM_SCORE_ADJ=$2/" "$ex"
	} >>"/etc/default/$1"
}

# The PID in NAME's pidfile, once it names a live process other than OLD.
daemon_pid() {
	local p
	p=$(cat "$(pidfile_of "$1")" 2>/dev/null) || return 1
	[ -n "$p" ] && [ "$p" != "${2:-}" ] && [ "$(state_of "$p" 2>/dev/null)" != Z ] &&
		[ -e "/proc/$p" ] && echo "$p"
}

daemon_gone() { ! daemon_pid "$1" >/dev/null || ! pgrep -x "${1%-server}" >/dev/null; }

our_waiters_gone() { ! pgrep -f "^$T/bin/oomguard" >/dev/null; }

# act LABEL NAME ACTION: run the init script, record status, stdout and
# stderr (digits blanked: PIDs differ between runs) as $T/rec/LABEL.ACTION.N.
act() {
	local rc=0 n=1
	while [ -e "$T/rec/$1.$3.$n" ]; do n=$((n + 1)); done
	timeout 120 "/etc/init.d/$2" "$3" >"$T/out" 2>"$T/err" 3>&- || rc=$?
	{
		echo "exit $rc"
		echo "-- stdout"
		cat "$T/out"
		echo "-- stderr"
		cat "$T/err"
	} | sed -E 's/[0-9]+/N/g' >"$T/rec/$1.$3.$n"
}

# cycle LABEL NAME [SCORE]: status, start, status, restart, status, stop,
# status, stop.  With SCORE, the daemon must have it after start and after
# restart; without, it must not.
cycle() {
	local label=$1 d=$2 score=${3:-} p1 p2
	act "$label" "$d" status
	act "$label" "$d" start
	wait_for daemon_pid "$d" >/dev/null || fail "$label: $d did not start"
	p1=$(daemon_pid "$d")
	if [ -n "$score" ]; then
		assert_equal "$(adj_of "$p1")" "$score"
	else
		[ "$(adj_of "$p1")" != "${4:-x}" ]
	fi
	act "$label" "$d" status
	act "$label" "$d" restart
	wait_for daemon_pid "$d" "$p1" >/dev/null || fail "$label: $d did not restart"
	p2=$(daemon_pid "$d")
	if [ -n "$score" ]; then
		assert_equal "$(adj_of "$p2")" "$score"
		# Its children (nginx's workers) inherited it too.
		for c in $(descendants "$p2"); do assert_equal "$(adj_of "$c")" "$score"; done
	fi
	act "$label" "$d" status
	act "$label" "$d" stop
	wait_for daemon_gone "$d" || fail "$label: $d did not stop"
	act "$label" "$d" status
	act "$label" "$d" stop
}

# Every recorded action of the run with the kit against the run without.
same_as_without() {
	local f
	for f in "$T/rec/without".*; do
		diff -u "$f" "$T/rec/$1.${f#"$T/rec/without."}" || fail "$1: differs from the run without the kit"
	done
}

by_default_file() {
	local d=$1 score=$2
	install_hook
	cycle without "$d" "" "$score"
	add_default_lines "$d" "$score"
	cycle with "$d" "$score"
	same_as_without with
	# The detached pidfile waiters found the daemon and went away.
	wait_for our_waiters_gone || fail "a waiter is still there: $(pgrep -af "^$T/bin/oomguard")"
}

@test "memcached (bash, set -e before /etc/default): the /etc/default lines" {
	by_default_file memcached 300
}

@test "redis-server (sh, restart runs \$0 stop; \$0 start, runs as user redis): the /etc/default lines" {
	by_default_file redis-server 400
}

@test "nginx (sh, master and workers): the /etc/default lines" {
	by_default_file nginx 500
}

by_init_functions() {
	local d=$1 score=$2
	cycle without "$d" "" "$score"
	install_hook
	install -m 644 "$TOP/hooks/init-functions.d/50-oomguard" /lib/lsb/init-functions.d/50-oomguard
	printf '%s %s pidfile=%s wait=30\n' "$d" "$score" "$(pidfile_of "$d")" >/etc/oomguard.conf
	chmod 644 /etc/oomguard.conf
	cycle with "$d" "$score"
	same_as_without with
	wait_for our_waiters_gone || fail "a waiter is still there: $(pgrep -af "^$T/bin/oomguard")"
}

@test "memcached: only 50-oomguard in /lib/lsb/init-functions.d and a rule in /etc/oomguard.conf" {
	by_init_functions memcached 300
}

@test "redis-server: only 50-oomguard in /lib/lsb/init-functions.d and a rule in /etc/oomguard.conf" {
	by_init_functions redis-server 400
}

@test "nginx: only 50-oomguard in /lib/lsb/init-functions.d and a rule in /etc/oomguard.conf" {
	by_init_functions nginx 500
}

@test "init-functions.d: the other daemons, with no rule, run exactly as without the kit" {
	cycle without nginx
	install_hook
	install -m 644 "$TOP/hooks/init-functions.d/50-oomguard" /lib/lsb/init-functions.d/50-oomguard
	printf 'memcached 300\n' >/etc/oomguard.conf
	chmod 644 /etc/oomguard.conf
	cycle with nginx
	same_as_without with
	[ "$(adj_of "$$")" != 300 ]
}

@test "memcached, EACCES: OOM_SCORE_ADJ=-500 here (no CAP_SYS_RESOURCE) starts it anyway and says why" {
	install_hook
	add_default_lines memcached -500
	run /etc/init.d/memcached start 3>&-
	assert_success
	assert_line "Starting memcached: memcached."
	assert_line --partial "Permission denied"
	assert_line --partial "starting it anyway"
	wait_for daemon_pid memcached >/dev/null
	assert_equal "$(adj_of "$(daemon_pid memcached)")" "$(adj_of $$)"
	run /etc/init.d/memcached status 3>&-
	assert_success
	refute_output --partial oomguard
	run /etc/init.d/memcached stop 3>&-
	assert_success
	assert_output "Stopping memcached: memcached."
}

@test "as a newcomer does it: binary in /usr/local/sbin, service(8) (clean environment), oomguard -p shows it" {
	[ ! -e /usr/local/sbin/oomguard ] || fail "/usr/local/sbin/oomguard exists: this test installs it and would remove it"
	install -m 755 "$OG" /usr/local/sbin/oomguard
	INSTALLED_BIN=1
	install_hook
	add_default_lines memcached 300
	unset OOMGUARD_BIN
	run service memcached start 3>&-
	assert_success
	wait_for daemon_pid memcached >/dev/null
	p=$(daemon_pid memcached)
	run /usr/local/sbin/oomguard -p "$p"
	assert_success
	assert_line "pid $p's current OOM score adjust value: 300"
	wait_for newcomer_waiter_gone
	# Its record is in the real state directory, where check looks.
	grep -q "^done	[0-9]*	$p	300	/etc/default/memcached	" /run/oomguard/memcached ||
		fail "record: $(cat /run/oomguard/memcached 2>&1)"
	run service memcached stop 3>&-
	assert_success
	wait_for daemon_gone memcached
}

newcomer_waiter_gone() { ! pgrep -f "^$NEWCOMER_WAITER" >/dev/null; }

@test "init-functions.d: one bad line (redis-server -5OO): memcached keeps its rule and nginx runs as without the kit, neither says a word; redis-server names its line and starts" {
	cycle without memcached "" 300
	cycle without nginx
	install_hook
	install -m 644 "$TOP/hooks/init-functions.d/50-oomguard" /lib/lsb/init-functions.d/50-oomguard
	printf 'memcached 300 pidfile=/run/memcached.pid wait=30\nredis-server -5OO\n' >/etc/oomguard.conf
	chmod 644 /etc/oomguard.conf
	cycle with memcached 300
	cycle with nginx
	same_as_without with
	wait_for our_waiters_gone || fail "a waiter is still there: $(pgrep -af "^$T/bin/oomguard")"
	# The service whose line it is: told where, started anyway, unprotected.
	run /etc/init.d/redis-server start 3>&-
	assert_success
	assert_line "oomguard: parse /etc/oomguard.conf:2: '-5OO': not a score from -1000 to 1000"
	assert_line "oomguard: protect redis-server: failed (exit 2); starting it anyway"
	wait_for daemon_pid redis-server >/dev/null
	assert_equal "$(adj_of "$(daemon_pid redis-server)")" "$(adj_of $$)"
	run /etc/init.d/redis-server stop 3>&-
	assert_success
	refute_output --partial oomguard
}
