#!/usr/bin/env bats
# The usage text is written once in src/main.c and must stay equal to the
# man page's SYNOPSIS; every option the program knows is documented.
bats_require_minimum_version 1.5.0
load common

synopsis() {
	MANWIDTH=200 man -l "$TOP/man/oomguard.8" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | grep 'oomguard ' | sed 's/^ *//'
}

@test "usage lines equal the man page SYNOPSIS" {
	run "$OG" -h
	assert_success
	want=$(synopsis)
	[ -n "$want" ]
	got=$(printf '%s\n' "$output" | sed -n '1,/^$/p' | sed 's/^usage: //; s/^ *//' | grep .)
	assert_equal "$got" "$want"
}

@test "the nosh-compatible usage equals its SYNOPSIS line" {
	run "$TOP/bin/oom-kill-protect" --help
	assert_success
	want=$(MANWIDTH=200 man -l "$TOP/man/oomguard.8" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | grep 'oom-kill-protect ' | sed 's/^ *//')
	assert_equal "${output#usage: }" "$want"
}

@test "every long option in --help is in the man page" {
	run "$OG" --help
	opts=$(printf '%s\n' "$output" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ]
	page=$(MANWIDTH=200 man -l "$TOP/man/oomguard.8" 2>/dev/null)
	for o in $opts; do
		printf '%s\n' "$page" | grep -q -- "$o" || fail "$o is not in oomguard.8"
	done
}

@test "the exit codes in --help are the ones in the man page" {
	run "$OG" --help
	help_codes=$(printf '%s\n' "$output" | sed -n '/^Exit:/,/^See/p' | grep -v '^See' |
		grep -o '[0-9][0-9]*' | sort -n | tr '\n' ' ')
	man_codes=$(MANWIDTH=200 man -l "$TOP/man/oomguard.8" 2>/dev/null |
		sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' | grep -E '^ {7}[0-9]+( |$)' |
		awk '{ print $1 }' | sort -n | tr '\n' ' ')
	assert_equal "$help_codes" "$man_codes"
}

@test "the man page renders without warnings" {
	run sh -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l '$TOP/man/oomguard.8' 2>&1 >/dev/null"
	assert_success
	assert_output ''
}

@test "the default wait is one number: src/num.h, the hook, --help, the man pages" {
	want=$(sed -n 's/^#define WAIT_SECS_DEFAULT \([0-9][0-9]*\)$/\1/p' "$TOP/src/num.h")
	[ -n "$want" ]
	run -0 grep -c -- "\${OOM_WAIT:-$want}" "$TOP/hooks/oomguard.sh"
	run -0 "$OG" --help
	assert_output --partial "(default $want, 0 = never)"
	run -0 grep -c -- "default $want" "$TOP/man/oomguard.8"
	run -0 grep -c -- "$want when not given" "$TOP/man/oomguard.conf.5"
}

# A page's lines as groff sets them, with every italic capital deleted and
# bold made plain: a placeholder left standing was not in italics.
unitalic() {
	groff -man -Tascii -P-c -rLL=250n "$1" 2>/dev/null |
		sed "s/_$(printf '\b')[A-Z]//g; s/.$(printf '\b')//g"
}

@test "placeholders are in italics in SYNOPSIS, and in the MODES and OPTIONS headings" {
	for page in oomguard.8 oomguard-upstart.8 oomguard.conf.5; do
		left=$(unitalic "$TOP/man/$page" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
			grep -E '[A-Z]{2,}' || :)
		assert_equal "$page: $left" "$page: "
	done
	# Headings sit 7 columns in; their text, 14.
	left=$(unitalic "$TOP/man/oomguard.8" | sed -n '/^MODES/,/^OOM-KILL-PROTECT/p' |
		grep -E '^ {7}(oomguard|-)' | grep -E '[A-Z]{2,}' || :)
	assert_equal "$left" ''
}

@test "every man page is silent under groff -ww" {
	for page in "$TOP"/man/*.[58]; do
		run -0 groff -man -ww -z "$page"
		assert_output ''
	done
}
