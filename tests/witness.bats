#!/usr/bin/env bats
# The OOM witness (oomguard(8), OOM KILLS): real OOM kills in a small memory
# cgroup, read back from the real /dev/kmsg by oomguard check, with and
# without a watch; each kill given to a rule by identity only.  Each test
# first acknowledges the kills already in the host's log (earlier suites
# made many), as an administrator would, in its own state directory.
# shellcheck disable=SC2154 # T, OG, TOP, CG_IN: set by common.bash and oomcg.bash
# shellcheck disable=SC2030,SC2031 # each test adds to its own PIDS
bats_require_minimum_version 1.5.0
load common
load oomcg

tab=$(printf '\t')

local_setup() {
	cg_usable || fail "$CG_WHY"
	cg_create "$T" 32 || fail "$CG_WHY"
	unset OOMGUARD_KMSG
	mkdir -p "$T/bin"
	install -m 644 /dev/null "$T/og.conf"
	"$OG" check -c "$T/og.conf" --ack >/dev/null 2>&1 || true
	[ -e "$OOMGUARD_STATE_DIR/.oom-ack" ] || fail "check --ack wrote no acknowledgement"
}

local_teardown() {
	cg_destroy
}

check() { "$OG" check -c "$T/og.conf" "$@"; }

# watch_on LINE: the table LINE, and a watch of it, detached ($T/watch.pid).
watch_on() {
	printf '%s\n' "$1" >"$T/og.conf"
	"$OG" watch -c "$T/og.conf" -b -P "$T/watch.pid"
}

# victim NAME: a process in the cgroup (at its baseline score) that writes
# $T/NAME.pid, waits for $T/NAME.go, then runs $T/bin/NAME (a copy of hog,
# so that its name is NAME), which grows past the cgroup's limit.  $vpid.
victim() {
	cp "$TOP/bin/hog" "$T/bin/$1"
	# shellcheck disable=SC2016 # expanded by the child sh
	"$CG_IN" sh -c 'echo $$ >"$1.pid"; while [ ! -e "$1.go" ]; do sleep 0.02; done
		exec "$2" -s 4 -d 50 256' sh "$T/$1" "$T/bin/$1" </dev/null >/dev/null 2>&1 3>&- &
	vpid=$!
	PIDS="$PIDS $vpid"
	wait_for test -s "$T/$1.pid"
}

logged_kill() { dmesg | grep -q "Killed process $1 "; }
gone() { ! cg_alive "$1"; }

# Let victim NAME grow until the kernel kills it.
oom_kill() {
	touch "$T/$1.go"
	wait_for logged_kill "$vpid" || fail "no OOM kill of pid $vpid in the kernel log"
	wait_for gone "$vpid"
}

# A pidfile waiter as the /etc/default hook starts it, for service NAME.
waiter() {
	OOMGUARD_NAME=$1 OOMGUARD_FROM=/etc/default/$1 "$OG" -n "$2" -f "$3" -b
	wait_for grep -q "^done${tab}" "$OOMGUARD_STATE_DIR/$1"
}

@test "no watch: a protected service's daemon (a hook's record) OOM-killed is CRITICAL in every format; a restart keeps it; --ack clears it" {
	victim dbhog
	waiter db 0 "$T/dbhog.pid"
	oom_kill dbhog
	run -2 check
	assert_line --regexp "^db +$vpid +dbhog +0 +- +killed: OOM-killed at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC, oom_score_adj 0 at the kill, uid 0, by a memory cgroup's limit; once seen: oomguard check --ack\$"
	# The daemon restarted: its record names the new one, the kill stays.
	sleep 1000 &
	PIDS="$PIDS $!"
	echo $! >"$T/db2.pid"
	waiter db 0 "$T/db2.pid"
	run -2 check --format=nagios
	assert_line --index 0 --regexp '^OOMGUARD CRITICAL - db killed; 1 rules: 0 ok, 0 idle, 1 bad \|'
	assert_line --regexp "^CRITICAL: db: pid $vpid \\(dbhog\\), wanted 0: killed: OOM-killed at "
	assert_line --regexp "^OK: db: pid $! \\(sleep\\), wanted 0, in force 0: ok: "
	run -2 check --format=prom
	assert_line 'oomguard_oom_kills_total{rule="db"} 1'
	assert_line 'oomguard_rule_ok{rule="db"} 0'
	printf '%s\n' "$output" >"$T/kills.prom"
	run -0 promtool check metrics <"$T/kills.prom"
	assert_output ''
	run -2 check --format=json
	assert_output --regexp "\\{\"rule\":\"db\",\"pid\":$vpid,\"command\":\"dbhog\",\"want\":0,\"now\":null,\"status\":\"killed\",\"detail\":\"OOM-killed at [^\"]*\",\"killed_at\":[0-9]+,\"killed_score_adj\":0\\}"
	run -0 check --ack
	assert_line --regexp "^db +$vpid +dbhog +0 +- +acknowledged: OOM-killed at "
	run -0 check --format=nagios
	assert_line --index 0 --regexp '^OOMGUARD OK - 1 rules: 1 ok, 0 idle, 0 bad \|'
	run -0 check --format=prom
	assert_line 'oomguard_oom_kills_total{rule="db"} 1'
	assert_line 'oomguard_rule_ok{rule="db"} 1'
}

@test "watch: a process a hog rule raised, OOM-killed, is the intended outcome (exit 0); without the watch's record only its name is known: unattributed" {
	# 500: the baseline it starts at, so the watch finds it at its score
	# already (and governs it all the same).
	watch_on 'hogs 500 comm=bighog'
	victim bighog
	oom_kill bighog
	wait_for grep -q "	$vpid	" "$OOMGUARD_STATE_DIR/.oom-kills"
	run -0 check
	assert_line --regexp "^hogs +$vpid +bighog +500 +- +intended: OOM-killed at .*, oom_score_adj 500 at the kill, uid 0, by a memory cgroup's limit: the rule raised it to die first\$"
	run -0 check --format=nagios
	assert_line --index 0 --regexp '^OOMGUARD OK - 1 rules: 0 ok, 1 idle, 0 bad \|'
	run -0 check --format=prom
	assert_line 'oomguard_oom_kills_total{rule="hogs"} 1'
	kill "$(cat "$T/watch.pid")"
	# A name that a rule matches is no identity: anybody can take it.
	rm "$OOMGUARD_STATE_DIR/.oom-kills"
	run -0 check
	assert_line --regexp "^- +$vpid +bighog +- +- +unattributed: OOM-killed at .*: no process a rule set had this PID then\$"
	run -0 check --format=prom
	assert_line 'oomguard_oom_kills_total{rule="hogs"} 0'
	# The host's own count: the kills of earlier suites, as the ring holds them.
	assert_line --regexp '^oomguard_oom_kills_unattributed_total [1-9][0-9]*$'
}

@test "watch: a process a protection rule set (score 0), OOM-killed: CRITICAL (text, nagios, prom, json), then acknowledged: OK" {
	watch_on 'db 0 comm=dbhog'
	victim dbhog
	oom_kill dbhog
	wait_for grep -q "	$vpid	" "$OOMGUARD_STATE_DIR/.oom-kills"
	run -2 check
	assert_line --regexp "^db +$vpid +dbhog +0 +- +killed: OOM-killed at .*, oom_score_adj 0 at the kill, "
	run -2 check --format=nagios
	assert_line --index 0 --partial 'OOMGUARD CRITICAL - db killed'
	run -2 check --format=prom
	assert_line 'oomguard_rule_ok{rule="db"} 0'
	assert_line 'oomguard_oom_kills_total{rule="db"} 1'
	run -2 check --format=json
	assert_output --partial "\"pid\":$vpid,\"command\":\"dbhog\",\"want\":0,\"now\":null,\"status\":\"killed\""
	run -0 check --ack
	run -0 check --format=nagios
	assert_line --index 0 --regexp '^OOMGUARD OK - 1 rules: 0 ok, 1 idle, 0 bad \|'
	assert_line --regexp "^OK: db: pid $vpid \\(dbhog\\), wanted 0: acknowledged: "
	run -0 check --format=json
	assert_output --partial "\"pid\":$vpid,\"command\":\"dbhog\",\"want\":0,\"now\":null,\"status\":\"acknowledged\""
}

@test "a name made to look like the kernel's fields forges none: the PID, the uid and the score are the kernel's" {
	printf 'db 0 comm=dbhog\n' >"$T/og.conf"
	victim 'x) UID:7 pgt'
	oom_kill 'x) UID:7 pgt'
	run -0 check --format=tsv
	assert_line --regexp "^-${tab}$vpid${tab}x\\) UID:7 pgt${tab}-${tab}-${tab}unattributed${tab}OOM-killed at [^${tab}]*, oom_score_adj 500 at the kill, uid 0, "
}

@test "old kernels (syslog(2)'s lines, OOMGUARD_KMSG): 2.6.32's and RHEL 6's forms are attributed by identity; a kill before the process started is not" {
	# A log of our own: the acknowledgement of the host's would cover its times.
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	p=$!
	echo "$p" >"$T/old.pid"
	waiter old 0 "$T/old.pid"
	kill -9 "$p"
	wait_for gone "$p"
	up=$(awk '{ printf "%.6f", $1 }' /proc/uptime)
	{
		printf '<3>[%12s] Killed process %d (sleep)\n' "$up" "$p"
		printf '<3>Killed process %d, UID 0, (sleep) total-vm:1000kB, anon-rss:100kB, file-rss:4kB\n' "$p"
		printf '<3>[%12s] Killed process %d (sleep)\n' "0.500000" "$p"
		printf '<14>[%12s] Killed process %d (sleep)\n' "$up" "$p"
		# 5.4 on: the score at the kill must be the one the record set.
		printf '<3>[%12.6f] Out of memory: Killed process %d (sleep) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:%d\n' \
			"$(awk -v u="$up" 'BEGIN { print u + 0.1 }')" "$p" 500
		printf '<3>[%12.6f] Out of memory: Killed process %d (sleep) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:%d\n' \
			"$(awk -v u="$up" 'BEGIN { print u + 0.2 }')" "$p" 0
	} >"$T/log"
	OOMGUARD_KMSG=$T/log run -2 check --format=tsv
	assert_line --regexp "^old${tab}$p${tab}sleep${tab}0${tab}-${tab}killed${tab}OOM-killed at [0-9-]+ [0-9:]+ UTC; once seen"
	assert_line --regexp "^old${tab}$p${tab}sleep${tab}0${tab}-${tab}killed${tab}OOM-killed at a time the log does not give \\(no printk.time\\), uid 0; once seen"
	# At 0.5 s after boot the process had not started: not its kill (nor
	# the one at another score, below).
	assert_equal "$(printf '%s\n' "$output" | grep -c "^-${tab}$p${tab}sleep${tab}-${tab}-${tab}unattributed${tab}")" 2
	assert_line --regexp "^old${tab}$p${tab}sleep${tab}0${tab}-${tab}killed${tab}OOM-killed at [^${tab}]*, oom_score_adj 0 at the kill, uid 0; "
	assert_line --regexp "^-${tab}$p${tab}sleep${tab}-${tab}-${tab}unattributed${tab}OOM-killed at [^${tab}]*, oom_score_adj 500 at the kill, "
	# A writer's record (facility 1): not the kernel's.
	assert_equal "$(printf '%s\n' "$output" | grep -c "${tab}$p${tab}")" 5
}

# Fill the kernel's ring buffer (128 KiB here) three times over with lines
# of facility user, one open each: /dev/kmsg rate-limits each open file
# (printk.devkmsg), not the writer.
flood() {
	local i size
	size=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).klogctl(10, None, 0))')
	for i in $(seq $((size * 3 / 900))); do
		printf '<12>oomguard witness test: filling the log %d %0880d\n' "$i" 0 >/dev/kmsg
	done
}

@test "the log wraps: the watch's record keeps the kill it saw; the one it did not is counted unseen (WARNING) until --ack" {
	watch_on 'hogs 800 comm=bighog'
	victim bighog
	oom_kill bighog
	seen=$vpid
	wait_for grep -q "	$seen	" "$OOMGUARD_STATE_DIR/.oom-kills"
	kill "$(cat "$T/watch.pid")"
	victim lost
	oom_kill lost
	flood
	! dmesg | grep -q "Killed process \\($seen\\|$vpid\\) " || fail "the log did not wrap"
	run -1 check
	assert_line --regexp "^hogs +$seen +bighog +800 +- +intended: OOM-killed at "
	refute_line --partial "$vpid"
	# At least the one lost (the host's other kills meanwhile, if any, too).
	assert_line --regexp '^- +- +- +- +- +unseen: [1-9][0-9]* OOM kills not seen \(log wrapped\): '
	run -1 check --format=nagios
	assert_line --index 0 --partial 'OOMGUARD WARNING - (no rule) unseen; 1 rules:'
	run -1 check --format=prom
	assert_line --regexp '^oomguard_oom_kills_unseen [1-9][0-9]*$'
	run -0 check --ack
	refute_line --partial unseen
	run -0 check --format=prom
	assert_line 'oomguard_oom_kills_unseen 0'
	assert_line 'oomguard_oom_kills_total{rule="hogs"} 1'
}

@test "an overrun under the watch (its /dev/kmsg read fails with EPIPE): it reads on and records the next kill" {
	watch_on 'hogs 800 comm=bighog'
	w=$(cat "$T/watch.pid")
	kill -STOP "$w"
	flood
	kill -CONT "$w"
	victim bighog
	oom_kill bighog
	wait_for grep -q "	$vpid	.*	hogs	800$" "$OOMGUARD_STATE_DIR/.oom-kills" ||
		fail "not recorded: $(cat "$OOMGUARD_STATE_DIR/.oom-kills" 2>&1)"
	kill -0 "$w"
}

@test "the watch's record keeps the last 256 kills of this boot, a rule's before those of no rule; another boot's are dropped, not read" {
	printf 'hogs 800 comm=bighog\n' >"$T/og.conf"
	install -d -m 700 "$OOMGUARD_STATE_DIR"
	boot=$(cat /proc/sys/kernel/random/boot_id)
	{
		printf 'boot\t%s\n' "$boot"
		# The oldest a protected service's: it outlives those of no rule.
		printf '1\t4000001\t0\t0\t0\tdbhog\tdb\t0\n'
		for i in $(seq 2 256); do printf '%d\t%d\t0\t0\t0\told\t-\t0\n' "$i" $((4000000 + i)); done
	} >"$OOMGUARD_STATE_DIR/.oom-kills"
	"$OG" watch -c "$T/og.conf" -b -P "$T/watch.pid"
	victim bighog
	oom_kill bighog
	wait_for grep -q "	$vpid	.*	hogs	800$" "$OOMGUARD_STATE_DIR/.oom-kills"
	assert_equal "$(head -n 1 "$OOMGUARD_STATE_DIR/.oom-kills")" "boot	$boot"
	assert_equal "$(grep -c . "$OOMGUARD_STATE_DIR/.oom-kills")" 257
	assert_equal "$(sed -n 2p "$OOMGUARD_STATE_DIR/.oom-kills" | cut -f2,7)" "4000001	db"
	assert_equal "$(sed -n 3p "$OOMGUARD_STATE_DIR/.oom-kills" | cut -f2)" 4000003
	kill "$(cat "$T/watch.pid")"
	# Another boot's record: its kills are not this boot's.
	sed -i "1s/.*/boot	00000000-0000-0000-0000-000000000000/" "$OOMGUARD_STATE_DIR/.oom-kills"
	run -0 check --format=tsv
	refute_line --partial "${tab}4000100${tab}"
	assert_line --regexp "^-${tab}$vpid${tab}bighog${tab}-${tab}-${tab}unattributed${tab}"
}

# The uptime is past SECS (a number with a fraction).
uptime_past() { awk -v t="$1" '{ exit !($1 > t) }' /proc/uptime; }
# The start time in seconds of the process a record names.
rec_start() { awk -F '\t' '{ printf "%.2f", $7 / 100 }' "$OOMGUARD_STATE_DIR/$1"; }
log_at() { printf '<3>[%12.6f] Killed process %d (sleep)\n' "$1" "$2"; }

@test "a restart keeps the last instance's kills, within its life only; a live process was not killed; another boot's acknowledgement is not this one's" {
	# A log of our own: the acknowledgement of the host's would cover its times.
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	a=$!
	echo "$a" >"$T/svc.pid"
	waiter svc 0 "$T/svc.pid"
	sa=$(rec_start svc)
	kill -9 "$a"
	wait_for gone "$a"
	wait_for uptime_past "$(awk -v s="$sa" 'BEGIN { print s + 0.2 }')"
	sleep 1000 &
	PIDS="$PIDS $!"
	b=$!
	echo "$b" >"$T/svc.pid"
	waiter svc 0 "$T/svc.pid"
	sb=$(rec_start svc)
	grep -q "	$a:" "$OOMGUARD_STATE_DIR/svc" || fail "no history: $(cat "$OOMGUARD_STATE_DIR/svc")"
	# After the successor's start by more than the clocks' slack (a second
	# and 500 ppm of the uptime): a time to come, for the log is a file.
	later=$(awk -v b="$sb" 'BEGIN { print b + 2 * (1 + b / 2000) }')
	{
		log_at "$(awk -v a="$sa" -v b="$sb" 'BEGIN { print (a + b) / 2 }')" "$a"
		log_at "$later" "$a"
		log_at "$later" "$b"
	} >"$T/log"
	OOMGUARD_KMSG=$T/log run -2 check --format=tsv
	# Between its start and the next one's: the first instance's kill.
	assert_line --regexp "^svc${tab}$a${tab}sleep${tab}0${tab}-${tab}killed${tab}"
	# After the next one started, its PID may have been anybody's.
	assert_line --regexp "^-${tab}$a${tab}sleep${tab}-${tab}-${tab}unattributed${tab}"
	# The process running now was not killed.
	assert_line --regexp "^-${tab}$b${tab}sleep${tab}-${tab}-${tab}unattributed${tab}"
	assert_line --regexp "^svc${tab}$b${tab}sleep${tab}0${tab}0${tab}ok${tab}"
	printf '00000000-0000-0000-0000-000000000000\t99999999999999\t0\t0\n' >"$OOMGUARD_STATE_DIR/.oom-ack"
	OOMGUARD_KMSG=$T/log run -2 check --format=tsv
	assert_line --regexp "^svc${tab}$a${tab}sleep${tab}0${tab}-${tab}killed${tab}"
	OOMGUARD_KMSG=$T/log run -0 check --ack
	OOMGUARD_KMSG=$T/log run -0 check --format=tsv
	assert_line --regexp "^svc${tab}$a${tab}sleep${tab}0${tab}-${tab}acknowledged${tab}"
}

# run_at_pid PID CMD...: CMD in the background as the host's next process,
# at PID (/proc/sys/kernel/ns_last_pid); $reused is its PID, or empty after
# 50 tries (the host's own forks may take the PID first).
run_at_pid() {
	local _ want=$1
	shift
	reused=
	for _ in $(seq 50); do
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid
		"$@" </dev/null >/dev/null 2>&1 3>&- &
		PIDS="$PIDS $!"
		if [ "$!" = "$want" ]; then
			reused=$!
			return 0
		fi
		kill "$!"
		wait_for gone "$want" || return 1
	done
}

comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# The host's next PID is $1: start $2 there, a copy of sleep, and wait for
# its exec (the event a watch reads).
start_at_pid() {
	cp /bin/sleep "$T/bin/$2"
	run_at_pid "$1" "$T/bin/$2" 1000 && wait_for comm_is "$1" "$2"
}

# nobody_victim NAME [PID]: a process of nobody's in the cgroup, at the
# score it inherits (not the baseline: a user may keep 0), that writes
# $T/NAME.pid, waits for $T/NAME.go, then runs $T/bin/NAME (a copy of hog)
# and outgrows the cgroup; at PID when given.  $vpid.
nobody_victim() {
	local name=$1 at=${2:-}
	chmod 711 "$T"
	chmod 755 "$T/bin"
	cp "$TOP/bin/hog" "$T/bin/$name"
	# shellcheck disable=SC2016 # expanded by the child sh
	set -- sh -c 'echo $$ >"$1" && echo $$ >"$2.pid" || exit 1
		while [ ! -e "$2.go" ]; do sleep 0.02; done
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$3" -s 4 -d 50 256' \
		sh "$CG_PROCS" "$T/$name" "$T/bin/$name"
	if [ -n "$at" ]; then
		run_at_pid "$at" "$@" || return 1
		vpid=$reused
	else
		"$@" </dev/null >/dev/null 2>&1 3>&- &
		vpid=$!
		PIDS="$PIDS $vpid"
	fi
	[ -n "$vpid" ] && wait_for test -s "$T/$name.pid"
}

@test "watch: a PID handed on after the kill, to a process of a protection rule: its score at the kill was not the rule's, so the kill is not the rule's" {
	watch_on 'db 0 comm=dbnew'
	w=$(cat "$T/watch.pid")
	victim plainhog
	kill -STOP "$w"
	oom_kill plainhog
	start_at_pid "$vpid" dbnew
	kill -CONT "$w"
	[ -n "$reused" ] || fail "pid $vpid was not free for 50 tries"
	wait_for grep -q "	$vpid	.*	plainhog	" "$OOMGUARD_STATE_DIR/.oom-kills"
	wait_for adj_is "$reused" 0
	run -0 check --format=tsv
	assert_line --regexp "^db${tab}$reused${tab}dbnew${tab}0${tab}0${tab}ok${tab}"
	assert_line --regexp "^-${tab}$vpid${tab}plainhog${tab}-${tab}-${tab}unattributed${tab}"
	refute_line --regexp "${tab}killed${tab}"
}

@test "clock drift: a kill logged less than a second and 500 ppm of the uptime before the start time is still the process's (NTP steers one clock, not the other)" {
	# A log of our own: the acknowledgement of the host's would cover its times.
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	p=$!
	echo "$p" >"$T/d.pid"
	waiter drifted 0 "$T/d.pid"
	start=$(rec_start drifted)
	kill -9 "$p"
	wait_for gone "$p"
	log_at "$(awk -v s="$start" 'BEGIN { print s - 1 - s / 4000 }')" "$p" >"$T/log"
	OOMGUARD_KMSG=$T/log run -2 check --format=tsv
	assert_line --regexp "^drifted${tab}$p${tab}sleep${tab}0${tab}-${tab}killed${tab}"
}

# The printk time of the kill of PID, in seconds.
kill_time() { dmesg | sed -n "s/^\[ *\([0-9.]*\)\] .*Killed process $1 .*/\1/p" | tail -n 1; }

@test "watch: a PID handed on after the kill by more than the clocks' slack, to a process of the rule at the victim's score, does not make the kill the rule's" {
	watch_on 'db 500 comm=dbnew'
	w=$(cat "$T/watch.pid")
	victim plainhog
	kill -STOP "$w"
	oom_kill plainhog
	after=$(awk -v t="$(kill_time "$vpid")" 'BEGIN { print t + 1.5 + t / 2000 }')
	for _ in 1 2 3 4 5 6; do wait_for uptime_past "$after" && break; done
	start_at_pid "$vpid" dbnew
	kill -CONT "$w"
	[ -n "$reused" ] || fail "pid $vpid was not free for 50 tries"
	wait_for grep -q "	$vpid	.*	plainhog	" "$OOMGUARD_STATE_DIR/.oom-kills"
	wait_for adj_is "$reused" 500
	run -0 check --format=tsv
	assert_line --regexp "^db${tab}$reused${tab}dbnew${tab}500${tab}500${tab}ok${tab}"
	assert_line --regexp "^-${tab}$vpid${tab}plainhog${tab}-${tab}-${tab}unattributed${tab}"
}

@test "a 2.6.32 ring buffer of 512 KiB (syslog(2)'s copy, OOMGUARD_KMSG): the kills at its start and at its end are both read" {
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	p=$!
	echo "$p" >"$T/big.pid"
	waiter big 0 "$T/big.pid"
	kill -9 "$p"
	wait_for gone "$p"
	up=$(awk '{ print $1 }' /proc/uptime)
	{
		log_at "$up" "$p"
		awk 'BEGIN { for (i = 0; i < 5300; i++) printf "<6>[%12.6f] eth0: a line of the log, %060d\n", i / 100, i }'
		printf '<3>[%12.6f] Killed process %d (sleep)\n' "$(awk -v u="$up" 'BEGIN { print u + 1 }')" "$p"
	} >"$T/log"
	[ "$(stat -c %s "$T/log")" -ge 524288 ] || fail "the log is only $(stat -c %s "$T/log") bytes"
	OOMGUARD_KMSG=$T/log run -2 check --format=tsv
	assert_equal "$(printf '%s\n' "$output" | grep -c "^big${tab}$p${tab}sleep${tab}0${tab}-${tab}killed${tab}")" 2
}

@test "another user's process named as a protection rule (score 0) names it, OOM-killed: the watch does not take it for the rule's" {
	watch_on 'db 0 comm=dbhog'
	nobody_victim dbhog
	oom_kill dbhog
	wait_for grep -q "	$vpid	65534	.*	dbhog	-	" "$OOMGUARD_STATE_DIR/.oom-kills" ||
		fail "$(cat "$OOMGUARD_STATE_DIR/.oom-kills")"
	run -0 check --format=tsv
	assert_line --regexp "^-${tab}$vpid${tab}dbhog${tab}-${tab}-${tab}unattributed${tab}.*, uid 65534, "
}

@test "another user's process at the PID of a protected daemon that exited (a record, or the watch's table), OOM-killed: not the service's, by its uid" {
	watch_on 'web 0 comm=websrv'
	cp /bin/sleep "$T/bin/websrv"
	"$T/bin/websrv" 1000 &
	PIDS="$PIDS $!"
	p=$!
	echo "$p" >"$T/web.pid"
	waiter web 0 "$T/web.pid"
	wait_for grep -q "set pid $p " "$OOMGUARD_STATE_DIR/web"
	kill -9 "$p"
	wait_for gone "$p"
	nobody_victim evil "$p" || fail "pid $p was not free for 50 tries"
	oom_kill evil
	wait_for grep -q "	$p	65534	.*	evil	-	" "$OOMGUARD_STATE_DIR/.oom-kills" ||
		fail "the watch gave it to a rule: $(cat "$OOMGUARD_STATE_DIR/.oom-kills")"
	run -0 check --format=tsv
	assert_line --regexp "^-${tab}$p${tab}evil${tab}-${tab}-${tab}unattributed${tab}.*, oom_score_adj 0 at the kill, uid 65534, "
	refute_line --regexp "${tab}killed${tab}"
}

@test "a record's process dead before the kill, as a later process at its PID shows, is not the one killed" {
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	a=$!
	echo "$a" >"$T/gone.pid"
	waiter gone 0 "$T/gone.pid"
	kill -9 "$a"
	wait_for gone "$a"
	start_at_pid "$a" other || fail "pid $a was not free for 50 tries"
	[ -n "$reused" ] || fail "pid $a was not free for 50 tries"
	s=$(awk '{ printf "%.2f", $22 / 100 }' "/proc/$a/stat")
	log_at "$(awk -v s="$s" 'BEGIN { print s + 2 * (1 + s / 2000) }')" "$a" >"$T/log"
	OOMGUARD_KMSG=$T/log run -1 check --format=tsv
	assert_line --regexp "^-${tab}$a${tab}sleep${tab}-${tab}-${tab}unattributed${tab}"
}

@test "prom and nagios: a service of the state directory with a kill is one group, each series once" {
	rm "$OOMGUARD_STATE_DIR/.oom-ack"
	sleep 1000 &
	PIDS="$PIDS $!"
	a=$!
	echo "$a" >"$T/svc.pid"
	waiter svc 0 "$T/svc.pid"
	sleep 1000 &
	PIDS="$PIDS $!"
	echo "$!" >"$T/tt.pid"
	waiter tt 0 "$T/tt.pid"
	kill -9 "$a"
	wait_for gone "$a"
	log_at "$(awk '{ print $1 }' /proc/uptime)" "$a" >"$T/log"
	OOMGUARD_KMSG=$T/log run -2 check --format=prom
	assert_line 'oomguard_oom_kills_total{rule="svc"} 1'
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#' | sed 's/ [^ ]*$//' | sort | uniq -d)" ''
	OOMGUARD_KMSG=$T/log run -2 check --format=nagios
	assert_line --index 0 --regexp '^OOMGUARD CRITICAL - svc killed(, \(no rule\) unseen)?; 2 rules: 1 ok, 0 idle, 1 bad \|'
}
