#!/usr/bin/env bats
# oom-kill-protect: nosh's syntax and meaning.
#   oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]
# Every fatal error exits 1; exec failures 126/127.
# shellcheck disable=SC2154 # $T is set by common.bash
bats_require_minimum_version 1.5.0
load common

local_setup() { K=$TOP/bin/oom-kill-protect; }

# A fake "self", for the values this kernel refuses (negative ones).
fake_self() {
	fake_proc 1
	mv "$T/proc/1" "$T/proc/self"
}

@test "a decimal level is set, then PROG runs with it" {
	run -0 "$K" 300 cat /proc/self/oom_score_adj
	assert_output 300
}

@test "-- ends the options" {
	run -0 "$K" -- 250 cat /proc/self/oom_score_adj
	assert_output 250
}

@test "the level is read with base 0: 0x20 is 32, 010 is 8" {
	run -0 "$K" 0x20 cat /proc/self/oom_score_adj
	assert_output 32
	run -0 "$K" 010 cat /proc/self/oom_score_adj
	assert_output 8
	run -0 "$K" 0X3e8 cat /proc/self/oom_score_adj
	assert_output 1000
}

@test "fromenv reads the variable oomprotect" {
	oomprotect=77 run -0 "$K" fromenv cat /proc/self/oom_score_adj
	assert_output 77
}

@test "fromenv ignores OOM_SCORE_ADJ" {
	OOM_SCORE_ADJ=500 oomprotect=66 run -0 "$K" fromenv cat /proc/self/oom_score_adj
	assert_output 66
}

@test "fromenv with oomprotect unset: exit 1, PROG does not run" {
	OOM_SCORE_ADJ=500 run -1 "$K" fromenv touch "$T/ran"
	assert_output 'oom-kill-protect: read environment oomprotect: not set'
	[ ! -e "$T/ran" ]
}

@test "fromenv: oomprotect may be a boolean word too" {
	fake_self
	oomprotect=On run -0 "$K" fromenv cat "$T/proc/self/oom_score_adj"
	assert_line --index 1 -- -1000
}

@test "true, yes, on mean -1000, in any case" {
	fake_self
	for w in true yes on TRUE Yes oN; do
		echo 0 >"$T/proc/self/oom_score_adj"
		run -0 "$K" "$w" cat "$T/proc/self/oom_score_adj"
		assert_equal "$w: ${lines[-1]}" "$w: -1000"
	done
}

@test "false, no, off mean 0, in any case" {
	fake_self
	for w in false no off FALSE No oFF; do
		echo 123 >"$T/proc/self/oom_score_adj"
		run -0 "$K" "$w" cat "$T/proc/self/oom_score_adj"
		assert_equal "$w: $output" "$w: 0"
	done
}

@test "false really writes 0 on the real kernel too" {
	run -0 with_adj 600 "$K" off cat /proc/self/oom_score_adj
	assert_output 0
}

@test "true on the real kernel here: refused, exit 1, PROG does not run" {
	run -1 "$K" true touch "$T/ran"
	assert_output --partial 'write own oom_score_adj -1000: Permission denied'
	[ ! -e "$T/ran" ]
}

@test "a negative level succeeds where the kernel allows it" {
	fake_self
	run -0 "$K" -- -500 cat "$T/proc/self/oom_score_adj"
	assert_output -- -500
}

@test "a negative level needs no --" {
	fake_self
	run -0 "$K" -300 cat "$T/proc/self/oom_score_adj"
	assert_output -- -300
}

@test "a failed write is fatal: exit 1, PROG does not run" {
	run -1 "$K" -5 touch "$T/ran"
	assert_output --partial 'oom-kill-protect: write own oom_score_adj -5: Permission denied'
	assert_output --partial CAP_SYS_RESOURCE
	[ ! -e "$T/ran" ]
}

@test "--oknoaccess: a refused write is not fatal, PROG runs unchanged" {
	run -0 with_adj 45 "$K" --oknoaccess -5 sh -c 'echo ran; cat /proc/self/oom_score_adj'
	assert_line --partial 'write own oom_score_adj -5: Permission denied'
	assert_line ran
	assert_line 45
}

@test "--oknoaccess and -- together" {
	run -0 with_adj 46 "$K" --oknoaccess -- -5 cat /proc/self/oom_score_adj
	assert_line 46
}

@test "--oknoaccess with a level that works sets it" {
	run -0 "$K" --oknoaccess 900 cat /proc/self/oom_score_adj
	assert_output 900
}

@test "--oknoaccess does not excuse other failures" {
	fake_self
	rm "$T/proc/self/oom_score_adj"
	mkdir "$T/proc/self/oom_score_adj"
	run -1 "$K" --oknoaccess 100 touch "$T/ran"
	assert_output --partial 'open own oom_score_adj: Is a directory'
	[ ! -e "$T/ran" ]
}

@test "PROG's exit status is passed on" {
	run -9 "$K" 10 sh -c 'exit 9'
}

@test "arguments reach PROG intact" {
	run -0 "$K" 10 printf '[%s]' 'a b' '' '-x'
	assert_output '[a b][][-x]'
}

@test "missing level: exit 1 with the usage" {
	run -1 "$K"
	assert_line --index 0 'oom-kill-protect: parse arguments: missing protection level'
	assert_line --index 1 'usage: oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]'
}

@test "only options, no level: exit 1" {
	run -1 "$K" --oknoaccess --
	assert_line --index 0 --partial 'missing protection level'
}

@test "missing program: exit 1" {
	run -1 "$K" 100
	assert_line --index 0 'oom-kill-protect: parse arguments: missing program'
}

@test "unknown option: exit 1, named" {
	run -1 "$K" --bogus 100 true
	assert_line --index 0 'oom-kill-protect: parse option --bogus: unknown option'
}

@test "a bad level: exit 1, named, PROG does not run" {
	for l in bogus 1001 -1001 0x 12abc '' maybe 08; do
		run -1 "$K" "$l" touch "$T/ran"
		assert_output --partial "parse level '$l'"
		[ ! -e "$T/ran" ]
	done
}

@test "a level with blanks is not a number" {
	run -1 "$K" ' 5' true
	assert_output --partial "parse level ' 5'"
}

@test "PROG not found: exit 127" {
	run -127 "$K" 10 no-such-program-oomguard
	assert_output 'oom-kill-protect: exec no-such-program-oomguard: No such file or directory'
}

@test "PROG not executable: exit 126" {
	printf '#!/bin/sh\n' >"$T/script"
	chmod 644 "$T/script"
	run -126 "$K" 10 "$T/script"
	assert_output --partial "exec $T/script: Permission denied"
	run -126 "$K" 10 "$T"
}

@test "--help prints its usage line, exit 0" {
	run -0 "$K" --help
	assert_output 'usage: oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]'
}

@test "-1000 warns like oomguard" {
	fake_self
	run -0 "$K" -1000 true
	assert_output --partial 'oom-kill-protect: warning: -1000 makes the process unkillable'
}

@test "the name decides, wherever the link lives" {
	ln -s "$OG" "$T/oom-kill-protect"
	run -0 "$T/oom-kill-protect" 0x10 cat /proc/self/oom_score_adj
	assert_output 16
}
