#!/usr/bin/env bats
# Chain-load: oomguard -n SCORE [--strict] [--] PROG [ARG...] sets its own
# score, then becomes PROG (PATH searched), which inherits the score.
# shellcheck disable=SC2016 # the sh -c scripts expand in the child
bats_require_minimum_version 1.5.0
load common

@test "PROG runs with the score, after --" {
	run -0 "$OG" -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 300
}

@test "PROG runs with the score, without --" {
	run -0 "$OG" -n 700 cat /proc/self/oom_score_adj
	assert_output 700
}

@test "the long option --adjust works the same" {
	run -0 "$OG" --adjust 450 -- cat /proc/self/oom_score_adj
	assert_output 450
}

@test "PROG becomes the process: same PID, no fork" {
	run -0 sh -c 'echo $$; exec "$0" -n 200 -- sh -c "echo \$\$; cat /proc/self/oom_score_adj"' "$OG"
	assert_equal "${lines[0]}" "${lines[1]}"
	assert_equal "${lines[2]}" 200
}

# Between its execve and PROG's: /proc/self/oom_score_adj opened directly
# (no /proc/self descriptor: it pins nothing when the process is itself),
# the write, the read-back, the checked close, and nothing else.
@test "the chain-load writes its own file directly: open, write, read back, close, exec" {
	run -0 strace -qq -o "$T/st" "$OG" -n 300 -- true
	sed -n '/oom_score_adj/,$p' "$T/st" >"$T/after"
	run -0 sed 's/^\([a-z0-9]*\)([0-9]*\([,)]\)/\1(FD\2/; s/ = [0-9]*$/ = N/' "$T/after"
	assert_line --index 0 --regexp '^openat\(AT_FDCWD, "/proc/self/oom_score_adj", O_RDWR\|'
	assert_line --index 1 --regexp '^write\(FD, "300\\n", 4\) += N$'
	assert_line --index 2 --regexp '^pread64\(FD, "300\\n", [0-9]+, 0\) += N$'
	assert_line --index 3 --regexp '^close\(FD\) += N$'
	assert_line --index 4 --regexp '^execve\('
	run ! grep -q '"/proc/self", ' "$T/st"
}

@test "PROG is found on PATH" {
	mkdir "$T/bin"
	printf '#!/bin/sh\ncat /proc/self/oom_score_adj\n' >"$T/bin/showadj"
	chmod 755 "$T/bin/showadj"
	PATH="$T/bin:$PATH" run -0 "$OG" -n 123 showadj
	assert_output 123
}

@test "PROG's options are not taken as oomguard's" {
	run -0 "$OG" -n 50 sh -c 'echo "$0 $1"; cat /proc/self/oom_score_adj' -n -p
	assert_equal "${lines[0]}" '-n -p'
	assert_equal "${lines[1]}" 50
}

@test "arguments reach PROG intact: blanks, empty, globs, newlines" {
	run -0 "$OG" -n 10 -- sh -c 'for a in "$@"; do printf "[%s]\n" "$a"; done' sh \
		'a b' '' '*' '  lead' 'x
y'
	assert_output "$(printf '[a b]\n[]\n[*]\n[  lead]\n[x\ny]')"
}

@test "PROG's exit status is oomguard's" {
	run -42 "$OG" -n 10 -- sh -c 'exit 42'
}

@test "fromenv reads OOM_SCORE_ADJ" {
	OOM_SCORE_ADJ=250 run -0 "$OG" -n fromenv -- cat /proc/self/oom_score_adj
	assert_output 250
}

@test "fromenv with OOM_SCORE_ADJ unset: warns, runs PROG with its score unchanged" {
	run -0 with_adj 40 "$OG" -n fromenv -- sh -c 'echo ran; cat /proc/self/oom_score_adj'
	assert_line --index 0 'oomguard: read environment OOM_SCORE_ADJ: not set; running sh with its score unchanged'
	assert_line --index 1 ran
	assert_line --index 2 40
}

@test "fromenv with a bad OOM_SCORE_ADJ: warns naming it, runs PROG unchanged" {
	OOM_SCORE_ADJ=lots run -0 with_adj 41 "$OG" -n fromenv -- sh -c 'echo ran; cat /proc/self/oom_score_adj'
	assert_line --index 0 --partial "parse OOM_SCORE_ADJ 'lots': not a score from -1000 to 1000"
	assert_line --index 1 ran
	assert_line --index 2 41
}

@test "a bad SCORE: warns naming it, runs PROG unchanged, PROG's exit status" {
	run -7 with_adj 42 "$OG" -n 12abc -- sh -c 'echo ran; cat /proc/self/oom_score_adj; exit 7'
	assert_line --index 0 --partial "parse score '12abc': not a score from -1000 to 1000"
	assert_line --index 0 --partial 'running sh with its score unchanged'
	assert_line --index 1 ran
	assert_line --index 2 42
}

@test "--strict with a bad SCORE: exit 2, PROG does not run" {
	run -2 "$OG" --strict -n 1001 -- touch "$T/ran"
	assert_output --partial "parse score '1001': not a score from -1000 to 1000"
	[ ! -e "$T/ran" ]
}

@test "--strict with OOM_SCORE_ADJ unset: exit 2, PROG does not run" {
	run -2 "$OG" -n fromenv --strict -- touch "$T/ran"
	assert_output 'oomguard: read environment OOM_SCORE_ADJ: not set'
	[ ! -e "$T/ran" ]
}

@test "--strict with a bad OOM_SCORE_ADJ: exit 2, PROG does not run" {
	OOM_SCORE_ADJ=0x10 run -2 "$OG" -n fromenv --strict -- touch "$T/ran"
	assert_output --partial "parse OOM_SCORE_ADJ '0x10': not a score from -1000 to 1000"
	[ ! -e "$T/ran" ]
}

@test "--strict with a good SCORE runs PROG" {
	run -0 "$OG" --strict -n 600 -- cat /proc/self/oom_score_adj
	assert_output 600
}

@test "a refused write (negative, no CAP_SYS_RESOURCE): warns, runs PROG unchanged" {
	run -0 with_adj 43 "$OG" -n -500 -- sh -c 'echo ran; cat /proc/self/oom_score_adj'
	assert_line --index 0 --partial 'oomguard: write own oom_score_adj -500: Permission denied'
	assert_line --index 0 --partial CAP_SYS_RESOURCE
	assert_line --index 1 ran
	assert_line --index 2 43
}

@test "--strict with a refused write: exit 1, PROG does not run" {
	run -1 "$OG" --strict -n -1 -- touch "$T/ran"
	assert_output --partial 'write own oom_score_adj -1: Permission denied'
	assert_output --partial CAP_SYS_RESOURCE
	[ ! -e "$T/ran" ]
}

@test "-1000 warns about an unkillable tree, and is still attempted" {
	run -0 with_adj 44 "$OG" -n -1000 -- cat /proc/self/oom_score_adj
	assert_line --index 0 --partial 'warning: -1000 makes the process unkillable'
	assert_line --index 0 --partial -999..-900
	# Attempted: here the kernel refuses it, which proves the write happened.
	assert_line --index 1 --partial 'write own oom_score_adj -1000: Permission denied'
	assert_line --index 2 44
}

@test "-999 gives no unkillable warning" {
	run -0 "$OG" -n -999 -- true
	refute_output --partial warning
}

@test "a score can be lowered again (0..1000 needs no privilege)" {
	run -0 with_adj 900 "$OG" -n 0 -- cat /proc/self/oom_score_adj
	assert_output 0
}

@test "PROG not found: exit 127, with a message" {
	run -127 "$OG" -n 10 -- no-such-program-oomguard
	assert_output 'oomguard: exec no-such-program-oomguard: No such file or directory'
}

@test "PROG is a path that does not exist: exit 127" {
	run -127 "$OG" -n 10 -- "$T/nothing/here"
	assert_output --partial "exec $T/nothing/here:"
}

@test "PROG is not executable: exit 126" {
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$T" >"$T/script"
	chmod 644 "$T/script"
	run -126 "$OG" -n 10 -- "$T/script"
	assert_output "oomguard: exec $T/script: Permission denied"
	[ ! -e "$T/ran" ]
}

@test "PROG is a directory: exit 126" {
	run -126 "$OG" -n 10 -- "$T"
	assert_output --partial "exec $T:"
}

@test "exec failure after a bad SCORE keeps the exec exit code" {
	run -127 "$OG" -n bad -- no-such-program-oomguard
	assert_line --index 0 --partial "parse score 'bad'"
	assert_line --index 1 --partial 'exec no-such-program-oomguard'
}
