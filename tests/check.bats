#!/usr/bin/env bats
# oomguard check: each status, with real processes wherever this kernel can
# show it; the fake procfs root only for what needs a negative score (risk,
# spawner), which root without CAP_SYS_RESOURCE cannot set here.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
# shellcheck disable=SC2030,SC2031 # each test adds to its own PIDS
bats_require_minimum_version 1.5.0
load common

local_setup() {
	cp /bin/sleep "$T/hogx"
	# For comm= rules: a name no other test or process on the host has.
	U=h${T##*.}
	cp /bin/sleep "$T/$U"
}

tab=$(printf '\t')

@test "ok, idle and unchecked hold: exit 0, text and tsv" {
	bg 700 "$T/hogx"
	h=$pid
	conf "hog 700 exe=$T/hogx" "none 600 comm=no-such-prog" "memcached -300"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[0]}" "hog${tab}$h${tab}hogx${tab}700${tab}700${tab}ok${tab}-"
	assert_equal "${lines[1]}" "none${tab}-${tab}-${tab}600${tab}-${tab}idle${tab}no process matches now"
	assert_equal "${lines[2]}" "memcached${tab}-${tab}-${tab}-300${tab}-${tab}unchecked${tab}no pidfile=, exe= or comm= to find its processes by; the init hook applies it at start"
	run -0 "$OG" check -c "$T/og.conf"
	assert_line --index 0 --regexp '^RULE +PID +COMMAND +WANT +NOW +STATUS$'
	assert_line --index 1 --regexp "^hog +$h hogx +700 +700  ok$"
	assert_line --index 2 --regexp '^none +- +- +600 +-  idle: no process matches now$'
	assert_line --index 3 --regexp '^memcached +- +- +-300 +-  unchecked: '
}

@test "not running: the pidfile's reason, missing or stale" {
	conf "db 300 pidfile=$T/db.pid"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}pidfile $T/db.pid does not exist"
	# Stale: written long before its process started (a reused PID).
	bg 300
	echo "$pid" >"$T/db.pid"
	touch -d @1000000000 "$T/db.pid"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}pidfile $T/db.pid names pid $pid, which started after the file was written (a stale pidfile whose PID was reused)"
	run -1 "$OG" check -c "$T/og.conf"
	assert_line --index 1 --regexp "^db +- +- +300 +-  not running: pidfile $T/db.pid names pid $pid, "
}

@test "not running: the pidfile names a process of another user than user=" {
	bg 300
	echo "$pid" >"$T/db.pid"
	conf "db 300 pidfile=$T/db.pid user=nobody"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}pidfile $T/db.pid names pid $pid, whose user is 0, not 65534"
}

@test "a pidfile rule that holds is ok" {
	bg 300
	echo "$pid" >"$T/db.pid"
	conf "db 300 pidfile=$T/db.pid"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}$pid${tab}sleep${tab}300${tab}300${tab}ok${tab}-"
}

@test "differs: an exe= rule with no watch of this table says so" {
	bg 700 "$T/hogx"
	h=$pid
	echo 250 >"/proc/$h/oom_score_adj"
	conf "hog 700 exe=$T/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}$h${tab}hogx${tab}700${tab}250${tab}differs${tab}the value in force is 250, not 700: no oomguard watch of this table runs, and only the watch keeps exe= and comm= rules"
	# A watch of another table is no watch of this one.
	conf "other 5 comm=nothing-here" && mv "$T/og.conf" "$T/other.conf"
	"$OG" watch -c "$T/other.conf" >"$T/watch.log" 2>&1 3>&- &
	PIDS="$PIDS $!"
	wait_for grep -q 'rules from' "$T/watch.log"
	conf "hog 700 exe=$T/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output --partial "differs${tab}the value in force is 250, not 700: no oomguard watch of this table runs"
}

@test "differs: changed after the watch of this table set it" {
	bg 0 "$T/hogx"
	h=$pid
	conf "hog 700 exe=$T/hogx"
	# Started from another directory with a relative -c: still this table.
	(cd "$T" && exec "$OG" watch -i 5 --config=og.conf >"$T/watch.log" 2>&1 3>&-) &
	PIDS="$PIDS $!"
	wait_for adj_is "$h" 700
	echo 250 >"/proc/$h/oom_score_adj"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}$h${tab}hogx${tab}700${tab}250${tab}differs${tab}the value in force is 250, not 700: changed after the watch set it (the watch sets a process when it starts, execs, or its pidfile changes; SIGHUP it to set every process again)"
}

@test "differs: a negative score without CAP_SYS_RESOURCE (this machine) names the capability" {
	grep -q '^CapEff:.*' /proc/self/status
	(( (0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) >> 24 & 1) == 0 )) ||
		fail "this test needs a machine without CAP_SYS_RESOURCE"
	bg 0 "$T/hogx"
	conf "db -500 exe=$T/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}$pid${tab}hogx${tab}-500${tab}0${tab}differs${tab}the value in force is 0, not -500: lowering a score needs CAP_SYS_RESOURCE, which root lacks here (CapEff of /proc/self/status: a container?)"
}

@test "differs: with CAP_SYS_RESOURCE (fake procfs), the next cause; nothing known: the guess" {
	fproc 500 1 mysqld /opt/mysqld 0
	mkdir -p "$T/proc/self"
	printf 'Name:\tcheck\nCapEff:\t000001ffffffffff\n' >"$T/proc/self/status"
	conf "db -500 exe=/opt/mysqld"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}500${tab}mysqld${tab}-500${tab}0${tab}differs${tab}the value in force is 0, not -500: no oomguard watch of this table runs, and only the watch keeps exe= and comm= rules"
	# A pidfile rule with no watch: nothing is known, the guess stays.
	echo 500 >"$T/db.pid"
	conf "db -500 pidfile=$T/db.pid"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output --partial "differs${tab}the value in force is 0, not -500 (set after it started? an EACCES dropped by the init system?)"
}

@test "claimed: the process the pidfile names is governed by a later rule" {
	bg 400
	echo "$pid" >"$T/db.pid"
	conf "first 300 pidfile=$T/db.pid" "second 400 pidfile=$T/db.pid"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_line --index 0 "first${tab}-${tab}-${tab}300${tab}-${tab}claimed${tab}the process its pidfile names is governed by another rule"
	assert_line --index 1 "second${tab}$pid${tab}sleep${tab}400${tab}400${tab}ok${tab}-"
}

@test "one row per process a rule governs; a process matched by exe= is not counted for comm=" {
	bg 700 "$T/$U"
	a=$pid
	bg 700 "$T/$U"
	b=$pid
	conf "bycomm 300 comm=$U" "hog 700 exe=$T/$U"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_line "hog${tab}$a${tab}$U${tab}700${tab}700${tab}ok${tab}-"
	assert_line "hog${tab}$b${tab}$U${tab}700${tab}700${tab}ok${tab}-"
	refute_line --partial "bycomm${tab}$a"
	refute_line --partial "bycomm${tab}$b"
}

@test "risk: a process at -1000 (fake procfs)" {
	fproc 100 1 mysqld /usr/sbin/mysqld -1000
	conf "mysql -1000 exe=/usr/sbin/mysqld"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "mysql${tab}100${tab}mysqld${tab}-1000${tab}-1000${tab}risk${tab}-1000: unkillable, and every child inherits it; prefer -999..-900"
}

@test "spawner: a protected process whose exec'd children inherit (fake procfs)" {
	fproc 200 1 cron /usr/sbin/cron -900
	fproc 201 200 cron /usr/sbin/cron -900
	fproc 202 200 sh /usr/bin/dash -900
	fproc 203 200 apt-check /usr/bin/python3 -900
	fproc 204 200 backup /usr/bin/dash 0
	conf "cron -900 exe=/usr/sbin/cron"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	# 201 is a fork of cron (same exe, same name): governed, and ok itself.
	assert_line --index 0 "cron${tab}200${tab}cron${tab}-900${tab}-900${tab}spawner${tab}2 children (e.g. pid 202) inherit the protection; add children=SCORE"
	assert_line --index 1 --partial "cron${tab}201${tab}cron${tab}-900${tab}-900${tab}"
	# With children= the spawner is ok.
	conf "cron -900 exe=/usr/sbin/cron children=0"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_line --index 0 "cron${tab}200${tab}cron${tab}-900${tab}-900${tab}ok${tab}negative by name: uid 0 only; see oomguard.conf(5)"
}

@test "spawner: a script's children run by the same interpreter count by name (fake procfs)" {
	fproc 300 1 spawner /usr/bin/dash -500
	fproc 301 300 job /usr/bin/dash -500
	conf "sp -500 comm=spawner"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "sp${tab}300${tab}spawner${tab}-500${tab}-500${tab}spawner${tab}1 children (e.g. pid 301) inherit the protection; add children=SCORE"
}

@test "gone: a process that exits while being checked (fake procfs)" {
	fproc 400 1 hogx /opt/hogx -
	conf "hog 700 exe=/opt/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}400${tab}hogx${tab}700${tab}-${tab}gone${tab}exited while being checked"
}

@test "exit 2: a bad table, a missing -c file, a bad option" {
	conf "hog 700 exe=hogx"
	run -2 "$OG" check -c "$T/og.conf"
	assert_line --index 1 "$T/og.conf:1       - -                   -     -  bad line: 'exe=hogx': not an absolute path"
	for v in 1001 -1001 +1001 0x10; do
		conf "hog $v"
		run -2 "$OG" check -c "$T/og.conf" --format=tsv
		assert_output "$T/og.conf:1${tab}-${tab}-${tab}-${tab}-${tab}bad line${tab}'$v': not a score from -1000 to 1000"
	done
	run -2 "$OG" check -c "$T/nothere.conf"
	assert_output --partial "oomguard: read $T/nothere.conf: No such file or directory"
	conf "hog 700 exe=$T/hogx"
	run -2 "$OG" check -c "$T/og.conf" --format=xml
	assert_output "oomguard: parse check format xml: unknown (known: text, tsv, nagios, prom, json)"
	run -2 "$OG" check -c "$T/og.conf" --bogus
	assert_output "oomguard: parse check option --bogus: unknown"
	run -2 "$OG" check -x -c "$T/og.conf"
	assert_output "oomguard: parse check option -x: unknown"
	run -2 "$OG" check -c
	assert_output "oomguard: parse check option -c: needs a value"
	run -2 "$OG" check -c "$T/og.conf" --format
	assert_output "oomguard: parse check option --format: needs a value"
	run -2 "$OG" check -c "$T/og.conf" extra
	assert_output "oomguard: parse check argument extra: check takes only options"
}

@test "every option that takes a value: separate, attached and = forms (getopt_long)" {
	bg 700 "$T/hogx"
	conf "hog 700 exe=$T/hogx"
	want="hog${tab}$pid${tab}hogx${tab}700${tab}700${tab}ok${tab}-"
	for args in "-c $T/og.conf --format tsv" "-c$T/og.conf --format=tsv" \
		"--config=$T/og.conf --format=tsv" "--config $T/og.conf --format tsv" \
		"--format tsv -c $T/og.conf"; do
		# shellcheck disable=SC2086 # one word per option, on purpose
		run -0 "$OG" check $args
		assert_output "$want"
	done
	for args in "-o $T/out" "-o$T/out" "--output=$T/out" "--output $T/out"; do
		rm -f "$T/out"
		# shellcheck disable=SC2086
		run -0 "$OG" check -c "$T/og.conf" --format=tsv $args
		assert_output ''
		assert_equal "$(cat "$T/out")" "$want"
	done
}

@test "a drop-in's line replaces the main table's line for the same name" {
	bg 500 "$T/$U"
	mkdir "$T/og.d"
	conf "hog 700 exe=$T/$U"
	printf 'hog 500 comm=%s\n' "$U" >"$T/og.d/local.conf"
	chmod 644 "$T/og.d/local.conf"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}$pid${tab}$U${tab}500${tab}500${tab}ok${tab}-"
}

@test "a negative exe= rule governs only root's processes; check says so (fake procfs)" {
	fproc 500 1 mysqld /opt/mysqld -500 0
	fproc 501 1 mysqld /opt/mysqld 0 65534
	conf "db -500 exe=/opt/mysqld"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "db${tab}500${tab}mysqld${tab}-500${tab}-500${tab}ok${tab}negative by name: uid 0 only; see oomguard.conf(5)"
	# With user=, that user's processes instead; a positive score, everyone's.
	conf "db -500 exe=/opt/mysqld user=65534"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output --partial "db${tab}501${tab}mysqld${tab}-500${tab}0${tab}differs"
	conf "db 300 exe=/opt/mysqld"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_line --index 0 --partial "db${tab}500${tab}"
	assert_line --index 1 --partial "db${tab}501${tab}"
}

@test "a negative comm= rule: a real process of nobody with the protected name is not governed" {
	chmod 755 "$T"
	conf "prot -500 comm=$U"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/$U" 1000 3>&- &
	n=$!
	PIDS="$PIDS $n"
	wait_for owned_by "/proc/$n" 65534
	wait_for comm_is "$n" "$U"
	run -0 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "prot${tab}-${tab}-${tab}-500${tab}-${tab}idle${tab}no process matches now"
}

runs() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$2" ]; }

# A local user's program path (any bytes but / and NUL) reaches the detail
# through identity_fails: "names pid N, which runs PATH, not EXE".
@test "a nobody pidfile naming nobody's program whose path holds a newline, tabs and ESC: no forged row, no raw ESC in any format" {
	chmod 755 "$T"
	install -d -o 65534 -g 65534 -m 755 "$T/u"
	evil=$(printf 'x\nmysql\t812\tmysqld\t-500\t-500\tok\t-\n\033[2J')
	cp /bin/sleep "$T/u/$evil"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/u/$evil" 1000 3>&- &
	n=$!
	PIDS="$PIDS $n"
	wait_for owned_by "/proc/$n" 65534
	wait_for runs "$n" "$T/u/$evil"
	# shellcheck disable=SC2016 # expanded by the child sh
	as_nobody sh -c 'echo "$1" >"$2"' sh "$n" "$T/u/d.pid"
	conf "db 300 pidfile=$T/u/d.pid exe=/usr/sbin/mysqld"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_equal "${#lines[@]}" 1
	assert_output "db${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}pidfile $T/u/d.pid names pid $n, which runs $T/u/x\\nmysql\\t812\\tmysqld\\t-500\\t-500\\tok\\t-\\n\\x1b[2J, not /usr/sbin/mysqld"
	run -1 "$OG" check -c "$T/og.conf"
	assert_equal "${#lines[@]}" 2
	refute_line --partial "mysql 812"
	for f in text tsv nagios prom json; do
		"$OG" check -c "$T/og.conf" --format="$f" >"$T/out.$f" || true
		if grep -q "$(printf '\033')" "$T/out.$f"; then fail "raw ESC in --format=$f"; fi
		if grep -q '^mysql' "$T/out.$f"; then fail "a forged row in --format=$f"; fi
	done
}

@test "one bad line: every other rule is still checked, every bad line listed as file:line, exit 2" {
	bg 300 "$T/hogx"
	h=$pid
	mkdir -p "$T/og.d"
	conf "hog 300 exe=$T/hogx" "redis-server -5OO" "memcached -300"
	printf 'x 5 tree=maybe\n' >"$T/og.d/z.conf"
	chmod 644 "$T/og.d/z.conf"
	run -2 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}$h${tab}hogx${tab}300${tab}300${tab}ok${tab}-
memcached${tab}-${tab}-${tab}-300${tab}-${tab}unchecked${tab}no pidfile=, exe= or comm= to find its processes by; the init hook applies it at start
$T/og.conf:2${tab}-${tab}-${tab}-${tab}-${tab}bad line${tab}'-5OO': not a score from -1000 to 1000
$T/og.d/z.conf:1${tab}-${tab}-${tab}-${tab}-${tab}bad line${tab}'tree=maybe': not yes or no"
	run -2 "$OG" check -c "$T/og.conf"
	assert_line --index 0 --partial RULE
	assert_line --index 3 "$T/og.conf:2       - -                   -     -  bad line: '-5OO': not a score from -1000 to 1000"
	run -2 "$OG" check -c "$T/og.conf" --format=json
	assert_line --index 3 "{\"rule\":\"$T/og.conf:2\",\"pid\":null,\"command\":null,\"want\":null,\"now\":null,\"status\":\"bad line\",\"detail\":\"'-5OO': not a score from -1000 to 1000\"},"
	run -2 "$OG" check -c "$T/og.conf" --format=prom
	assert_line "oomguard_rule_ok{rule=\"$T/og.conf:2\"} 0"
	assert_line "oomguard_rule_status{rule=\"$T/og.conf:2\",status=\"bad line\"} 1"
	refute_output --partial "oomguard_score_wanted{rule=\"$T/og.conf:2\"}"
	# The nagios format: UNKNOWN, as for a bad table.
	run -3 "$OG" check -c "$T/og.conf" --format=nagios
	assert_line --index 0 --partial "OOMGUARD UNKNOWN - $T/og.conf:2 bad line, $T/og.d/z.conf:1 bad line; 4 rules: 1 ok, 1 idle, 2 bad |"
	assert_line "UNKNOWN: $T/og.conf:2: bad line: '-5OO': not a score from -1000 to 1000"
}

@test "an empty or all-comment table says so in one line and points to protect and oomguard.conf(5): exit 1" {
	for t in '' '# only a comment' '   '; do
		conf "$t"
		run -1 "$OG" check -c "$T/og.conf"
		assert_output "oomguard: check $T/og.conf: no rules, in it or its .d directory: add one with oomguard protect, see oomguard.conf(5)"
	done
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios
	assert_output "OOMGUARD WARNING - $T/og.conf: no rules, in it or its .d directory: add one with oomguard protect, see oomguard.conf(5) | rules=0;;;; ok=0;;;; idle=0;;;; bad=0;;;;"
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=json
	assert_output '[]'
}
