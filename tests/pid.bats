#!/usr/bin/env bats
# oomguard -n SCORE -p PID[,PID...] on real processes, and -p PID alone
# showing the score in choom's words.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
bats_require_minimum_version 1.5.0
load common

# A real zombie: sh forks "sleep 0", then execs a sleep that never reaps it.
# Sets $parent and $zombie, and waits until the child is really state Z.
make_zombie() {
	start sh -c 'sleep 0 & exec sleep 1000'
	parent=$pid
	wait_for has_descendants "$parent" 1
	zombie=$(descendants "$parent")
	wait_for is_zombie "$zombie"
}
is_zombie() { test_state "$1" Z; }

# A PID that surely names no process now: one of ours, reaped.
dead_pid() {
	sleep 0 &
	dead=$!
	wait "$dead"
}

@test "raise a running process's score" {
	spawn
	run -0 "$OG" -n 700 -p "$pid"
	assert_output ''
	assert_equal "$(adj_of "$pid")" 700
}

@test "lower it again, to 0 and to every bound of 0..1000" {
	spawn
	for v in 1000 1 999 0 500 0; do
		run -0 "$OG" -n "$v" -p "$pid"
		assert_equal "$(adj_of "$pid")" "$v"
	done
}

@test "--adjust and --pid are the long names" {
	spawn
	run -0 "$OG" --adjust 321 --pid "$pid"
	assert_equal "$(adj_of "$pid")" 321
}

@test "several PIDs, comma-separated, all set; others untouched" {
	spawn; a=$pid
	spawn; b=$pid
	spawn; c=$pid
	spawn; other=$pid
	echo 5 >"/proc/$other/oom_score_adj"
	run -0 "$OG" -n 640 -p "$a,$b,$c"
	assert_equal "$(adj_of "$a") $(adj_of "$b") $(adj_of "$c")" '640 640 640'
	assert_equal "$(adj_of "$other")" 5
}

@test "several -p options add up" {
	spawn; a=$pid
	spawn; b=$pid
	run -0 "$OG" -n 230 -p "$a" -p "$b"
	assert_equal "$(adj_of "$a") $(adj_of "$b")" '230 230'
}

@test "a negative value without CAP_SYS_RESOURCE: exit 1, named cause, score kept" {
	spawn
	echo 300 >"/proc/$pid/oom_score_adj"
	run -1 "$OG" -n -100 -p "$pid"
	assert_output "oomguard: write pid $pid oom_score_adj -100: Permission denied: lowering a score below the process's floor needs CAP_SYS_RESOURCE, which root lacks in unprivileged containers (LXC, OpenVZ, Docker); raising always works"
	assert_equal "$(adj_of "$pid")" 300
}

@test "-1000 on a PID warns, then is refused here" {
	spawn
	echo 12 >"/proc/$pid/oom_score_adj"
	run -1 "$OG" -n -1000 -p "$pid"
	assert_line --index 0 --partial 'warning: -1000 makes the process unkillable'
	assert_line --index 1 --partial "write pid $pid oom_score_adj -1000: Permission denied"
	assert_equal "$(adj_of "$pid")" 12
}

@test "a PID with no process: exit 3" {
	dead_pid
	run -3 "$OG" -n 100 -p "$dead"
	assert_output "oomguard: set pid $dead OOM score: no such process"
}

@test "a zombie is not a success: exit 3, and it is said" {
	make_zombie
	run -3 "$OG" -n 100 -p "$zombie"
	assert_output "oomguard: set pid $zombie OOM score: the process has exited (zombie)"
	# The write was not even tried: a zombie's file would have taken it.
	refute [ "$(adj_of "$zombie")" = 100 ]
}

# A process whose main thread called pthread_exit while another thread runs:
# /proc/PID/stat shows Z, num_threads 2, and a score written takes effect.
# Under a sleep that forked it (for -T); sets $parent and $zl.
make_zombie_leader() {
	# shellcheck disable=SC2016 # expanded by the child sh
	start sh -c '"$1" exit-main >/dev/null & exec sleep 1000' sh "$TOP/bin/threads"
	parent=$pid
	wait_for has_descendants "$parent" 1
	zl=$(descendants "$parent")
	PIDS="$PIDS $zl"
	wait_for is_zombie "$zl"
	[ "$(cut -d' ' -f20 "/proc/$zl/stat")" = 2 ]
}

@test "a main thread that exited while another runs (Z, 2 threads) is alive: -p, -T and apply set it" {
	[ -x "$TOP/bin/threads" ] || fail "bin/threads is not built (make test-bins)"
	make_zombie_leader
	run -0 "$OG" -n 110 -p "$zl"
	assert_output ''
	assert_equal "$(adj_of "$zl")" 110
	run -0 "$OG" -n 120 -T -p "$parent"
	assert_equal "$(adj_of "$parent")" 120
	assert_equal "$(adj_of "$zl")" 120
	conf "svc 130"
	run -0 "$OG" apply -c "$T/og.conf" svc "$zl"
	assert_equal "$(adj_of "$zl")" 130
}

@test "a good PID and a dead one: exit 3, the good one still set" {
	spawn
	dead_pid
	run -3 "$OG" -n 550 -p "$dead,$pid"
	assert_output --partial "pid $dead"
	assert_equal "$(adj_of "$pid")" 550
}

@test "a refusal outranks a vanished PID: exit 1" {
	spawn
	dead_pid
	run -1 "$OG" -n -5 -p "$dead,$pid"
	assert_line --partial "set pid $dead OOM score: no such process"
	assert_line --partial "write pid $pid oom_score_adj -5: Permission denied"
}

@test "-p alone shows choom's two lines" {
	spawn
	echo 420 >"/proc/$pid/oom_score_adj"
	run -0 "$OG" -p "$pid"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp "^pid $pid's current OOM score: [0-9]+\$"
	assert_equal "${lines[1]}" "pid $pid's current OOM score adjust value: 420"
	score=${lines[0]##*: }
	assert_equal "$score" "$(cat "/proc/$pid/oom_score")"
}

@test "-p alone prints exactly what choom -p prints" {
	command -v choom >/dev/null || fail 'choom (util-linux) is needed'
	spawn
	echo 777 >"/proc/$pid/oom_score_adj"
	want=$(choom -p "$pid")
	run -0 "$OG" -p "$pid"
	assert_output "$want"
}

@test "-p alone with several PIDs: two lines each, in order" {
	spawn; a=$pid
	spawn; b=$pid
	echo 11 >"/proc/$a/oom_score_adj"
	echo 22 >"/proc/$b/oom_score_adj"
	run -0 "$OG" -p "$b,$a"
	assert_equal "${#lines[@]}" 4
	assert_equal "${lines[1]}" "pid $b's current OOM score adjust value: 22"
	assert_equal "${lines[3]}" "pid $a's current OOM score adjust value: 11"
}

@test "-p alone on a dead PID: exit 3" {
	dead_pid
	run -3 "$OG" -p "$dead"
	assert_output "oomguard: read pid $dead OOM score: no such process"
}

@test "-p alone shows other users' processes to anyone" {
	spawn
	echo 60 >"/proc/$pid/oom_score_adj"
	run -0 as_nobody "$OG" -p "$pid"
	assert_line --index 1 "pid $pid's current OOM score adjust value: 60"
}

@test "another user's process: exit 1, says who may change it, score kept" {
	spawn
	echo 13 >"/proc/$pid/oom_score_adj"
	run -1 as_nobody "$OG" -n 500 -p "$pid"
	assert_output "oomguard: open pid $pid oom_score_adj: Permission denied: only root or the process's owner may change its score"
	assert_equal "$(adj_of "$pid")" 13
}

@test "a user may raise and lower their own process" {
	start setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	wait_for owned_by "/proc/$pid" 65534
	run -0 as_nobody "$OG" -n 800 -p "$pid"
	assert_equal "$(adj_of "$pid")" 800
	run -0 as_nobody "$OG" -n 100 -p "$pid"
	assert_equal "$(adj_of "$pid")" 100
}

@test "a non-dumpable process of the user's own: exit 1, explained, score kept" {
	# A setgid binary makes the process non-dumpable, so its /proc files
	# belong to root although it runs as nobody.
	cp "$(command -v sleep)" "$T/sgsleep"
	chgrp 0 "$T/sgsleep"
	chmod 2755 "$T/sgsleep"
	start setpriv --reuid=65534 --regid=65534 --clear-groups "$T/sgsleep" 1000
	wait_for grep -q '^Uid:[[:space:]]*65534' "/proc/$pid/status"
	owned_by "/proc/$pid/oom_score_adj" 0
	run -1 as_nobody "$OG" -n 500 -p "$pid"
	assert_output "oomguard: open pid $pid oom_score_adj: Permission denied: the process is non-dumpable (it changed user without exec), so only root may change its score"
	refute [ "$(adj_of "$pid")" = 500 ]
	# Root still can.
	run -0 "$OG" -n 500 -p "$pid"
	assert_equal "$(adj_of "$pid")" 500
}

@test "oomguard itself non-dumpable (chain-load as a user): exit 1 with --strict, explained" {
	# A setgid copy runs non-dumpable: its /proc/self files are root's, so
	# even raising its own score fails.
	cp "$OG" "$T/oomguard"
	chgrp 0 "$T/oomguard"
	chmod 2755 "$T/oomguard"
	chmod 755 "$T"
	run -1 as_nobody "$T/oomguard" -n 500 --strict -- touch "$T/ran"
	assert_output "oomguard: open own oom_score_adj: Permission denied: this process is non-dumpable (it changed user without exec); set the score as root before dropping privileges, e.g. oomguard -n SCORE -- chpst -u USER PROG"
	[ ! -e "$T/ran" ]
}

@test "oomguard itself non-dumpable, without --strict: warns, PROG runs unchanged" {
	cp "$OG" "$T/oomguard"
	chgrp 0 "$T/oomguard"
	chmod 2755 "$T/oomguard"
	chmod 755 "$T"
	run -0 as_nobody "$T/oomguard" -n 500 -- cat /proc/self/oom_score_adj
	assert_line --index 0 --partial 'this process is non-dumpable'
	assert_line --index 1 "$(adj_of $$)"
}

@test "set the score as root, then drop privileges: the user's process has it" {
	run -0 "$OG" -n 650 -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'id -u; cat /proc/self/oom_score_adj'
	assert_output "$(printf '65534\n650')"
}
