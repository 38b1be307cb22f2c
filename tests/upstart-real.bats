#!/usr/bin/env bats
# Against a REAL Upstart 1.13.2 (built by ../shared/vendor/upstart/build.sh
# into a cache outside the repository, as .ci/run does), run as a session
# init: `init --user --no-dbus --no-startup-event --confdir DIR`, in a
# private mount namespace whose /etc, /usr and /run are overlays or test
# directories, so that the shipped job runs as it would on a real host
# (/etc/default/oomguard, /usr/sbin/oomguard, /run/oomguard.pid) while the
# host's files stay as they were (compared in teardown_file).
# tests/upstart.bats tests the same tool with a fake initctl.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
bats_require_minimum_version 1.5.0
# Not /run/oomguard-tests: the namespace mounts a test directory on /run.
# shellcheck disable=SC2034 # read by test_tmp in common.bash
OOMGUARD_TEST_ROOT=/var/lib/oomguard-tests
load common
load helpers/realinit

UP=${OOMGUARD_UPSTART:-/var/cache/oomguard-ci/upstart}

upstart_built() { "$UP/sbin/init" --version 2>/dev/null | grep -q 'upstart 1\.13\.2'; }

setup_file() {
	if ! upstart_built; then
		build=${OOMGUARD_UPSTART_BUILD:-$TOP/../shared/vendor/upstart/build.sh}
		[ -x "$build" ] || skip "no Upstart 1.13.2 in $UP, and no $build to build it (.ci/run does)"
		command -v autoreconf >/dev/null ||
			skip "no Upstart 1.13.2 in $UP, and no build dependencies (see $build)"
		"$build" "$UP" >&3 2>&1
	fi
	S=$BATS_FILE_TMPDIR
	export S UP
	# initctl and the names that are links to it, but not Upstart's
	# reboot or shutdown, for the tools, the jobs and init-checkconf.
	mkdir -p "$S/bin"
	for c in initctl start stop restart status reload; do ln -s "$UP/sbin/initctl" "$S/bin/$c"; done
	mkdir -p "$S/run"
	host_listing "$S/host.before"
	ns_start "$S/ns" overlay:/etc overlay:/usr "bind:$S/run:/run"
	# Installed as a package installs it, in the namespace's /usr only.
	ns install -m 755 "$TOP/bin/oomguard" /usr/sbin/oomguard
}

teardown_file() {
	ns_stop
	host_unchanged "$S/host.before"
}

# Each test has its own init, job directory and logs in $T.
local_setup() {
	C=$T/conf
	L=$T/log
	mkdir -p "$C" "$L"
	mkdir -m 700 "$T/xdg"
	start_init
}

local_teardown() {
	if [ -n "${INIT_PID:-}" ]; then
		# On SIGTERM a session init stops its jobs, then exits.
		kill -TERM "$INIT_PID" 2>/dev/null || true
		wait "$INIT_PID" 2>/dev/null || true
	fi
	ns_kill_all
}

# init as a session init in the namespace, at score 0 (its jobs inherit it),
# with initctl first on PATH; sets INIT_PID and exports UPSTART_SESSION.
start_init() {
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -t "$NS_PID" -m -- env -i XDG_RUNTIME_DIR="$T/xdg" HOME="$T" UPSTART_NO_SYSTEM_USERCONFDIR=1 \
		PATH="$S/bin:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C \
		sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$@"' sh \
		"$UP/sbin/init" --user --no-dbus --no-startup-event --confdir "$C" --logdir "$L" \
		</dev/null >"$T/init.log" 2>&1 3>&- &
	INIT_PID=$!
	wait_for test -s "$T/xdg/upstart/sessions/$INIT_PID.session"
	UPSTART_SESSION=$(sed -n 's/^UPSTART_SESSION=//p' "$T/xdg/upstart/sessions/$INIT_PID.session")
	export UPSTART_SESSION
	wait_for ic version
}

ic() { "$S/bin/initctl" "$@"; }

# The PID of JOB's main process, from initctl status.
job_pid() {
	local s
	s=$(ic status "$1" 2>/dev/null) || return 1
	case $s in
	*start/running,\ process\ [0-9]*) echo "${s##* }" ;;
	*) return 1 ;;
	esac
}
job_adj() { adj_of "$(job_pid "$1")"; }
job_running() { job_pid "$1" >/dev/null; }
# Running again, as another process than OLD.
job_respawned() { job_running "$1" && [ "$(job_pid "$1")" != "$2" ]; }
job_status_is() { [ "$(ic status "$1" 2>/dev/null)" = "$1 $2" ]; }

# job NAME LINE...: write $C/NAME.conf; wait until init knows the job.
job() {
	local n=$1
	shift
	printf '%s\n' "$@" >"$C/$n.conf"
	wait_for ic status "$n"
}


# init's log has no line about a job file it could not parse
# ("init:DIR/JOB.conf:LINE: ..." or the same for JOB.override).
no_parse_error() {
	run ! grep -E '\.(conf|override):[0-9]+: ' "$T/init.log"
}

# restart_job JOB: stop, then start: how a new stanza takes effect.
restart_job() {
	ic stop "$1" >/dev/null
	ic start "$1" >/dev/null
}

# The tool as an administrator runs it: initctl on PATH, talking to our init.
U() { PATH="$S/bin:$PATH" "$TOP/upstart/oomguard-upstart" --dir "$C" "$@"; }

said() {
	printf "oomguard-upstart: %s: %s; it holds from the next start of the job: stop %s, then start %s (restart keeps the old settings)" \
		"$C/$1.override" "$2" "$1" "$1"
}

@test "the real initctl version says 1.13.2: oom score N in JOB.override, which wins over JOB.conf after stop and start" {
	job mysqld 'oom score 100' 'exec sleep 1000'
	ic start mysqld
	assert_equal "$(job_adj mysqld)" 100
	run -0 ic version
	assert_output 'init (upstart 1.13.2)'
	run -0 U mysqld 345
	assert_output "$(said mysqld "written with 'oom score 345'")"
	assert_equal "$(cat "$C/mysqld.override")" 'oom score 345'
	restart_job mysqld
	assert_equal "$(job_adj mysqld)" 345
	no_parse_error
}

@test "update, then --remove: each holds after stop and start; the job falls back to its .conf" {
	job mysqld 'oom score 100' 'exec sleep 1000'
	U mysqld 345
	ic start mysqld
	assert_equal "$(job_adj mysqld)" 345
	run -0 U mysqld 456
	assert_output "$(said mysqld "written with 'oom score 456'")"
	restart_job mysqld
	assert_equal "$(job_adj mysqld)" 456
	run -0 U --remove mysqld
	assert_output "$(said mysqld removed)"
	[ ! -e "$C/mysqld.override" ]
	restart_job mysqld
	assert_equal "$(job_adj mysqld)" 100
	# Nothing to change: nothing said.
	run -0 U --remove mysqld
	assert_output ''
	no_parse_error
}

@test "restart keeps the settings the job started with; stop then start takes the new ones, as the tool says" {
	job mysqld 'exec sleep 1000'
	U mysqld 345
	ic start mysqld
	old=$(job_pid mysqld)
	assert_equal "$(adj_of "$old")" 345
	run -0 U mysqld 456
	assert_output --partial 'stop mysqld, then start mysqld (restart keeps the old settings)'
	ic reload-configuration
	ic restart mysqld
	new=$(job_pid mysqld)
	[ "$new" != "$old" ]
	assert_equal "$(adj_of "$new")" 345
	restart_job mysqld
	assert_equal "$(job_adj mysqld)" 456
	no_parse_error
}

@test "an administrator's override lines and script blocks are kept, and still work" {
	job mysqld 'exec sleep 1000'
	cat >"$C/mysqld.override" <<-EOF
		# local changes
		env GREETING=hello
		pre-start script
		    # oom score 3: a comment in a script block stays
		    echo "pre-start \$GREETING" >$T/pre.out
		end script
		respawn
		oom score 200
	EOF
	head -n 7 "$C/mysqld.override" >"$T/want"
	echo 'oom score 300' >>"$T/want"
	run -0 U mysqld 300
	cmp "$T/want" "$C/mysqld.override"
	ic start mysqld
	pid=$(job_pid mysqld)
	assert_equal "$(adj_of "$pid")" 300
	assert_equal "$(cat "$T/pre.out")" 'pre-start hello'
	tr '\0' '\n' <"/proc/$pid/environ" | grep -qx GREETING=hello
	# respawn is still there: a killed daemon comes back, at 300.
	kill -9 "$pid"
	wait_for job_respawned mysqld "$pid"
	assert_equal "$(job_adj mysqld)" 300
	no_parse_error
}

@test "--legacy: Upstart 1.13 reads oom ADJ on its own scale, *1000/15 above zero: oom 8 (for 500) runs at 533" {
	job mysqld 'exec sleep 1000'
	run -0 U --legacy mysqld 500
	assert_equal "$(cat "$C/mysqld.override")" 'oom 8'
	ic start mysqld
	assert_equal "$(job_adj mysqld)" 533
	U --legacy mysqld 1000
	restart_job mysqld
	assert_equal "$(job_adj mysqld)" 1000
	no_parse_error
}

@test "a bad value written by hand: init alone logs it, and the job is gone from its next stop on; the tool refuses it, and repairs the file" {
	job mysqld 'oom score 100' 'exec sleep 1000'
	ic start mysqld
	run -2 U mysqld abc
	assert_output --partial "check score 'abc'"
	[ ! -e "$C/mysqld.override" ]
	printf 'oom score abc\n' >"$C/mysqld.override"
	ic reload-configuration
	wait_for grep -q "mysqld.override:1: Illegal oom score adjustment" "$T/init.log"
	# initctl says nothing of it: the job still runs as it was started...
	run -0 ic status mysqld
	assert_output --regexp '^mysqld start/running, process [0-9]+$'
	# ...until it stops: then there is no such job.
	ic stop mysqld || true
	run -1 ic start mysqld
	assert_output 'initctl: Unknown job: mysqld'
	run -0 U mysqld 345
	assert_equal "$(cat "$C/mysqld.override")" 'oom score 345'
	wait_for ic status mysqld
	ic start mysqld
	assert_equal "$(job_adj mysqld)" 345
}

@test "a symbolic link or a FIFO as JOB.override: refused with one line, exit 1, never followed, never hangs" {
	job mysqld 'exec sleep 1000'
	printf 'oom score 400\n' >"$T/elsewhere"
	ln -s "$T/elsewhere" "$C/mysqld.override"
	run -1 U mysqld 300
	assert_output "oomguard-upstart: read $C/mysqld.override: a symbolic link (not followed); make it a regular file"
	[ -L "$C/mysqld.override" ]
	assert_equal "$(cat "$T/elsewhere")" 'oom score 400'
	rm "$C/mysqld.override"
	mkfifo "$C/mysqld.override"
	run -1 timeout 10 "$TOP/upstart/oomguard-upstart" --dir "$C" --upstart-version 1.13.2 mysqld 300
	assert_output "oomguard-upstart: read $C/mysqld.override: not a regular file"
}

@test "oom score and chain-load side by side: both at 300; at -500 without CAP_SYS_RESOURCE the stanza job fails to start, the chain-loaded one starts and warns" {
	job stanza 'oom score 300' 'exec sleep 1000'
	job chain 'exec oomguard -n 300 -- sleep 1000'
	ic start stanza
	ic start chain
	assert_equal "$(job_adj stanza)" 300
	assert_equal "$(job_adj chain)" 300
	comm_is "$(job_pid chain)" sleep
	ic stop stanza
	ic stop chain
	job stanza 'oom score -500' 'exec sleep 1000'
	job chain 'exec oomguard -n -500 -- sleep 1000'
	ic reload-configuration
	run -1 ic start stanza
	assert_output 'initctl: Job failed to start'
	grep -qx 'init: Failed to spawn stanza main process: unable to set oom adjustment: Permission denied' "$T/init.log"
	run -0 ic status stanza
	assert_output 'stanza stop/waiting'
	ic start chain
	pid=$(job_pid chain)
	wait_for comm_is "$pid" sleep
	assert_equal "$(adj_of "$pid")" 0
	wait_for grep -q '^oomguard: write own oom_score_adj -500: Permission denied: ' "$L/chain.log"
	no_parse_error
}

# --- upstart/oomguard.conf, the shipped job of the watch daemon, as shipped:
# /etc/default/oomguard, /etc/oomguard.conf, /usr/sbin/oomguard and
# /run/oomguard.pid are the namespace's.

# watch_setup ENABLE: the job, its defaults file, a table with one rule.
watch_setup() {
	cp "$TOP/upstart/oomguard.conf" "$C/oomguard.conf"
	cp /bin/sleep "$T/hogx"
	printf 'OOMGUARD_ENABLE=%s\n' "$1" | ns sh -c 'cat >/etc/default/oomguard'
	printf 'hogx 700 exe=%s\n' "$T/hogx" | ns sh -c 'cat >/etc/oomguard.conf && chmod 644 /etc/oomguard.conf'
	wait_for ic status oomguard
}

# A new process of the rule's program; sets $pid.
new_hog() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/hogx" 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
}

pidfile_is() { [ "$(cat "$S/run/oomguard.pid" 2>/dev/null)" = "$1" ]; }

@test "the shipped job: start oomguard runs the watch as the job's process, in /run/oomguard.pid; a new process gets its rule" {
	watch_setup yes
	run -0 ic start oomguard
	wp=$(job_pid oomguard)
	wait_for comm_is "$wp" oomguard
	assert_equal "$(readlink "/proc/$wp/exe")" /usr/sbin/oomguard
	tr '\0' ' ' <"/proc/$wp/cmdline" >"$T/cmdline"
	assert_equal "$(cat "$T/cmdline")" '/usr/sbin/oomguard watch -s -c /etc/oomguard.conf '
	wait_for pidfile_is "$wp"
	new_hog
	wait_for adj_is "$pid" 700
	no_parse_error
}

@test "the shipped job: respawned after kill -9, and the new watch applies the rule" {
	watch_setup yes
	ic start oomguard
	wp=$(job_pid oomguard)
	wait_for comm_is "$wp" oomguard
	kill -9 "$wp"
	wait_for job_respawned oomguard "$wp"
	wp2=$(job_pid oomguard)
	wait_for comm_is "$wp2" oomguard
	wait_for pidfile_is "$wp2"
	new_hog
	wait_for adj_is "$pid" 700
	grep -q "oomguard main process ($wp) killed by KILL signal" "$T/init.log"
	grep -q 'oomguard main process ended, respawning' "$T/init.log"
}

@test "the shipped job: stop oomguard ends the watch cleanly (no respawn, no error) and removes the pidfile" {
	watch_setup yes
	ic start oomguard
	wp=$(job_pid oomguard)
	wait_for pidfile_is "$wp"
	run -0 ic stop oomguard
	assert_output 'oomguard stop/waiting'
	wait_for gone "$wp"
	[ ! -e "$S/run/oomguard.pid" ]
	run ! grep -E 'oomguard (main|post-stop) process|respawn' "$T/init.log"
	run -0 ic status oomguard
	assert_output 'oomguard stop/waiting'
}

@test "the shipped job: OOMGUARD_ENABLE=no in /etc/default/oomguard: no watch, the job waits stopped, its log says why" {
	watch_setup no
	ic start oomguard || true
	wait_for job_status_is oomguard stop/waiting
	# Upstart logs a job's output through a pty: lines end in CR LF.
	run -0 tr -d '\r' <"$L/oomguard.log"
	assert_output "oomguard: not starting: OOMGUARD_ENABLE=no in /etc/default/oomguard (set it to yes once /etc/oomguard.conf has your rules)"
	for p in $(ns_pids); do
		run ! comm_is "$p" oomguard
	done
	[ ! -e "$S/run/oomguard.pid" ]
	run ! grep -E 'oomguard .*process .*(terminated|killed)' "$T/init.log"
}

# init-checkconf FILE, with the Upstart built here.  It starts an init of
# its own and asks it for the job list; now and then, in a full run of this
# file on a loaded machine (never in this test alone), that list lacks the
# job and it says "syntax invalid" with no error from init after it.  Only
# that is tried again (up to three times, noted on the TAP stream); a
# refusal with init's error is final.
checkconf() {
	local n
	for n in 1 2 3; do
		if PATH="$S/bin:$PATH" TMPDIR="$T" "$UP/bin/init-checkconf" \
			-x "$UP/sbin/init" -i "$UP/sbin/initctl" "$1" >"$T/checkconf.out" 2>&1; then
			cat "$T/checkconf.out"
			return 0
		fi
		[ "$(grep -c . "$T/checkconf.out")" -eq 1 ] || break
		printf '# init-checkconf tried again after: %s\n' "$(cat "$T/checkconf.out")" >&3
	done
	cat "$T/checkconf.out"
	return 1
}

@test "init-checkconf passes on every job file the project ships, and fails on a broken one" {
	# The RPM installs upstart/oomguard.conf as /etc/init/oomguard.conf.
	files=$(cd "$TOP" && git ls-files 'upstart/*.conf' 'debian/*.upstart')
	[ -n "$files" ]
	for f in $files; do
		run -0 checkconf "$TOP/$f"
		assert_output "File $TOP/$f: syntax ok"
	done
	printf 'oom score -2000\nexec sleep 1\n' >"$T/broken.conf"
	run -1 checkconf "$T/broken.conf"
	assert_output "ERROR: File $T/broken.conf: syntax invalid:
init:broken.conf:1: Illegal oom score adjustment, expected -999 to 1000 or 'never'"
}
