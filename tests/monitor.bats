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
tab=$(printf '\t')
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
	assert_line --index 4 "CRITICAL: prot: pid $prot (prot), wanted -300, in force 0: differs: the value in force is 0, not -300: lowering a score needs CAP_SYS_RESOURCE, which root lacks here (CapEff of /proc/self/status: a container?)"
	assert_line --index 5 "WARNING: raise: pid $raise (raise), wanted 600, in force 200: differs: the value in force is 200, not 600: no oomguard watch of this table runs, and only the watch keeps exe= and comm= rules"
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
	# An empty table protects nothing: WARNING, saying so.
	conf "# nothing yet"
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 1
	assert_output "OOMGUARD WARNING - $T/og.conf: no rules, in it or its .d directory: add one with oomguard protect, see oomguard.conf(5) | rules=0;;;; ok=0;;;; idle=0;;;; bad=0;;;;"
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
	conf "hog 700 exe=hogx" "memcached -300"
	run -3 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 3
	assert_output "OOMGUARD UNKNOWN - $T/og.conf:1 bad line; 2 rules: 0 ok, 1 idle, 1 bad | rules=2;;;; ok=0;;;; idle=1;;;; bad=1;;;; score_memcached=U;;;-1000;1000
OK: memcached, wanted -300: unchecked: no pidfile=, exe= or comm= to find its processes by; the init hook applies it at start
UNKNOWN: $T/og.conf:1: bad line: 'exe=hogx': not an absolute path"
	assert_equal "$stderr" ""
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

@test "the monitor formats refuse to run as another user than root: its rules would look idle, a false OK" {
	bg 700 "$T/hogx"
	conf "hog 700 exe=$T/hogx"
	chmod 755 "$T"
	# What a non-root check sees: another user's /proc/PID/exe is unreadable.
	run -0 as_nobody "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}-${tab}-${tab}700${tab}-${tab}idle${tab}no process matches now"
	run -3 --separate-stderr as_nobody "$OG" check -c "$T/og.conf" --format=nagios
	assert_output "OOMGUARD UNKNOWN - check as uid 65534: not root: the processes of other users cannot be identified"
	for f in prom json; do
		run -2 as_nobody "$OG" check -c "$T/og.conf" --format=$f
		assert_output "oomguard: check as uid 65534: not root: the processes of other users cannot be identified"
	done
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
	assert_output --partial "OOMGUARD UNKNOWN - $T/og.conf:1 bad line"
	run -0 "$NEGATE" -u OK "$OG" check -c "$T/og.conf" --format=nagios
}

# A hook's record whose PID changed hands: the fake mysqld of fake_scene
# started at tick 100, the process the waiter set at tick 99.
stale_record() {
	install -d -m 700 "$OOMGUARD_STATE_DIR"
	printf 'done\t1\t100\t-1000\t/etc/default/old\tset pid 100\t99\n' >"$OOMGUARD_STATE_DIR/old"
}

# The statuses of check, as its man page lists them.
ALL_STATUSES='bad line claimed differs gone idle not running ok risk spawner stale unchecked'

@test "prom: promtool check metrics passes; each status, HELP and TYPE for each metric" {
	real_scene
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=prom
	printf '%s\n' "$output" >"$T/real.prom"
	run -0 promtool check metrics <"$T/real.prom"
	assert_output ''
	run -0 cat "$T/real.prom"
	assert_line 'oomguard_rule_ok{rule="hog"} 1'
	assert_line 'oomguard_rule_ok{rule="prot"} 0'
	assert_line 'oomguard_rule_ok{rule="postgresql@15-main"} 1'
	assert_line "oomguard_score_adj{rule=\"hog\",pid=\"$hog\"} 700"
	assert_line "oomguard_score_adj{rule=\"prot\",pid=\"$prot\"} 0"
	assert_line "oomguard_score_adj{rule=\"second\",pid=\"$shared\"} 400"
	assert_line 'oomguard_score_wanted{rule="prot"} -300'
	assert_line 'oomguard_rule_status{rule="db",status="not running"} 1'
	assert_line 'oomguard_rule_status{rule="db",status="ok"} 0'
	assert_line --regexp '^oomguard_check_timestamp_seconds [0-9]+$'
	for m in rule_ok score_adj score_wanted rule_status check_timestamp_seconds; do
		assert_line "# TYPE oomguard_$m gauge"
		assert_line --regexp "^# HELP oomguard_$m [A-Z0-9].*"
	done
	# One series per process: rows without a process or a value have none.
	assert_equal "$(grep -c '^oomguard_score_adj{' "$T/real.prom")" 4
	fake_scene
	printf 'broken 5OO\n' >>"$T/og.conf"
	stale_record
	run -2 "$OG" check -c "$T/og.conf" --format=prom
	printf '%s\n' "$output" >"$T/fake.prom"
	run -0 promtool check metrics <"$T/fake.prom"
	assert_output ''
	# Every status, each seen somewhere with value 1.
	run -0 sh -c "sed -n 's/^oomguard_rule_status{.*status=\"\\(.*\\)\"} 1\$/\\1/p' '$T/real.prom' '$T/fake.prom' | sort -u | tr '\n' ' '"
	assert_output "$ALL_STATUSES "
	assert_equal "$(grep -c '^oomguard_rule_status{rule="hog",' "$T/fake.prom")" 11
}

# node_exporter with only the textfile collector, on a free port of
# 127.0.0.1: sets $url.  A port taken meanwhile makes it exit: try another.
exporter_start() {
	local port tries=20
	command -v "$EXPORTER" >/dev/null || fail "$EXPORTER is missing: install prometheus-node-exporter"
	mkdir -p "$T/tf"
	while [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		port=$((20000 + RANDOM % 40000))
		# 7: connection refused, nothing listens there.
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" && continue
		[ $? -eq 7 ] || continue
		start "$EXPORTER" --web.listen-address="127.0.0.1:$port" \
			--collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$T/tf"
		exporter=$pid
		url=http://127.0.0.1:$port/metrics
		wait_for exporter_settled
		if curl -fsS -o /dev/null "$url"; then return 0; fi
	done
	fail "node_exporter did not start: $(cat "$T/out.bg")"
}
exporter_settled() { curl -fsS -o /dev/null "$url" 2>/dev/null || ! kill -0 "$exporter" 2>/dev/null; }
scrape() { curl -fsS "$url" | grep -a -e '^oomguard_' -e '^node_textfile_scrape_error'; }

@test "prom: a real node_exporter reads the file --output writes, with no textfile error" {
	exporter_start
	# The test can fail: a broken file is reported as a scrape error.
	printf 'oomguard_broken{rule="x" 1\n' >"$T/tf/broken.prom"
	run -0 scrape
	assert_line 'node_textfile_scrape_error 1'
	rm "$T/tf/broken.prom"
	real_scene
	run -1 "$OG" check -c "$T/og.conf" --format=prom --output "$T/tf/oomguard.prom"
	assert_output ''
	run -0 scrape
	assert_line 'node_textfile_scrape_error 0'
	# node_exporter sorts the labels.
	assert_line 'oomguard_rule_ok{rule="hog"} 1'
	assert_line 'oomguard_rule_ok{rule="db"} 0'
	assert_line "oomguard_score_adj{pid=\"$hog\",rule=\"hog\"} 700"
	assert_line 'oomguard_score_wanted{rule="prot"} -300'
	assert_line 'oomguard_rule_status{rule="db",status="not running"} 1'
	assert_line 'oomguard_rule_status{rule="prot",status="differs"} 1'
	assert_line --regexp '^oomguard_check_timestamp_seconds [0-9.e+]+$'
	# Nothing but the file itself is left in the directory.
	assert_equal "$(ls -A "$T/tf")" oomguard.prom
	# Every status, through node_exporter too.
	fake_scene
	printf 'broken 5OO\n' >>"$T/og.conf"
	run -2 "$OG" check -c "$T/og.conf" --format=prom --output "$T/tf/oomguard.prom"
	run -0 scrape
	assert_line 'node_textfile_scrape_error 0'
	assert_line 'oomguard_rule_status{rule="mysql",status="risk"} 1'
	assert_line 'oomguard_rule_status{rule="cron",status="spawner"} 1'
	assert_line 'oomguard_rule_status{rule="hog",status="gone"} 1'
}

@test "--output: FILE replaced whole, never followed; a name planted at the temporary file is left alone; a bad table leaves FILE" {
	bg 700 "$T/hogx"
	conf "hog 700 exe=$T/hogx"
	echo precious >"$T/victim"
	ln -s "$T/victim" "$T/out.prom"
	# The temporary name oomguard tries first, planted as a symlink: with
	# O_EXCL|O_NOFOLLOW it is not opened, and the next name is used.
	# shellcheck disable=SC2016 # expanded by the child sh
	run -0 sh -c 'ln -s "$1/victim" "$1/.out.prom.$$.0.tmp" && exec "$2" check -c "$1/og.conf" --format=prom -o "$1/out.prom"' sh "$T" "$OG"
	assert_output ''
	assert_equal "$(cat "$T/victim")" precious
	[ ! -L "$T/out.prom" ] && [ -f "$T/out.prom" ]
	grep -qx 'oomguard_rule_ok{rule="hog"} 1' "$T/out.prom"
	assert_equal "$(stat -c %a "$T/out.prom")" 644
	run -0 sh -c "ls -A '$T' | grep -c '^\\.out\\.prom\\.'"
	assert_output 1
	# A table that cannot be read: exit 2, FILE as it was, no temporary file.
	cp "$T/out.prom" "$T/before"
	run -2 "$OG" check -c "$T/nothere.conf" --format=prom -o "$T/out.prom"
	cmp "$T/before" "$T/out.prom"
	# A bad line is a row: FILE written (its rule_ok 0), exit 2.
	conf "hog 700 exe=hogx"
	run -2 "$OG" check -c "$T/og.conf" --format=prom -o "$T/out.prom"
	grep -qx "oomguard_rule_ok{rule=\"$T/og.conf:1\"} 0" "$T/out.prom"
	run -0 sh -c "ls -A '$T' | grep -c '\\.tmp\$'"
	assert_output 1
	# A directory that does not exist: exit 1, said once.
	conf "hog 700 exe=$T/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=json -o "$T/nodir/x.json"
	assert_output --regexp "^oomguard: open output $T/nodir/\\.x\\.json\\.[0-9]+\\.0\\.tmp: No such file or directory\$"
	run -1 "$OG" check -c "$T/og.conf" --format=json -o "$T/"
	assert_output "oomguard: open output $T/: Is a directory"
	run -3 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios -o "$T/"
	assert_output "OOMGUARD UNKNOWN - open output $T/: Is a directory"
}

@test "json: one object per row with the tsv fields, jq reads it; each status" {
	real_scene
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=json
	printf '%s\n' "$output" >"$T/real.json"
	run -0 jq -c '.[0], .[1], .[3], .[5]' "$T/real.json"
	assert_line --index 0 "{\"rule\":\"hog\",\"pid\":$hog,\"command\":\"hogx\",\"want\":700,\"now\":700,\"status\":\"ok\",\"detail\":null}"
	assert_line --index 1 '{"rule":"none","pid":null,"command":null,"want":600,"now":null,"status":"idle","detail":"no process matches now"}'
	assert_line --index 2 "{\"rule\":\"prot\",\"pid\":$prot,\"command\":\"prot\",\"want\":-300,\"now\":0,\"status\":\"differs\",\"detail\":\"the value in force is 0, not -300: lowering a score needs CAP_SYS_RESOURCE, which root lacks here (CapEff of /proc/self/status: a container?)\"}"
	assert_line --index 3 "{\"rule\":\"db\",\"pid\":null,\"command\":null,\"want\":-300,\"now\":null,\"status\":\"not running\",\"detail\":\"pidfile $T/db.pid does not exist\"}"
	# The same rows as tsv, field for field.
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	printf '%s\n' "$output" >"$T/real.tsv"
	run -0 jq -r '.[] | [.rule, (.pid // "-"), (.command // "-"), .want, (.now // "-"), .status, (.detail // "-")] | map(tostring) | join("\t")' "$T/real.json"
	assert_output "$(cat "$T/real.tsv")"
	fake_scene
	printf 'broken 5OO\n' >>"$T/og.conf"
	stale_record
	run -2 "$OG" check -c "$T/og.conf" --format=json
	printf '%s\n' "$output" >"$T/fake.json"
	run -0 jq -c '.[2]' "$T/fake.json"
	assert_output '{"rule":"hog","pid":400,"command":"hogx","want":700,"now":null,"status":"gone","detail":"exited while being checked"}'
	run -0 sh -c "jq -r '.[].status' '$T/real.json' '$T/fake.json' | sort -u | tr '\n' ' '"
	assert_output "$ALL_STATUSES "
	# An empty table is an empty array, and exit 1: nothing is protected.
	rm "$OOMGUARD_STATE_DIR/old"
	conf "# nothing"
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=json
	assert_output '[]'
}

@test "a process name and a path with blanks, quotes, a newline, non-ASCII and bytes that are not UTF-8 survive every format" {
	# The kernel names a process after the file it ran: a symlink's name.
	name=$'s p"q\'\xc3\xa9\\\n\xff|'
	ln -s "$T/hogx" "$T/$name"
	bg 700 "$T/$name"
	conf "odd 700 exe=$T/hogx" "db -300 pidfile=$T/d\"b'"$'\xc3\xa9\xff.pid'
	run -2 --separate-stderr "$OG" check -c "$T/og.conf" --format=nagios
	nagios_grammar 2
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 "OK: odd: pid $pid (s p\"q'"$'\xc3\xa9''\\\x0a\xff\x7c), wanted 700, in force 700: ok'
	assert_line --index 2 "CRITICAL: db, wanted -300: not running: pidfile $T/d\"b'"$'\xc3\xa9''\xff.pid does not exist'
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=json
	printf '%s\n' "$output" >"$T/out.json"
	assert_line --index 1 "{\"rule\":\"odd\",\"pid\":$pid,\"command\":\"s p\\\"q'"$'\xc3\xa9''\\\n\ufffd|",'"\"want\":700,\"now\":700,\"status\":\"ok\",\"detail\":null},"
	run -0 jq -j '.[0].command' "$T/out.json"
	assert_output $'s p"q\'\xc3\xa9\\\n\xef\xbf\xbd|'
	run -0 jq -j '.[1].detail' "$T/out.json"
	assert_output "pidfile $T/d\"b'"$'\xc3\xa9\xef\xbf\xbd.pid does not exist'
	run -1 --separate-stderr "$OG" check -c "$T/og.conf" --format=prom
	printf '%s\n' "$output" >"$T/out.prom"
	run -0 promtool check metrics <"$T/out.prom"
	assert_output ''
	grep -qx "oomguard_score_adj{rule=\"odd\",pid=\"$pid\"} 700" "$T/out.prom"
}

# The table's grammar allows only letters, digits and _.@+- in a rule name
# (oomguard.conf(5)), so bin/report-rows feeds src/report.c the names it
# must still survive: blanks, both quotes, a backslash, non-ASCII, a byte
# that is not UTF-8, a newline.
@test "rule names with blanks, quotes and non-ASCII survive every format (bin/report-rows)" {
	[ -x "$TOP/bin/report-rows" ] || fail "make bin/report-rows first"
	rule=$'my "db" \'x\' \xc3\xa9\\ \xff'
	printf '%s\t812\tmysqld\t-500\t0\tdiffers\tthe value in force is 0\n%s\t-\t-\t-300\t-\tidle\t-\n' \
		"$rule\\nz" 'b|c=d' >"$T/rows"
	run -2 "$TOP/bin/report-rows" nagios <"$T/rows"
	nagios_grammar 2
	assert_line --index 0 "OOMGUARD CRITICAL - my \"db\" 'x' "$'\xc3\xa9''\\ \xff\x0az differs; 2 rules: 0 ok, 1 idle, 1 bad | rules=2;;;; ok=0;;;; idle=1;;;; bad=1;;;; '"'score_my \"db\" ''x'' "$'\xc3\xa9'"\\ __z'=0;;;-1000;1000 'score_b_c_d'=U;;;-1000;1000"
	run -0 "$NEGATE" "$TOP/bin/report-rows" nagios <"$T/rows"
	run -1 sh -c "'$TOP/bin/report-rows' prom <'$T/rows' >'$T/rows.prom'"
	run -0 promtool check metrics <"$T/rows.prom"
	assert_output ''
	run -0 grep -a '^oomguard_rule_ok' "$T/rows.prom"
	assert_line --index 0 "oomguard_rule_ok{rule=\"my \\\"db\\\" 'x' "$'\xc3\xa9'"\\\\ "$'\xef\xbf\xbd'"\\nz\"} 0"
	assert_line --index 1 'oomguard_rule_ok{rule="b|c=d"} 1'
	exporter_start
	cp "$T/rows.prom" "$T/tf/rows.prom"
	run -0 scrape
	assert_line 'node_textfile_scrape_error 0'
	assert_line "oomguard_score_adj{pid=\"812\",rule=\"my \\\"db\\\" 'x' "$'\xc3\xa9'"\\\\ "$'\xef\xbf\xbd'"\\nz\"} 0"
	run -1 sh -c "'$TOP/bin/report-rows' json <'$T/rows' >'$T/rows.json'"
	run -0 jq -j '.[0].rule' "$T/rows.json"
	assert_output $'my "db" \'x\' \xc3\xa9\\ \xef\xbf\xbd\nz'
}

# The command line an example runs, with our binary and table in it.
here() { sed -e "s|/usr/sbin/oomguard check|$OG check -c $T/og.conf|" -e "s|/var/lib/prometheus/node-exporter|$T/tf|"; }

@test "monitoring/: nrpe.cfg, sudoers and the Icinga 2 CheckCommand run one command, which sudo allows; icinga2 validates it" {
	M=$TOP/monitoring
	cmd=$(sed -n 's/^command\[check_oomguard\]=//p' "$M/nrpe.cfg")
	[ "$cmd" = '/usr/bin/sudo -n /usr/sbin/oomguard check --format=nagios' ] || fail "nrpe.cfg: $cmd"
	# sudo allows exactly that command, with those arguments only.
	run -0 visudo -cf "$M/sudoers"
	assert_equal "$(sed -n 's/^nagios ALL=(root) NOPASSWD: //p' "$M/sudoers")" "${cmd#/usr/bin/sudo -n }"
	# Icinga 2 runs the same words.
	run -0 sh -c "tr -d '\\n' <'$M/icinga2.conf' | sed -n 's/.*command = \\[ \\([^]]*\\) \\].*/\\1/p' | sed 's/\", \"/ /g; s/\"//g'"
	assert_output "$cmd"
	# icinga2 itself reads it: a host with vars.oomguard gets the service.
	mkdir -p "$T/icinga/var"
	cat >"$T/icinga/main.conf" <<-EOF2
		const NodeName = "master"
		const ZoneName = "master"
		object Endpoint "master" { }
		object Zone "master" { endpoints = [ "master" ] }
		object Endpoint "db1" { }
		object Zone "db1" { endpoints = [ "db1" ]; parent = "master" }
		object CheckCommand "dummy" { command = [ "/bin/true" ] }
		object Host "db1" { check_command = "dummy"; vars.oomguard = true; zone = "master" }
		include "$M/icinga2.conf"
	EOF2
	v=$T/icinga/var
	run -0 icinga2 daemon -C -c "$T/icinga/main.conf" -DConfiguration.RunAsUser=root \
		-DConfiguration.RunAsGroup=root -DConfiguration.CacheDir="$v" -DConfiguration.DataDir="$v" \
		-DConfiguration.LogDir="$v" -DConfiguration.RunDir="$v" -DConfiguration.SpoolDir="$v"
	assert_output --partial 'Finished validating the configuration file(s).'
	run -0 grep -c "db1!oomguard" "$v/icinga2.debug"
	# The command itself, through sudo as root, is the plugin: CRITICAL here.
	real_scene
	run -2 --separate-stderr sh -c "$(printf '%s\n' "$cmd" | here)"
	nagios_grammar 2
	assert_line --index 0 --partial 'OOMGUARD CRITICAL - prot differs, db not running'
}

@test "monitoring/cron: a cron.d line whose command feeds node_exporter's textfile collector" {
	line=$(grep -v -e '^#' -e '^$' "$TOP/monitoring/cron")
	# cron.d: five time fields, the user, the command.
	[[ $line =~ ^(\*|[0-9/,*-]+)(\ (\*|[0-9/,*-]+)){4}\ root\ (/.*)$ ]] || fail "not a cron.d line: $line"
	cmd=${BASH_REMATCH[4]}
	[[ $cmd == *'--output /var/lib/prometheus/node-exporter/oomguard.prom' ]] || fail "$cmd"
	exporter_start
	real_scene
	run -1 sh -c "umask 022 && $(printf '%s\n' "$cmd" | here)"
	assert_output ''
	assert_equal "$(stat -c %a "$T/tf/oomguard.prom")" 644
	run -0 scrape
	assert_line 'node_textfile_scrape_error 0'
	assert_line 'oomguard_rule_ok{rule="prot"} 0'
}
