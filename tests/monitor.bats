#!/usr/bin/env bats
# oomguard check for monitors: --format=nagios read by the Monitoring
# Plugins' own negate, --format=prom read by promtool and by a real
# node_exporter's textfile collector, --format=json read by jq.  Real
# processes wherever this kernel can show the status; the fake procfs root
# only for risk, spawner and gone, as in check.bats.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
bats_require_minimum_version 1.5.0
load common

NEGATE=/usr/lib/nagios/plugins/negate
EXPORTER=prometheus-node-exporter

local_setup() {
	for p in hogx prot raise; do cp /bin/sleep "$T/$p"; done
}

# ok, idle, unchecked, differs on a protected rule (critical) and on a
# raised one (warning), not running, claimed: every status real processes
# can show here, in one table.
real_scene() {
	bg 700 "$T/hogx"
	hog=$pid
	bg 0 "$T/prot"
	prot=$pid
	bg 200 "$T/raise"
	raise=$pid
	bg 400
	shared=$pid
	echo "$shared" >"$T/c.pid"
	conf "hog 700 exe=$T/hogx" "none 600 comm=no-such-prog" "memcached -300" \
		"prot -300 exe=$T/prot" "raise 600 exe=$T/raise" "db -300 pidfile=$T/db.pid" \
		"first 300 pidfile=$T/c.pid" "second 400 pidfile=$T/c.pid" "postgresql@15-main 5"
}

# risk, spawner and gone need a negative score set, or a process that
# exits at the right moment: the fake procfs root.
fake_scene() {
	fproc 100 1 mysqld /usr/sbin/mysqld -1000
	fproc 200 1 cron /usr/sbin/cron -900
	fproc 202 200 sh /usr/bin/dash -900
	fproc 400 1 hogx /opt/hogx -
	conf "mysql -1000 exe=/usr/sbin/mysqld" "cron -900 exe=/usr/sbin/cron" "hog 700 exe=/opt/hogx"
}

# The Monitoring Plugins development guidelines: "STATUS - text | perfdata"
# on the first line, each perfdata 'label'=value[UOM];[warn];[crit];[min];[max]
# with the label quoted when it must be (a quote in it doubled), no '|' in
# the lines after; and the status word is the exit code's.
nagios_grammar() {
	local code=$1 words=(OK WARNING CRITICAL UNKNOWN)
	local label="('([^'=]|'')+'|[^' =']+)" value='(-?[0-9]+(\.[0-9]+)?|U)'
	local perf="$label=$value(s|ms|us|%|B|KB|MB|TB|c)?(;[-0-9.:@~]*){0,4}"
	[[ ${lines[0]} =~ ^OOMGUARD\ ${words[$code]}\ -\ [^\|]+\ \|\ $perf(\ $perf)*$ ]] ||
		fail "not the guidelines' grammar: ${lines[0]}"
	local l
	for l in "${lines[@]:1}"; do
		[[ $l != *'|'* ]] || fail "a '|' after the first line: $l"
	done
}

@test "nagios: CRITICAL for a protected rule that differs or is not running, WARNING for the others; the guidelines' grammar" {
	real_scene
	run -2 "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 2
	assert_line --index 0 "OOMGUARD CRITICAL - prot differs, db not running, raise differs, first claimed; 9 rules: 2 ok, 3 idle, 4 bad | rules=9;;;; ok=2;;;; idle=3;;;; bad=4;;;; score_hog=700;;;-1000;1000 score_none=U;;;-1000;1000 score_memcached=U;;;-1000;1000 score_prot=0;;;-1000;1000 score_raise=200;;;-1000;1000 score_db=U;;;-1000;1000 score_first=U;;;-1000;1000 score_second=400;;;-1000;1000 'score_postgresql@15-main'=U;;;-1000;1000"
	assert_line --index 1 "OK: hog: pid $hog (hogx), wanted 700, in force 700: ok"
	assert_line --index 2 "OK: none, wanted 600: idle: no process matches now"
	assert_line --index 3 "OK: memcached, wanted -300: unchecked: no pidfile=, exe= or comm= to find its processes by; the init hook applies it at start"
	assert_line --index 4 "CRITICAL: prot: pid $prot (prot), wanted -300, in force 0: differs: the value in force is 0, not -300 (set after it started? an EACCES dropped by the init system?)"
	assert_line --index 5 "WARNING: raise: pid $raise (raise), wanted 600, in force 200: differs: the value in force is 200, not 600 (set after it started? an EACCES dropped by the init system?)"
	assert_line --index 6 "CRITICAL: db, wanted -300: not running: pidfile $T/db.pid does not exist"
	assert_line --index 7 "WARNING: first, wanted 300: claimed: the process its pidfile names is governed by another rule"
	assert_line --index 8 "OK: second: pid $shared (sleep), wanted 400, in force 400: ok"
	assert_line --index 9 "OK: postgresql@15-main, wanted 5: unchecked: no pidfile=, exe= or comm= to find its processes by; the init hook applies it at start"
	assert_equal "${#lines[@]}" 10

	# WARNING alone: a raised rule that does not hold.
	conf "hog 700 exe=$T/hogx" "raise 600 exe=$T/raise"
	run -1 "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 1
	assert_line --index 0 --partial "OOMGUARD WARNING - raise differs; 2 rules: 1 ok, 0 idle, 1 bad | "
	# OK: every rule holds, or has nothing to judge.
	conf "hog 700 exe=$T/hogx" "none 600 comm=no-such-prog" "memcached -300"
	run -0 "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 0
	assert_line --index 0 "OOMGUARD OK - 3 rules: 1 ok, 2 idle, 0 bad | rules=3;;;; ok=1;;;; idle=2;;;; bad=0;;;; score_hog=700;;;-1000;1000 score_none=U;;;-1000;1000 score_memcached=U;;;-1000;1000"
	# An empty table holds.
	conf "# nothing yet"
	run -0 "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 0
	assert_output "OOMGUARD OK - 0 rules: 0 ok, 0 idle, 0 bad | rules=0;;;; ok=0;;;; idle=0;;;; bad=0;;;;"
}

@test "nagios: risk, spawner and gone are WARNING (fake procfs)" {
	fake_scene
	run -1 "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 1
	assert_line --index 0 "OOMGUARD WARNING - mysql risk, cron spawner, hog gone; 3 rules: 0 ok, 0 idle, 3 bad | rules=3;;;; ok=0;;;; idle=0;;;; bad=3;;;; score_mysql=-1000;;;-1000;1000 score_cron=-900;;;-1000;1000 score_hog=U;;;-1000;1000"
	assert_line --index 1 "WARNING: mysql: pid 100 (mysqld), wanted -1000, in force -1000: risk: -1000: unkillable, and every child inherits it; prefer -999..-900"
	assert_line --index 2 "WARNING: cron: pid 200 (cron), wanted -900, in force -900: spawner: 1 children (e.g. pid 202) inherit the protection; add children=SCORE"
	assert_line --index 3 "WARNING: hog: pid 400 (hogx), wanted 700: gone: exited while being checked"
}

@test "nagios: UNKNOWN, with the reason on stdout, for a bad table or command line" {
	conf "hog 700 exe=hogx"
	run -3 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios
	assert_output "OOMGUARD UNKNOWN - parse $T/og.conf:1: 'exe=hogx': not an absolute path"
	assert_equal "$stderr" "oomguard: parse $T/og.conf:1: 'exe=hogx': not an absolute path"
	run -3 --separate-stderr "$OG" check -c "$T/nothere.conf" --format=nagios
	assert_output "OOMGUARD UNKNOWN - read $T/nothere.conf: No such file or directory"
	# The format is known after the bad option, and still answers.
	run -3 --separate-stderr "$OG" check --bogus --format=nagios
	assert_output "OOMGUARD UNKNOWN - parse check option --bogus: unknown"
	assert_equal "$stderr" "oomguard: parse check option --bogus: unknown"
	run -3 --separate-stderr "$OG" check --format nagios -c
	assert_output "OOMGUARD UNKNOWN - parse check option -c: needs a value"
	# Without it, the same faults are usage errors.
	run -2 "$OG" check --bogus
}

@test "nagios: the Monitoring Plugins' negate reads the exit code and the status word" {
	[ -x "$NEGATE" ] || fail "$NEGATE is missing: install monitoring-plugins-common"
	real_scene
	# negate maps CRITICAL to OK and OK to CRITICAL; -s swaps the word too.
	run -0 "$NEGATE" -s "$OG" check -c "$T/og.conf" --format=nagios
	assert_line --index 0 --partial "OOMGUARD OK - prot differs, db not running"
	conf "hog 700 exe=$T/hogx"
	run -2 "$NEGATE" -s "$OG" check -c "$T/og.conf" --format=nagios
	assert_line --index 0 --partial "OOMGUARD CRITICAL - 1 rules: 1 ok"
	# WARNING stays WARNING unless asked; -w maps it.
	conf "raise 600 exe=$T/raise"
	run -1 "$NEGATE" "$OG" check -c "$T/og.conf" --format=nagios
	run -0 "$NEGATE" -w OK "$OG" check -c "$T/og.conf" --format=nagios
	conf "hog 700 exe=hogx"
	run -3 --separate-stderr "$NEGATE" "$OG" check -c "$T/og.conf" --format=nagios
	assert_output --partial "OOMGUARD UNKNOWN - parse "
	run -0 "$NEGATE" -u OK "$OG" check -c "$T/og.conf" --format=nagios
}
