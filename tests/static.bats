#!/usr/bin/env bats
# bin/oomguard-static (make static): musl, static, small, and it works.
# shellcheck disable=SC2154 # $pid is set by common.bash
bats_require_minimum_version 1.5.0
load common

local_setup() {
	S=$TOP/bin/oomguard-static
	[ -x "$S" ] || fail "$S is missing: run make static"
}

@test "it is statically linked: no program interpreter, no dynamic section" {
	run -0 readelf -l "$S"
	refute_output --partial INTERP
	refute_output --partial DYNAMIC
	run ldd "$S"
	assert_output --regexp 'not a dynamic executable|statically linked'
}

# 99 KB before check's monitor formats (nagios, prom, json: about 7 KB);
# 118 KB with issue 15's bad table lines as rows, the state directory and
# check's causes (about 8 KB), 115.7 KB once built without PIE.  Then
# 117 936 bytes (10ebbf0); the walk down the children files (issue 23,
# +5.4 KB), records with start times, the connector's probe and the -r
# caller (issue 22, +2.6 KB), protect's judge (issue 21, +4.3 KB): 130 320.
# The OOM witness (issue 24: the kill lines parsed, read from /dev/kmsg or
# syslog(2), given to rules, recorded by the watch, acknowledged, as rows of
# every format), +12.4 KB: 142 768, and 145 296 with the checks a review
# as a local user asked for (uid, level, history, eviction); its times in
# UTC, for localtime_r and strftime would have brought musl's time zone
# code (+10.8 KB).
@test "it is at most 144 KiB" {
	size=$(stat -c %s "$S")
	[ "$size" -le 147456 ] || fail "$size bytes"
}

@test "chain-load works" {
	run -0 "$S" -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 300
}

@test "chain-load: PROG not found is 127" {
	run -127 "$S" -n 300 -- no-such-program-oomguard
	assert_output 'oomguard-static: exec no-such-program-oomguard: No such file or directory'
}

@test "-n -p sets a process, -p shows it like choom" {
	spawn
	run -0 "$S" -n 640 -p "$pid"
	assert_equal "$(adj_of "$pid")" 640
	run -0 "$S" -p "$pid"
	assert_output "$(choom -p "$pid")"
}

@test "-T works" {
	start sh -c 'sleep 1000 & wait'
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	run -0 "$S" -n 710 -T -p "$pid"
	assert_equal "$(adj_of "$pid") $(adj_of "$(descendants "$pid")")" '710 710'
}

@test "a refused write and a dead PID give the same codes as the dynamic build" {
	spawn
	run -1 "$S" -n -1 -p "$pid"
	assert_output --partial CAP_SYS_RESOURCE
	sleep 0 &
	dead=$!
	wait "$dead"
	run -3 "$S" -n 1 -p "$dead"
}

@test "usage errors exit 2, also a missing value (musl's getopt)" {
	run -2 "$S" -n
	assert_line --index 0 'oomguard-static: parse option -n: needs a value'
	run -2 "$S" -n 5 -p
	assert_line --index 0 'oomguard-static: parse option -p: needs a value'
	run -2 "$S" -xT
	assert_line --index 0 'oomguard-static: parse option -x: unknown option'
	spawn
	run -2 "$S" -n 1001 -p "$pid"
	assert_output --partial "parse score '1001'"
}

@test "-l works: header, sorted" {
	run -0 "$S" -l
	assert_equal "${lines[0]}" '    PID OOM_SCORE OOM_SCORE_ADJ     RSS USER     COMMAND'
	printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -c -r -n
}

@test "-V" {
	run -0 "$S" -V
	assert_output 'oomguard 0.1.0'
}

@test "as oom-kill-protect" {
	ln -s "$S" "$T/oom-kill-protect"
	run -0 "$T/oom-kill-protect" 0x20 cat /proc/self/oom_score_adj
	assert_output 32
}
