#!/usr/bin/env bats
# make lint: cppcheck and clang-tidy, with the checks written in the repo
# (lint/cppcheck.supp, .clang-tidy), report nothing on any C file here;
# and each of them does catch a planted bug.
bats_require_minimum_version 1.5.0
load common

local_setup() {
	# Inside the tree, where clang-tidy finds .clang-tidy.
	PROBE=$TOP/bin/lintprobe-$$.c
}

local_teardown() {
	rm -f "$PROBE"
}

@test "cppcheck reports nothing" {
	run -0 make -s -C "$TOP" lint-cppcheck
	assert_output ''
}

@test "clang-tidy reports nothing" {
	run -0 make -s -C "$TOP" lint-tidy
	assert_output ''
}

@test "each one catches a planted bug: an uninitialized read, strcpy, atoi" {
	mkdir -p "$TOP/bin"
	cat >"$PROBE" <<-'EOF2'
		#include <stdlib.h>
		#include <string.h>
		int probe(const char *s);
		int probe(const char *s)
		{
			char buf[8];
			int n;

			strcpy(buf, s);
			if (s[0] == 'x')
				n = 1;
			return atoi(buf) + n;
		}
	EOF2
	run -2 make -s -C "$TOP" lint-cppcheck LINT_SRCS="$PROBE"
	assert_output --partial 'Uninitialized variable: n [uninitvar]'
	run -2 make -s -C "$TOP" lint-tidy LINT_SRCS="$PROBE"
	assert_output --partial '[clang-analyzer-security.insecureAPI.strcpy'
	assert_output --partial '[cert-err34-c'
	assert_output --partial "lint-tidy: $PROBE"
}
