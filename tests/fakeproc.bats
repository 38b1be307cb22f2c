#!/usr/bin/env bats
# What this kernel cannot show, through a fake procfs root (OOMGUARD_PROC):
# negative values that succeed, and kernels with only oom_adj (< 2.6.36).
# shellcheck disable=SC2154 # $T is set by common.bash
bats_require_minimum_version 1.5.0
load common

# A fake "self" for chain-loading: fake_self [legacy]
fake_self() {
	fake_proc 1 "${1:-}"
	mv "$T/proc/1" "$T/proc/self"
}

@test "a negative value succeeds where the kernel allows it" {
	fake_proc 4242
	run -0 "$OG" -n -500 -p 4242
	assert_output ''
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" -500
}

@test "-1000 is written as -1000, with the warning" {
	fake_proc 4242
	run -0 "$OG" -n -1000 -p 4242
	assert_output --partial 'warning: -1000 makes the process unkillable'
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" -1000
}

@test "values are written in decimal, one line" {
	fake_proc 4242
	run -0 "$OG" -n -7 -p 4242
	assert_equal "$(od -An -c "$T/proc/4242/oom_score_adj" | tr -s ' ')" ' - 7 \n'
}

@test "a file that cannot be opened for writing: exit 1, named" {
	fake_proc 4242
	rm "$T/proc/4242/oom_score_adj"
	mkdir "$T/proc/4242/oom_score_adj"
	run -1 "$OG" -n 100 -p 4242
	assert_output "oomguard: open pid 4242 oom_score_adj: Is a directory"
}

@test "the value is read back after writing: a file that loses it fails" {
	fake_proc 4242
	# The write to /dev/null succeeds; reading back finds nothing.
	ln -sf /dev/null "$T/proc/4242/oom_score_adj"
	run -1 "$OG" -n 100 -p 4242
	assert_output --partial 'read back pid 4242 oom_score_adj'
}

@test "chain-load with a negative value: PROG runs after the write" {
	fake_self
	run -0 "$OG" -n -800 --strict -- cat "$T/proc/self/oom_score_adj"
	assert_output -- -800
}

@test "-p shows a negative value" {
	fake_proc 4242
	echo -650 >"$T/proc/4242/oom_score_adj"
	echo 12 >"$T/proc/4242/oom_score"
	run -0 "$OG" -p 4242
	assert_output "$(printf "pid 4242's current OOM score: 12\npid 4242's current OOM score adjust value: -650")"
}

@test "a zombie in the fake root: exit 3, nothing written" {
	fake_proc 4242
	sed -i 's/(fake) S/(fake) Z/' "$T/proc/4242/stat"
	run -3 "$OG" -n -300 -p 4242
	assert_output --partial zombie
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 0
}

@test "legacy kernel: oom_adj gets the kernel's mapping, oom_score_adj is never created" {
	fake_proc 4343 legacy
	while read -r score adj; do
		run -0 "$OG" -n "$score" -p 4343
		assert_equal "$score -> $(cat "$T/proc/4343/oom_adj")" "$score -> $adj"
		[ ! -e "$T/proc/4343/oom_score_adj" ] || fail "oom_score_adj created for $score"
	done <<-'EOF2'
		-1000 -17
		-999 -16
		-500 -8
		-1 0
		1 0
		500 8
		999 15
		1000 15
	EOF2
}

@test "legacy kernel: -p converts oom_adj back to the oom_score_adj scale" {
	fake_proc 4343 legacy
	while read -r adj score; do
		echo "$adj" >"$T/proc/4343/oom_adj"
		run -0 "$OG" -p 4343
		assert_equal "${lines[1]}" "pid 4343's current OOM score adjust value: $score"
	done <<-'EOF2'
		-17 -1000
		-16 -941
		-8 -470
		0 0
		8 470
		14 823
		15 1000
	EOF2
}

@test "legacy kernel: chain-load writes oom_adj, never oom_score_adj" {
	fake_self legacy
	run -0 "$OG" -n -1000 --strict -- cat "$T/proc/self/oom_adj"
	assert_line --index 1 -- -17
	[ ! -e "$T/proc/self/oom_score_adj" ]
}

@test "a new kernel's oom_adj is never touched" {
	fake_proc 4242
	echo 0 >"$T/proc/4242/oom_adj"
	run -0 "$OG" -n 500 -p 4242
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 500
	assert_equal "$(cat "$T/proc/4242/oom_adj")" 0
}

@test "a PID missing from the fake root: exit 3" {
	fake_proc 4242
	run -3 "$OG" -n 5 -p 4243
	assert_output "oomguard: set pid 4243 OOM score: no such process"
}

@test "-T walks the fake root's tree" {
	fake_proc 500
	fake_proc 501
	fake_proc 502
	fake_proc 600
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	sed -i 's/(fake) S 1 /(fake) S 501 /' "$T/proc/502/stat"
	run -0 "$OG" -n -900 -T -p 500
	for p in 500 501 502; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:-900"
	done
	assert_equal "$(cat "$T/proc/600/oom_score_adj")" 0
}

@test "oom-kill-protect in the fake root: true means -1000" {
	fake_self
	run -0 "$TOP/bin/oom-kill-protect" true cat "$T/proc/self/oom_score_adj"
	assert_line --index 1 -- -1000
}

@test "an OOMGUARD_PROC too long for a path is refused, never cut short; PROG still runs" {
	spawn
	# Cut at 4095 bytes, this would name $T/proc itself: a real directory.
	mkdir -p "$T/proc"
	long=$T/proc/$(head -c 4200 /dev/zero | tr '\0' a)
	OOMGUARD_PROC=$long run -1 "$OG" -n 5 -p "$pid"
	assert_output --regexp "^oomguard: open $T/proc/a+\.\.\./$pid: File name too long$"
	OOMGUARD_PROC=$long run -0 "$OG" -n 5 -- sh -c 'echo ran'
	assert_line --index 1 ran
}
