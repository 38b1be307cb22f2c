#!/usr/bin/env bats
# Against a REAL OpenRC 0.45.2: Debian 12's openrc package, unpacked into a
# cache outside the repository (tests/helpers/openrc-fetch.sh; .ci/run
# fetches it), never installed on the host (it conflicts with sysv-rc).  It
# runs in a private mount namespace: /usr and /etc are overlays with
# OpenRC's files on top, /etc/init.d, /etc/conf.d and /run are test
# directories, /dev an overlay holding a busybox syslogd's /dev/log.  The
# start-stop-daemon found there is the host's, dpkg's, as on a Debian or
# Devuan host running OpenRC.  The host's files stay as they were
# (compared in teardown_file).
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
bats_require_minimum_version 1.5.0
# Not /run/oomguard-tests: the namespace mounts a test directory on /run.
# shellcheck disable=SC2034 # read by test_tmp in common.bash
OOMGUARD_TEST_ROOT=/var/lib/oomguard-tests
load common
load helpers/realinit

OPENRC=${OOMGUARD_OPENRC:-/var/cache/oomguard-ci/openrc}

setup_file() {
	if [ "$(cat "$OPENRC/usr/lib/rc/version" 2>/dev/null)" != 0.45.2 ]; then
		"$TOP/tests/helpers/openrc-fetch.sh" "$OPENRC" >&3 2>&1 ||
			skip "no OpenRC 0.45.2 in $OPENRC, and tests/helpers/openrc-fetch.sh could not fetch it"
	fi
	S=$BATS_FILE_TMPDIR
	export S OPENRC
	mkdir -p "$S/init.d" "$S/conf.d" "$S/run"
	host_listing "$S/host.before"
	ns_start "$S/ns" "overlay:/usr:$OPENRC/usr" "overlay:/etc:$OPENRC/etc" overlay:/dev tmpfs:/dev/shm \
		"bind:$S/init.d:/etc/init.d" "bind:$S/conf.d:/etc/conf.d" "bind:$S/run:/run"
	# Installed as a package installs them, in the namespace's /usr only.
	ns install -m 755 "$TOP/bin/oomguard" /usr/sbin/oomguard
	ns install -D -m 644 "$TOP/hooks/oomguard.sh" /usr/share/oomguard/oomguard.sh
}

teardown_file() {
	ns_stop
	host_unchanged "$S/host.before"
}

# Each test: no service, fresh OpenRC state in /run (as after boot, which
# `openrc sysinit` would have made), a syslogd writing to $T/syslog.
local_setup() {
	# Their contents: the directories are mounted in the namespace.
	find "$S/run" "$S/init.d" "$S/conf.d" -mindepth 1 -delete
	mkdir "$S/run/openrc"
	for d in daemons exclusive failed hotplugged inactive options scheduled started starting \
		stopping tmp wasinactive; do
		mkdir "$S/run/openrc/$d"
	done
	echo default >"$S/run/openrc/softlevel"
	ns busybox syslogd -O "$T/syslog"
	wait_for ns test -S /dev/log
	cp /bin/sleep "$T/daemon"
}

local_teardown() {
	ns_kill_all
	ns rm -f /dev/log
}

# rc NAME ACTION: /etc/init.d/NAME ACTION in the namespace, as root at a
# known score (0), the way an administrator runs it.
rc() {
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh \
		"/etc/init.d/$1" "$2" 3>&-
}

# service NAME LINE...: /etc/init.d/NAME, an OpenRC service script.
service() {
	local n=$1
	shift
	printf '%s\n' '#!/sbin/openrc-run' "$@" >"$S/init.d/$n"
	chmod 755 "$S/init.d/$n"
}

# conf NAME LINE...: /etc/conf.d/NAME.
conf() {
	local n=$1
	shift
	printf '%s\n' "$@" >"$S/conf.d/$n"
}

# The daemon under supervise-daemon NAME: the supervisor's only child,
# named COMM (default daemon).
supervised() {
	local sup
	sup=$(cat "$S/run/$1.pid" 2>/dev/null) || return 1
	pgrep -P "$sup" -x "${2:-daemon}"
}

HOOK='[ ! -r /usr/share/oomguard/oomguard.sh ] || . /usr/share/oomguard/oomguard.sh'

# A background daemon that start-stop-daemon starts and stops (dpkg's, as
# OpenRC on Debian uses it): the defaults of openrc-run.
bg_service() {
	service "$1" "command=$T/daemon" 'command_args=1000' 'command_background=yes' "pidfile=/run/$1.pid"
}

# An oomguard that logs its arguments, and the command line of the shell
# that ran it, to $T/calls, for OOMGUARD_BIN.
logging_oomguard() {
	# shellcheck disable=SC2016 # for the wrapper's own sh
	printf '#!/bin/sh\necho "$* from $(ps -o args= -p "$PPID")" >>%s/calls\nexec /usr/sbin/oomguard "$@"\n' \
		"$T" >"$T/og-log"
	chmod 755 "$T/og-log"
	: >"$T/calls"
}

# The calls made from the service's own openrc-run shell for ACTION.
calls_from() { grep -E "^-n [0-9]+ -p [0-9]+ from /bin/sh /lib/rc/sh/openrc-run.sh /etc/init.d/$1 $2\$" "$T/calls"; }

# A daemon under supervise-daemon NAME again, another than OLD.
respawned() {
	local now
	now=$(supervised "$1") && [ "$now" != "$2" ]
}

pid_of() { cat "$S/run/$1.pid"; }
lines_of() { wc -l <"$1"; }

@test "conf.d hook lines: the score through RC_CMD on start and restart, in openrc-run's shell; stop and status do nothing" {
	bg_service memcd
	logging_oomguard
	conf memcd 'OOM_SCORE_ADJ=300' "OOMGUARD_BIN=$T/og-log" "$HOOK"
	run -0 rc memcd start
	pid=$(pid_of memcd)
	comm_is "$pid" daemon
	assert_equal "$(adj_of "$pid")" 300
	run -0 calls_from memcd start
	assert_equal "${#lines[@]}" 1
	: >"$T/calls"
	run -0 rc memcd status
	assert_output ' * status: started'
	run -0 rc memcd stop
	wait_for gone "$pid"
	assert_equal "$(cat "$T/calls")" ''
	conf memcd 'OOM_SCORE_ADJ=400' "OOMGUARD_BIN=$T/og-log" "$HOOK"
	run -0 rc memcd start
	assert_equal "$(adj_of "$(pid_of memcd)")" 400
	old=$(pid_of memcd)
	conf memcd 'OOM_SCORE_ADJ=450' "OOMGUARD_BIN=$T/og-log" "$HOOK"
	: >"$T/calls"
	run -0 rc memcd restart
	new=$(pid_of memcd)
	[ "$new" != "$old" ]
	assert_equal "$(adj_of "$new")" 450
	# OpenRC runs restart as stop then start, each its own openrc-run.sh
	# with RC_CMD=restart: the hook sets both shells (the first one ends
	# with the stop), and the new daemon has the score.
	run -0 calls_from memcd stop
	assert_output --regexp '^-n 450 -p '
	run -0 calls_from memcd start
	assert_output --regexp '^-n 450 -p '
	: >"$T/calls"
	run -0 rc memcd status
	run -0 rc memcd stop
	assert_equal "$(cat "$T/calls")" ''
}

@test "conf.d hook lines with a value the kernel refuses: the service starts, unprotected, and the hook says so on stderr and to syslog" {
	bg_service memcd
	conf memcd 'OOM_SCORE_ADJ=-500' "$HOOK"
	run -0 rc memcd start
	assert_line --regexp "^oomguard: write the init script's shell \(pid [0-9]+, whose score memcd inherits\) oom_score_adj -500: Permission denied"
	assert_line --partial 'Permission denied'
	assert_line --partial 'oomguard: protect memcd: failed (exit 1); starting it anyway'
	assert_equal "$(adj_of "$(pid_of memcd)")" 0
	grep -q 'oomguard.*Permission denied' "$T/syslog"
}

@test "supervisor=supervise-daemon with SSD_OOM_SCORE_ADJ: the daemon has it, and so has its respawn after kill -9; the supervisor does not" {
	service supd 'supervisor=supervise-daemon' "command=$T/daemon" 'command_args=1000' 'pidfile=/run/supd.pid'
	conf supd 'export SSD_OOM_SCORE_ADJ=300'
	run -0 rc supd start
	wait_for supervised supd
	pid=$(supervised supd)
	assert_equal "$(adj_of "$pid")" 300
	assert_equal "$(adj_of "$(pid_of supd)")" 0
	kill -9 "$pid"
	wait_for respawned supd "$pid"
	assert_equal "$(adj_of "$(supervised supd)")" 300
	run -0 rc supd stop
}

@test "supervise-daemon with command_user=nobody: the daemon runs as nobody, with the score" {
	# (Whether before or after the drop cannot show here: raising needs no
	# privilege, and lowering is refused to root too.)
	# /bin/sleep: nobody cannot reach $T/daemon.
	service supd 'supervisor=supervise-daemon' 'command=/bin/sleep' 'command_args=1000' \
		'pidfile=/run/supd.pid' 'command_user=nobody'
	conf supd 'export SSD_OOM_SCORE_ADJ=300'
	run -0 rc supd start
	wait_for supervised supd sleep
	pid=$(supervised supd sleep)
	assert_equal "$(stat -c %u "/proc/$pid")" 65534
	assert_equal "$(adj_of "$pid")" 300
	run -0 rc supd stop
}

@test "SSD_OOM_SCORE_ADJ with the default start-stop-daemon: on Debian that is dpkg's, which ignores it" {
	run -0 ns sh -c 'command -v start-stop-daemon'
	assert_output /usr/sbin/start-stop-daemon
	run -0 ns start-stop-daemon --version
	assert_line --index 0 --regexp '^start-stop-daemon [0-9.]+ for Debian$'
	[ ! -e "$OPENRC/usr/sbin/start-stop-daemon" ]
	bg_service memcd
	conf memcd 'export SSD_OOM_SCORE_ADJ=300'
	run -0 rc memcd start
	assert_equal "$(adj_of "$(pid_of memcd)")" 0
}

@test "a negative SSD_OOM_SCORE_ADJ without CAP_SYS_RESOURCE: supervise-daemon starts the daemon unprotected and says nothing; oomguard check reports it" {
	service supd 'supervisor=supervise-daemon' "command=$T/daemon" 'command_args=1000' 'pidfile=/run/supd.pid'
	conf supd 'export SSD_OOM_SCORE_ADJ=-500'
	run -0 --separate-stderr rc supd start
	wait_for supervised supd
	pid=$(supervised supd)
	assert_equal "$(adj_of "$pid")" 0
	# Nothing said: not on the terminal...
	run ! grep -iE 'oom_score|oom score|oom_adj|denied|fail' <<<"$output$stderr"
	# ...nor in syslog, where supervise-daemon does log the start.
	wait_for grep -q "supervise-daemon.*Child command line: $T/daemon 1000" "$T/syslog"
	# (Not "oom" alone: the daemon's path, under /var/lib/oomguard-tests, has it.)
	run ! grep -iE 'oom_score|oom score|oom_adj|denied' "$T/syslog"
	printf 'supd -500 exe=%s\n' "$T/daemon" | ns sh -c 'cat >/etc/oomguard.conf'
	run ns /usr/sbin/oomguard check
	assert_line --regexp "^supd +$pid +daemon +-500 +0 +differs: the value in force is 0, not -500(:| ).*CAP_SYS_RESOURCE"
}

# A new process of the rule's program; sets $pid.
new_daemon() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/daemon" 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
}

@test "the shipped openrc/oomguard service: the watch starts, applies a rule to a new process, reloads its table, stops" {
	cp -p "$TOP/openrc/oomguard" "$S/init.d/oomguard"
	printf 'daemon 700 exe=%s\n' "$T/daemon" | ns sh -c 'cat >/etc/oomguard.conf'
	run -0 rc oomguard start
	wp=$(pid_of oomguard)
	comm_is "$wp" oomguard
	assert_equal "$(readlink "/proc/$wp/exe")" /usr/sbin/oomguard
	new_daemon
	wait_for adj_is "$pid" 700
	wait_for grep -q "oomguard\[$wp\]: set pid $pid (daemon) OOM score 700" "$T/syslog"
	run -0 rc oomguard status
	assert_output ' * status: started'
	printf 'daemon 650 exe=%s\n' "$T/daemon" | ns sh -c 'cat >/etc/oomguard.conf'
	run -0 rc oomguard reload
	new_daemon
	wait_for adj_is "$pid" 650
	assert_equal "$(pid_of oomguard)" "$wp"
	run -0 rc oomguard stop
	wait_for gone "$wp"
	run -3 rc oomguard status
	assert_output ' * status: stopped'
}

@test "the shipped openrc/oomguard service: OOMGUARD_OPTS from /etc/conf.d/oomguard" {
	cp -p "$TOP/openrc/oomguard" "$S/init.d/oomguard"
	conf oomguard 'OOMGUARD_OPTS="-c /etc/oomguard-alt.conf"'
	printf 'daemon 800 exe=%s\n' "$T/daemon" | ns sh -c 'cat >/etc/oomguard-alt.conf'
	run -0 rc oomguard start
	new_daemon
	wait_for adj_is "$pid" 800
	run -0 rc oomguard stop
}
