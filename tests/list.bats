#!/usr/bin/env bats
# oomguard -l: every process, ranked by the kernel's oom_score.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2016 # the sh -c scripts expand in the child
bats_require_minimum_version 1.5.0
load common

HEADER='    PID OOM_SCORE OOM_SCORE_ADJ     RSS USER     COMMAND'

# The data line of PID in $output, blanks squeezed.
row_of() { printf '%s\n' "$output" | awk -v p="$1" 'NR > 1 && $1 == p'; }

@test "-l prints the header line exactly" {
	run -0 "$OG" -l
	assert_equal "${lines[0]}" "$HEADER"
}

@test "--list is the long name" {
	run -0 "$OG" --list
	assert_equal "${lines[0]}" "$HEADER"
}

@test "rows are sorted by OOM_SCORE, the next victim first" {
	spawn
	echo 900 >"/proc/$pid/oom_score_adj"
	run -0 "$OG" -l
	[ "${#lines[@]}" -gt 2 ]
	printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -c -r -n
}

@test "a process at 1000 is on the first data line" {
	spawn
	echo 1000 >"/proc/$pid/oom_score_adj"
	run -0 "$OG" -l
	read -r p score adj _ user cmd <<<"${lines[1]}"
	assert_equal "$p" "$pid"
	assert_equal "$adj" 1000
	assert_equal "$score" "$(cat "/proc/$pid/oom_score")"
	assert_equal "$user" root
	assert_equal "$cmd" 'sleep 1000'
}

@test "each row shows the process's own values, user and command line" {
	start setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	wait_for owned_by "/proc/$pid" 65534
	wait_for grep -qx sleep "/proc/$pid/comm"
	echo 333 >"/proc/$pid/oom_score_adj"
	run -0 "$OG" -l
	read -r p score adj rss user cmd <<<"$(row_of "$pid")"
	assert_equal "$p" "$pid"
	assert_equal "$adj" 333
	assert_equal "$score" "$(cat "/proc/$pid/oom_score")"
	assert_equal "$user" nobody
	assert_equal "$cmd" 'sleep 1000'
	[[ $rss =~ ^[0-9]+(K|\.[0-9][MG])$ ]] || fail "RSS '$rss'"
}

# The flags field (9) of /proc/PID/stat.
flags_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f7; }

@test "kernel threads are absent" {
	# kthreadd is PID 2 and a kernel thread: the check below means something.
	[ $(($(flags_of 2) & 0x200000)) -ne 0 ] || fail 'PID 2 is not a kernel thread here'
	run -0 "$OG" -l
	[ -z "$(row_of 2)" ] || fail 'kthreadd is listed'
	for p in $(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }'); do
		f=$(flags_of "$p" 2>/dev/null) || continue
		[ $((f & 0x200000)) -eq 0 ] || fail "kernel thread $p is listed"
	done
}

@test "every user process of ours is listed" {
	spawn
	run -0 "$OG" -l
	[ -n "$(row_of "$pid")" ] || fail "pid $pid is missing"
	[ -n "$(row_of $$)" ] || fail "the test shell $$ is missing"
}

@test "not on a terminal, the command line is not cut" {
	long=$(printf 'x%.0s' $(seq 200))
	start sh -c 'sleep 1000; : "$0"' "$long"
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	echo 1000 >"/proc/$pid/oom_score_adj"
	run -0 "$OG" -l
	row=$(row_of "$pid")
	assert_equal "${row##* }" "$long"
	[ "${#row}" -gt 200 ]
}

@test "on an 80-column terminal every line fits in 80 columns" {
	long=$(printf 'x%.0s' $(seq 200))
	start sh -c 'sleep 1000; : "$0"' "$long"
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	echo 1000 >"/proc/$pid/oom_score_adj"
	script -qec "stty cols 80 rows 24; '$OG' -l" /dev/null | tr -d '\r' >"$T/tty"
	[ "$(head -1 "$T/tty")" = "$HEADER" ]
	[ "$(wc -l <"$T/tty")" -gt 2 ]
	max=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/tty")
	[ "$max" -le 80 ] || fail "a line is $max columns wide"
	# The long command was cut, not dropped: the line is exactly 80 wide.
	row=$(awk -v p="$pid" '$1 == p' "$T/tty")
	assert_equal "${#row}" 80
}

@test "on a wide terminal the width is used" {
	long=$(printf 'x%.0s' $(seq 200))
	start sh -c 'sleep 1000; : "$0"' "$long"
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	script -qec "stty cols 132 rows 24; '$OG' -l" /dev/null | tr -d '\r' >"$T/tty"
	row=$(awk -v p="$pid" '$1 == p' "$T/tty")
	assert_equal "${#row}" 132
}

@test "a newline in a command line cannot forge a row" {
	# shellcheck disable=SC2016 # expanded by the child bash
	start bash -c 'exec -a "$1" sleep 1000' bash "$(printf 'og\n4242 999 1000 1K root forged')"
	wait_for grep -qx sleep "/proc/$pid/comm"
	run -0 "$OG" -l
	refute_line --regexp '^ *4242 '
	assert_line --regexp "^ *$pid .* og\\\\n4242 999 1000 1K root forged 1000\$"
}
