#!/usr/bin/env bats
# oomguard check: each status, with real processes wherever this kernel can
# show it; the fake procfs root only for what needs a negative score (risk,
# spawner), which root without CAP_SYS_RESOURCE cannot set here.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
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

@test "differs: a value set by hand after the daemon started" {
	bg 700 "$T/hogx"
	h=$pid
	echo 250 >"/proc/$h/oom_score_adj"
	conf "hog 700 exe=$T/hogx"
	run -1 "$OG" check -c "$T/og.conf" --format=tsv
	assert_output "hog${tab}$h${tab}hogx${tab}700${tab}250${tab}differs${tab}the value in force is 250, not 700 (set after it started? an EACCES dropped by the init system?)"
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
	assert_output "oomguard: parse $T/og.conf:1: 'exe=hogx': not an absolute path"
	for v in 1001 -1001 +1001 0x10; do
		conf "hog $v"
		run -2 "$OG" check -c "$T/og.conf"
		assert_output "oomguard: parse $T/og.conf:1: '$v': not a score from -1000 to 1000"
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
