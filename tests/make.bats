#!/usr/bin/env bats
# The Makefile: warnings are errors only when asked (WERROR=1), every
# src/*.c is built without a list to edit, a parallel build from clean
# works, and make dist fails loudly where it cannot list the files.
# Each test builds in its own copy of the tree, never in $TOP/bin.
bats_require_minimum_version 1.5.0
load common

# The make that builds a copy, as a user runs it: not told WERROR=1 or -j
# by a make test that runs this suite (MAKEFLAGS).
make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

# The tracked files as they are in the work tree, copied to $T/tree.
copy_tree() {
	mkdir -p "$T/tree"
	git -C "$TOP" ls-files | while IFS= read -r f; do [ ! -e "$TOP/$f" ] || printf '%s\n' "$f"; done |
		tar -C "$TOP" -cf - -T - | tar -C "$T/tree" -xf -
}

@test "a warning fails the build only with WERROR=1; a new src/*.c is built without editing the Makefile" {
	copy_tree
	printf 'int og_probe(void);\nint og_probe(void)\n{\n\tint unused;\n\treturn 0;\n}\n' \
		>"$T/tree/src/zz_probe.c"
	run -0 make -C "$T/tree" bin/oomguard
	assert_output --partial 'src/zz_probe.c'
	assert_output --partial "unused variable"
	run -2 make -C "$T/tree" bin/oomguard WERROR=1
	assert_output --partial '-Werror'
	assert_output --partial "unused variable"
}

@test "make lint compiles every C file with -Werror" {
	copy_tree
	printf 'int og_probe(void);\nint og_probe(void)\n{\n\tint unused;\n\treturn 0;\n}\n' >"$T/probe.c"
	run -2 make -s -C "$T/tree" lint-cc LINT_SRCS="$T/probe.c"
	assert_output --partial "lint-cc: $T/probe.c"
	run -0 make -s -C "$T/tree" lint-cc
	assert_output ''
}

@test "make -j2 from clean: all, static and bin/unit" {
	command -v musl-gcc >/dev/null || fail 'musl-gcc is needed (apt-get install musl-tools)'
	copy_tree
	run -0 make -C "$T/tree" -j2 all static bin/unit
	[ -x "$T/tree/bin/oomguard" ] && [ -x "$T/tree/bin/oomguard-static" ] && [ -x "$T/tree/bin/unit" ]
	run -0 "$T/tree/bin/oom-kill-protect" --help
	run -0 "$T/tree/bin/unit"
}

# A long is 32 bits there: a user ID past 2147483647 fits in no long
# (issue 22: every numeric user= was refused).  Build machines with no
# IA32 emulation in their kernel run the binary in qemu-i386.
@test "a 32-bit build (gcc -m32): clean with WERROR=1, bin/unit passes, numeric user= up to 4294967294" {
	copy_tree
	run -0 make -C "$T/tree" CC='gcc -m32' WERROR=1 bin/oomguard bin/unit
	run -0 file -b "$T/tree/bin/unit"
	assert_output --partial 'ELF 32-bit'
	run "$T/tree/bin/unit"
	if [ "$status" = 126 ]; then run qemu-i386 "$T/tree/bin/unit"; fi
	assert_success
	refute_output --partial 'not ok'
	assert_line --regexp '^ok [0-9]+ conf: user=4294967294, the highest user ID$'
	assert_line --regexp '^ok [0-9]+ conf: user=65534$'
}

# one_reason OUTPUT: make dist's failure: one line of its own, saying what is needed, with
# neither git's words nor the recipe around it; only make's own "Error" line.
one_reason() {
	assert_line 'make dist: needs git, in a git work tree (apt-get install -y git; git clone)'
	refute_output --partial 'fatal:'
	refute_output --partial 'git: not found'
	refute_output --partial 'ls-files'
	assert_equal "$(printf '%s\n' "$1" | grep -cv '^make\(\[[0-9]*\]\)\{0,1\}: ')" 1
}

@test "make dist without git: fails, says why, leaves no tarball" {
	copy_tree
	mkdir "$T/nogit"
	# What a shell says when git is not installed.
	printf '#!/bin/sh\necho "sh: 1: git: not found" >&2\nexit 127\n' >"$T/nogit/git"
	chmod 755 "$T/nogit/git"
	PATH=$T/nogit:$PATH run -2 make -C "$TOP" dist DISTDIR="$T/out"
	one_reason "$output"
	run ls -A "$T/out"
	assert_output ''
}

@test "make dist outside a git work tree: fails, leaves no tarball" {
	copy_tree
	# $T may sit inside some other work tree: stop git's search at $T.
	GIT_CEILING_DIRECTORIES=$T run -2 make -C "$T/tree" dist DISTDIR="$T/out"
	one_reason "$output"
	run ls -A "$T/out"
	assert_output ''
}
