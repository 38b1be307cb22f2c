#!/usr/bin/env bats
# upstart/oomguard-upstart: the oom stanza in DIR/JOB.override, on fixture
# files in $T.  This machine has no Upstart: a fake initctl on PATH, printing
# what `initctl version` prints, is the only way to test version detection.
# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2030,SC2031 # $PIDS is each test's own
bats_require_minimum_version 1.5.0
load common

local_setup() {
	U=$TOP/upstart/oomguard-upstart
	D=$T/init
	mkdir "$D"
	printf 'exec /usr/sbin/mysqld\n' >"$D/mysql.conf"
}

# A fake initctl saying `init (upstart VERSION)`, first on PATH.
fake_initctl() {
	mkdir -p "$T/bin"
	# shellcheck disable=SC2016 # for the fake's own sh
	printf '#!/bin/sh\n[ "$1" = version ] && printf "init (upstart %s)\\n"\n' "$1" >"$T/bin/initctl"
	chmod 755 "$T/bin/initctl"
}

# The directory holds exactly these names (no temporary file left behind).
only_files() {
	local names
	names=$(find "$D" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')
	assert_equal "${names% }" "$*"
}

# A job file with many stanzas, a script block that mentions oom, a
# comment, a continuation line, blanks and tabs: all kept byte for byte.
other_stanzas() {
	cat <<-'EOF'
		# mysql: local overrides
		description	"MySQL, our way"

		start on (net-device-up
		          and local-filesystems)
		env HOME=/etc/mysql
		limit nofile 32000  32000
		pre-start script
		    oom score 3 >/dev/null || true
		    oom 2
		end script
		exec /usr/sbin/mysqld \
		    --oom 5
		#oom score 100
		  # oom 3
		respawn
	EOF
}

@test "a new file gets the oom score stanza, mode 0644, nothing else left in the directory" {
	run -0 "$U" --dir "$D" --upstart-version 1.12.1 mysql -500
	assert_output "oomguard-upstart: $D/mysql.override: written with 'oom score -500'; it holds from the next start of the job: stop mysql, then start mysql (restart keeps the old settings)"
	assert_equal "$(cat "$D/mysql.override")" 'oom score -500'
	assert_equal "$(stat -c %a "$D/mysql.override")" 644
	only_files mysql.conf mysql.override
}

@test "an existing file keeps every other line byte for byte; the stanza is appended" {
	other_stanzas >"$D/mysql.override"
	chmod 600 "$D/mysql.override"
	run -0 "$U" --dir "$D" --upstart-version 1.5 mysql 300
	{ other_stanzas && printf 'oom score 300\n'; } >"$T/want"
	cmp "$T/want" "$D/mysql.override"
	assert_equal "$(stat -c %a "$D/mysql.override")" 644
	only_files mysql.conf mysql.override
}

@test "existing oom lines of both forms are replaced, and a second run changes nothing" {
	{
		printf 'oom 5\n'
		other_stanzas
		printf '  \toom\tscore  never  # old\n'
		printf 'oom score \\\n    12\n'
		printf 'oom'
	} >"$D/mysql.override"
	run -0 "$U" --dir "$D" --upstart-version 1.12.1 mysql 250
	{ other_stanzas && printf 'oom score 250\n'; } >"$T/want"
	cmp "$T/want" "$D/mysql.override"
	ino=$(stat -c %i "$D/mysql.override")
	run -0 "$U" --dir "$D" --upstart-version 1.12.1 mysql 250
	cmp "$T/want" "$D/mysql.override"
	# Not even rewritten: same inode.
	assert_equal "$(stat -c %i "$D/mysql.override")" "$ino"
	# A new value replaces the old one, still in one line.
	run -0 "$U" --dir "$D" --upstart-version 1.12.1 mysql 251
	{ other_stanzas && printf 'oom score 251\n'; } >"$T/want"
	cmp "$T/want" "$D/mysql.override"
	only_files mysql.conf mysql.override
}

@test "legacy mode writes oom -8 for -500" {
	other_stanzas >"$D/mysql.override"
	run -0 "$U" --dir "$D" --legacy mysql -500
	{ other_stanzas && printf 'oom -8\n'; } >"$T/want"
	cmp "$T/want" "$D/mysql.override"
}

@test "legacy values follow the kernel's mapping: *17/1000 toward zero, at most 15" {
	for pair in -500:-8 1000:15 999:15 941:15 942:15 500:8 58:0 -58:0 -59:-1 0:0 1:0 -1000:-17; do
		run -0 "$U" --dry-run --dir "$D" --legacy mysql "${pair%%:*}"
		assert_equal "${lines[${#lines[@]} - 1]}" "oom ${pair#*:}"
	done
}

@test "Upstart 0.9 to 1.2 get the legacy form, 1.3 on the score form" {
	for pair in 0.9:'oom -8' 0.10.2:'oom -8' 1.2:'oom -8' 1.3:'oom score -500' 1.12.1:'oom score -500' 2.0:'oom score -500'; do
		run -0 "$U" --dry-run --dir "$D" --upstart-version "${pair%%:*}" mysql -500
		assert_output "${pair#*:}"
	done
}

@test "never in both modes, with a warning about -1000" {
	run -0 --separate-stderr "$U" --dir "$D" --upstart-version 1.12.1 mysql never
	assert_equal "$(cat "$D/mysql.override")" 'oom score never'
	[[ $stderr == *warning*unkillable* ]] || fail "no warning: $stderr"
	run -0 --separate-stderr "$U" --dir "$D" --legacy mysql never
	assert_equal "$(cat "$D/mysql.override")" 'oom never'
	[[ $stderr == *warning*unkillable* ]] || fail "no warning: $stderr"
}

@test "leading zeros are decimal, not octal; -0 is 0" {
	run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql -0500
	assert_output 'oom score -500'
	run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql 010
	assert_output 'oom score 10'
	run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql -0
	assert_output 'oom score 0'
}

@test "bad scores are refused with exit 2 and nothing written" {
	other_stanzas >"$D/mysql.override"
	cp "$D/mysql.override" "$T/want"
	for bad in 1001 -1001 10000 abc '' - 1.5 0x10 +5 ' 5' '5 ' 'never ' NEVER $'5\noom 6' 99999999999999999999; do
		run -2 "$U" --dir "$D" --upstart-version 1.12.1 mysql "$bad"
		assert_output --partial "oomguard-upstart: check score '$bad': "
		cmp "$T/want" "$D/mysql.override"
		run -2 "$U" --dir "$D" --upstart-version 1.12.1 postgres "$bad"
		[ ! -e "$D/postgres.override" ]
	done
	only_files mysql.conf mysql.override
}

@test "bad job names are refused with exit 2 and nothing written" {
	for bad in '' .mysql ../mysql a/b /etc/init/mysql mysql.conf mysql.override -mysql 'my sql' 'my;sql' $'my\nsql'; do
		run -2 "$U" --dir "$D" --upstart-version 1.12.1 -- "$bad" 100
		assert_output --regexp "^oomguard-upstart: check job name.*: "
	done
	only_files mysql.conf
}

@test "usage errors exit 2" {
	run -2 "$U"
	run -2 "$U" --dir "$D" mysql
	run -2 "$U" --dir "$D" mysql 5 6
	run -2 "$U" --bogus mysql 5
	run -2 "$U" --dir
	run -2 "$U" --legacy --upstart-version 1.5 --dir "$D" mysql 5
	run -2 "$U" --dir "$D" --remove
	run -2 "$U" --dir "$D" --upstart-version 1 mysql 5
	run -2 "$U" --dir "$D" --upstart-version one.two mysql 5
	run -2 "$U" --dir "$D" --upstart-version 1. mysql 5
	only_files mysql.conf
}

@test "Upstart 0.6 is refused with exit 3: no override files there" {
	run -3 "$U" --dir "$D" --upstart-version 0.6.5 mysql -500
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^oomguard-upstart: write $D/mysql.override: Upstart 0.6.5 reads no .override files; .*chain-load.*sysconfig"
	run -3 "$U" --dir "$D" --upstart-version 0.8 mysql never
	only_files mysql.conf
}

@test "--dry-run prints the result and writes nothing" {
	run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql 400
	assert_output 'oom score 400'
	only_files mysql.conf
	other_stanzas >"$D/mysql.override"
	cp "$D/mysql.override" "$T/want"
	run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql 400
	assert_output "$(other_stanzas && printf 'oom score 400\n')"
	cmp "$T/want" "$D/mysql.override"
	only_files mysql.conf mysql.override
}

@test "the version comes from initctl version (a fake one here: no Upstart on this machine)" {
	fake_initctl 1.12.1
	PATH="$T/bin:$PATH" run -0 "$U" --dir "$D" mysql -500
	assert_equal "$(cat "$D/mysql.override")" 'oom score -500'
	fake_initctl 1.2
	PATH="$T/bin:$PATH" run -0 "$U" --dir "$D" mysql -500
	assert_equal "$(cat "$D/mysql.override")" 'oom -8'
	fake_initctl 0.6.5
	rm "$D/mysql.override"
	PATH="$T/bin:$PATH" run -3 "$U" --dir "$D" mysql -500
	assert_output --partial 'Upstart 0.6.5 reads no .override files'
	only_files mysql.conf
	# --legacy and --upstart-version do not ask initctl at all.
	PATH="$T/bin:$PATH" run -0 "$U" --dry-run --dir "$D" --upstart-version 1.12.1 mysql 5
	assert_output 'oom score 5'
	PATH="$T/bin:$PATH" run -0 "$U" --dry-run --dir "$D" --legacy mysql 500
	assert_output 'oom 8'
}

@test "no initctl, or one that says something else: exit 2, asks for --upstart-version" {
	mkdir "$T/empty"
	PATH="$T/empty" run -2 /bin/sh "$U" --dir "$D" mysql 5
	assert_output --partial 'give --upstart-version V or --legacy'
	mkdir -p "$T/bin"
	printf '#!/bin/sh\necho "initctl: Unable to connect to Upstart"\nexit 1\n' >"$T/bin/initctl"
	chmod 755 "$T/bin/initctl"
	PATH="$T/bin:$PATH" run -2 "$U" --dir "$D" mysql 5
	assert_output --partial 'give --upstart-version V or --legacy'
	only_files mysql.conf
}

@test "--remove takes the stanza out and keeps the rest; an emptied file goes" {
	{ other_stanzas && printf 'oom score 300\n'; } >"$D/mysql.override"
	run -0 "$U" --dir "$D" --remove mysql
	other_stanzas >"$T/want"
	cmp "$T/want" "$D/mysql.override"
	printf 'oom score 300\n' >"$D/mysql.override"
	run -0 "$U" --dir "$D" --remove mysql
	only_files mysql.conf
	run -0 "$U" --dir "$D" --remove mysql
	only_files mysql.conf
}

@test "a job without its .conf yet: written, with a warning" {
	run -0 --separate-stderr "$U" --dir "$D" --upstart-version 1.12.1 redis 100
	assert_equal "$(cat "$D/redis.override")" 'oom score 100'
	[[ $stderr == *"warning: redis: no $D/redis.conf yet"* ]] || fail "no warning: $stderr"
}

@test "cannot write: exit 1 with one line" {
	run -1 "$U" --dir "$T/missing" --upstart-version 1.12.1 mysql 100
	assert_output "oomguard-upstart: write $T/missing/mysql.override: no directory $T/missing"
	mkdir "$D/mysql.override"
	run -1 "$U" --dir "$D" --upstart-version 1.12.1 mysql 100
	assert_output --regexp "^oomguard-upstart: read $D/mysql.override: not a regular file"
}

@test "a symbolic link is refused, not followed: exit 1, link and target untouched; a FIFO never hangs" {
	printf 'respawn\n' >"$T/elsewhere"
	ln -s "$T/elsewhere" "$D/mysql.override"
	for opt in --dry-run --remove ''; do
		if [ "$opt" = --remove ]; then
			run -1 "$U" --dir "$D" --remove mysql
		else
			run -1 "$U" ${opt:+"$opt"} --dir "$D" --upstart-version 1.12.1 mysql 100
		fi
		assert_output "oomguard-upstart: read $D/mysql.override: a symbolic link (not followed); make it a regular file"
		[ -L "$D/mysql.override" ]
		assert_equal "$(cat "$T/elsewhere")" respawn
	done
	rm "$D/mysql.override"
	mkfifo "$D/mysql.override"
	run -1 timeout 10 "$U" --dir "$D" --upstart-version 1.12.1 mysql 100
	assert_output "oomguard-upstart: read $D/mysql.override: not a regular file"
	ln -s mysql.override "$D/redis.override"
	run -1 timeout 10 "$U" --dir "$D" --upstart-version 1.12.1 redis 100
	assert_output "oomguard-upstart: read $D/redis.override: a symbolic link (not followed); make it a regular file"
}

@test "the usage lines equal the man page SYNOPSIS, the exit codes its EXIT STATUS" {
	run -0 "$U" --help
	got=$(printf '%s\n' "$output" | sed -n '1,/^$/p' | sed 's/^usage: //; s/^ *//' | grep .)
	page=$(MANWIDTH=200 man -l "$TOP/man/oomguard-upstart.8" 2>/dev/null)
	want=$(printf '%s\n' "$page" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | grep 'oomguard-upstart ' | sed 's/^ *//')
	assert_equal "$got" "$want"
	help_codes=$(printf '%s\n' "$output" | sed -n '/^Exit:/,/^See/p' | grep -v '^See' |
		grep -o '\b[0-9]\b' | sort -n | tr '\n' ' ')
	man_codes=$(printf '%s\n' "$page" | sed -n '/^EXIT STATUS/,/^EXAMPLES/p' | grep -E '^ {7}[0-9]+( |$)' |
		awk '{ print $1 }' | sort -n | tr '\n' ' ')
	assert_equal "$help_codes" "$man_codes"
	for o in $(printf '%s\n' "$output" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		printf '%s\n' "$page" | grep -q -- "$o" || fail "$o is not in oomguard-upstart.8"
	done
}

@test "the man page renders without warnings" {
	run -0 sh -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l '$TOP/man/oomguard-upstart.8' 2>&1 >/dev/null"
	assert_output ''
}

# --- upstart/oomguard.conf, the job of the watch daemon ---
# No Upstart here: each script of the job is cut out of the file and run as
# Upstart runs it, by sh -e, with UPSTART_JOB set, a fake stop and logger
# (first on PATH, they log their arguments to $T/calls), and a private /etc
# (tests/helpers/with-etc.sh) holding the defaults file the test wrote.

# The body of the job's stanza NAME ("pre-start script", "script", ...).
stanza() {
	awk -v head="$1" '$0 == head { on = 1; next } on && $0 == "end script" { exit } on' \
		"$TOP/upstart/oomguard.conf"
}

job_setup() {
	mkdir -p "$T/fake" "$T/etc/default" "$T/etc/sysconfig"
	for c in stop logger; do
		# shellcheck disable=SC2016 # for the fake's own sh
		printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$T" >"$T/fake/$c"
		chmod 755 "$T/fake/$c"
	done
	: >"$T/calls"
	for s in pre-start post-stop; do stanza "$s script" >"$T/$s"; done
	stanza script >"$T/main"
	cp /bin/sleep "$T/hogx"
	printf 'hog 700 exe=%s\n' "$T/hogx" >"$T/og.conf"
	chmod 644 "$T/og.conf"
}

# defaults DIR LINE...: the job's defaults file in /etc/DIR, with the
# daemon, table and pidfile of this test.
defaults() {
	local d=$1
	shift
	printf '%s\n' "DAEMON=$TOP/bin/oomguard" "CONFIG=$T/og.conf" "PIDFILE=$T/og.pid" "$@" \
		>"$T/etc/$d/oomguard"
}

# job SCRIPT: run one of the job's scripts (pre-start, main, post-stop).
job() {
	timeout 20 env PATH="$T/fake:$PATH" UPSTART_JOB=oomguard UPSTART_INSTANCE= \
		"$TOP/tests/helpers/with-etc.sh" "$T" sh -e "$T/$1" 3>&-
}

# The SysV script, with the same private /etc.
initd() {
	timeout 20 "$TOP/tests/helpers/with-etc.sh" "$T" sh "$TOP/sysvinit/oomguard" "$@" 3>&-
}

local_teardown() {
	if [ -r "$T/og.pid" ]; then kill -9 "$(cat "$T/og.pid")" 2>/dev/null || true; fi
}

@test "job: only stanzas Upstart 0.6.5 knows; its three scripts are sh that shellcheck passes" {
	# Outside the script blocks, every line is a comment, blank, or one of these.
	# shellcheck disable=SC2016 # awk's $0 and $1
	run -0 awk '
		/^(pre-start |post-stop )?script$/ { inside = 1; next }
		inside && /^end script$/ { inside = 0; next }
		inside || /^(#|$)/ { next }
		$1 ~ /^(description|respawn|start|stop|normal)$/ { next }
		{ print "unknown stanza: " $0 }' "$TOP/upstart/oomguard.conf"
	assert_output ''
	assert_equal "$(grep -c '^end script$' "$TOP/upstart/oomguard.conf")" 3
	grep -qx 'normal exit 0' "$TOP/upstart/oomguard.conf"
	for s in 'pre-start script' script 'post-stop script'; do
		stanza "$s" >"$T/s"
		[ "$(wc -l <"$T/s")" -gt 5 ] || fail "stanza $s is missing"
		run -0 shellcheck -s sh "$T/s"
	done
}

@test "job: OOMGUARD_ENABLE=no in /etc/sysconfig or /etc/default: pre-start says so, to syslog too, and stops the job" {
	job_setup
	for d in sysconfig default; do
		rm -f "$T/etc/sysconfig/oomguard" "$T/etc/default/oomguard"
		: >"$T/calls"
		defaults "$d" OOMGUARD_ENABLE=no
		msg="oomguard: not starting: OOMGUARD_ENABLE=no in /etc/$d/oomguard (set it to yes once $T/og.conf has your rules)"
		run -0 job pre-start
		assert_output "$msg"
		assert_equal "$(cat "$T/calls")" "$(printf 'logger -t oomguard -p daemon.notice -- %s\nstop ' "$msg")"
	done
	# /etc/sysconfig is read last, as the SysV script does: it wins.
	defaults default OOMGUARD_ENABLE=yes
	defaults sysconfig OOMGUARD_ENABLE=No
	: >"$T/calls"
	run -0 job pre-start
	assert_output --partial "OOMGUARD_ENABLE=no in /etc/sysconfig/oomguard"
	assert_equal "$(tail -n 1 "$T/calls")" 'stop '
	[ ! -e "$T/og.pid" ]
}

@test "job: OOMGUARD_ENABLE neither yes nor no fails the start (6) without stop; yes or no file at all let it start" {
	job_setup
	defaults sysconfig OOMGUARD_ENABLE=maybe
	run -6 job pre-start
	assert_output "oomguard: start: OOMGUARD_ENABLE in /etc/sysconfig/oomguard: 'maybe' is not yes or no"
	run ! grep -q '^stop' "$T/calls"
	defaults sysconfig OOMGUARD_ENABLE=yes
	: >"$T/calls"
	run -0 job pre-start
	assert_output ''
	assert_equal "$(cat "$T/calls")" ''
	rm "$T/etc/sysconfig/oomguard"
	run -0 job pre-start
	assert_output ''
	assert_equal "$(cat "$T/calls")" ''
}

@test "job: the main script runs the watch with the table of the defaults, as the PID in the SysV script's pidfile; post-stop removes it" {
	job_setup
	defaults sysconfig OOMGUARD_ENABLE=yes 'OOMGUARD_OPTS="-i 7"'
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/hogx" 3>&- &
	hog=$!
	PIDS="$PIDS $hog"
	start env PATH="$T/fake:$PATH" "$TOP/tests/helpers/with-etc.sh" "$T" sh -e "$T/main"
	wait_for comm_is "$pid" oomguard
	wait_for adj_is "$hog" 700
	assert_equal "$(cat "$T/og.pid")" "$pid"
	tr '\0' ' ' <"/proc/$pid/cmdline" >"$T/cmdline"
	assert_equal "$(cat "$T/cmdline")" "$TOP/bin/oomguard watch -s -c $T/og.conf -i 7 "
	# The SysV script sees it, and does not start a second one.
	run -0 initd status
	assert_output "oomguard is running (pid $pid)"
	run -0 initd start
	assert_output 'oomguard is already running'
	# Upstart stops it with SIGTERM: status 0, which the job calls normal.
	kill "$pid"
	wait "$pid"
	run -0 job post-stop
	[ ! -e "$T/og.pid" ]
}

@test "job: does not start beside the SysV script's daemon, whose pidfile post-stop keeps; a stale pidfile stops nothing" {
	job_setup
	defaults sysconfig OOMGUARD_ENABLE=yes
	run -0 initd start
	dpid=$(cat "$T/og.pid")
	PIDS="$PIDS $dpid"
	comm_is "$dpid" oomguard
	msg="oomguard: not starting: already running as pid $dpid ($T/og.pid: /etc/init.d/oomguard started it)"
	run -0 job pre-start
	assert_output "$msg"
	assert_equal "$(cat "$T/calls")" "$(printf 'logger -t oomguard -p daemon.notice -- %s\nstop ' "$msg")"
	run -0 job post-stop
	assert_equal "$(cat "$T/og.pid")" "$dpid"
	run -0 initd stop
	# Stale: the PID of something that is not oomguard.
	spawn
	echo "$pid" >"$T/og.pid"
	: >"$T/calls"
	run -0 job pre-start
	assert_output ''
	assert_equal "$(cat "$T/calls")" ''
	run -0 job post-stop
	[ ! -e "$T/og.pid" ]
}
