#!/usr/bin/env bats
# Writing a score (src/score.c): what the kernel keeps is read back and
# compared, and every step of open/write/close is checked.  Where this kernel
# will not misbehave on demand: a fake procfs root (OOMGUARD_PROC) whose file
# is a FIFO that a helper answers, or bin/shim.so (LD_PRELOAD) on real /proc.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
bats_require_minimum_version 1.5.0
load common

# The fake oom_score_adj of PID as a FIFO: a helper takes the write into
# $T/written, then answers the read-back with ANSWER (default: what was
# written).
fifo_adj() {
	rm -f "$T/proc/$1/oom_score_adj"
	mkfifo "$T/proc/$1/oom_score_adj"
	# shellcheck disable=SC2016 # expanded by the helper's sh
	start sh -c 'cat "$1" >"$2.tmp" && mv "$2.tmp" "$2" && { [ -n "$3" ] || read -r a <"$2"; } &&
		printf "%s\n" "${3:-$a}" >"$1"' sh "$T/proc/$1/oom_score_adj" "$T/written" "${2:-}"
}

@test "read-back: the kernel keeps another valid value than the one written: exit 1, both named" {
	fake_proc 4242
	fifo_adj 4242 7
	run -1 "$OG" -n 100 -p 4242
	assert_output "oomguard: set pid 4242 oom_score_adj 100: the kernel kept 7"
	assert_equal "$(cat "$T/written")" 100
}

@test "read-back: the same value back is a success (the FIFO helper itself is honest)" {
	fake_proc 4242
	fifo_adj 4242
	run -0 "$OG" -n -300 -p 4242
	assert_output ''
	assert_equal "$(cat "$T/written")" -300
}

@test "read-back on a legacy kernel: oom_adj keeping another value fails too" {
	fake_proc 4242 legacy
	rm "$T/proc/4242/oom_adj"
	mkfifo "$T/proc/4242/oom_adj"
	# shellcheck disable=SC2016 # expanded by the helper's sh
	start sh -c 'cat "$1" >"$2" && echo -16 >"$1"' sh "$T/proc/4242/oom_adj" "$T/written"
	run -1 "$OG" -n -1000 -p 4242
	assert_line "oomguard: set pid 4242 oom_adj -17: the kernel kept -16"
	assert_equal "$(cat "$T/written")" -17
}

@test "close: a close that fails with EIO after a full write: exit 1, the error named" {
	spawn
	run -1 with_shim OOMGUARD_SHIM_CLOSE=EIO "$OG" -n 300 -p "$pid"
	assert_output "oomguard: write pid $pid oom_score_adj 300: Input/output error"
	# The write itself went through: only close's word says it failed.
	assert_equal "$(adj_of "$pid")" 300
}

@test "close: EACCES from close is explained as a refusal" {
	spawn
	run -1 with_shim OOMGUARD_SHIM_CLOSE=EACCES "$OG" -n 200 -p "$pid"
	assert_output --partial "oomguard: write pid $pid oom_score_adj 200: Permission denied: lowering a score"
}

@test "close: chain-load with a failing close is fatal with --strict, PROG never runs" {
	run -1 with_shim OOMGUARD_SHIM_CLOSE=EIO "$OG" -n 300 --strict -- echo ran
	assert_output "oomguard: write own oom_score_adj 300: Input/output error"
}

@test "close: the shim fails only close() on oom_score_adj; without it the same runs succeed" {
	spawn
	run -0 with_shim "$OG" -n 300 -p "$pid"
	assert_output ''
	run -0 with_shim OOMGUARD_SHIM_CLOSE=EIO cat /proc/self/oom_score_adj
}
