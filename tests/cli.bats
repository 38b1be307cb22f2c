#!/usr/bin/env bats
# The command line: bad values and bad usage exit 2 with one line naming the
# fault, before anything is changed; -h and -V.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2030,SC2031 # bats's run sets $lines in each test
# shellcheck disable=SC2016 # the sh -c script expands in the child
bats_require_minimum_version 1.5.0
load common

# Bad values: one line, naming the value, exit 2, the process untouched.
bad_score() {
	spawn
	echo 17 >"/proc/$pid/oom_score_adj"
	run -2 "$OG" -n "$1" -p "$pid"
	assert_equal "${#lines[@]}" 1
	assert_output --partial "parse score '$1': $2"
	assert_equal "$(adj_of "$pid")" 17
}

@test "empty score: exit 2" { bad_score '' 'not a score from -1000 to 1000'; }
@test "score 12abc: exit 2" { bad_score 12abc 'not a score from -1000 to 1000'; }
@test "score 1001: exit 2" { bad_score 1001 'not a score from -1000 to 1000'; }
@test "score -1001: exit 2" { bad_score -1001 'not a score from -1000 to 1000'; }
@test "score 0x: exit 2" { bad_score 0x 'not a score from -1000 to 1000'; }
@test "score 0x10 (decimal only): exit 2" { bad_score 0x10 'not a score from -1000 to 1000'; }
@test "score 99999999999999999999: exit 2" { bad_score 99999999999999999999 'not a score from -1000 to 1000'; }
@test "score with a blank: exit 2" { bad_score ' 5' 'not a score from -1000 to 1000'; }
@test "score with a trailing blank: exit 2" { bad_score '5 ' 'not a score from -1000 to 1000'; }
@test "score 1.5: exit 2" { bad_score 1.5 'not a score from -1000 to 1000'; }

@test "the message says what SCORE is, in the words of the table" {
	spawn
	run -2 "$OG" -n lots -p "$pid"
	assert_output "oomguard: parse score 'lots': not a score from -1000 to 1000"
}

@test "the bounds themselves are good, and 010 is decimal ten" {
	spawn
	run -0 "$OG" -n 1000 -p "$pid"
	assert_equal "$(adj_of "$pid")" 1000
	run -0 "$OG" -n 010 -p "$pid"
	assert_equal "$(adj_of "$pid")" 10
	run -0 "$OG" -n +20 -p "$pid"
	assert_equal "$(adj_of "$pid")" 20
}

@test "-n fromenv with -p reads OOM_SCORE_ADJ, and a bad one exits 2" {
	spawn
	OOM_SCORE_ADJ=260 run -0 "$OG" -n fromenv -p "$pid"
	assert_equal "$(adj_of "$pid")" 260
	OOM_SCORE_ADJ=2000 run -2 "$OG" -n fromenv -p "$pid"
	assert_output --partial "parse OOM_SCORE_ADJ '2000': not a score from -1000 to 1000"
	run -2 "$OG" -n fromenv -p "$pid"
	assert_output 'oomguard: read environment OOM_SCORE_ADJ: not set'
	assert_equal "$(adj_of "$pid")" 260
}

# Bad PID lists: exit 2, one line naming the fault, nothing set.
bad_pids() {
	spawn
	echo 18 >"/proc/$pid/oom_score_adj"
	list=${1//PID/$pid}
	run -2 "$OG" -n 500 -p "$list"
	assert_equal "${#lines[@]}" 1
	assert_output --partial "$2"
	assert_equal "$(adj_of "$pid")" 18
}

@test "PID list empty: exit 2" { bad_pids '' 'parse PID list: empty'; }
@test "PID 0: exit 2" { bad_pids 0 'parse PID 0: out of range'; }
@test "PID -1: exit 2" { bad_pids -1 'parse PID -1: not a process ID'; }
@test "PID +1: exit 2" { bad_pids +1 'parse PID +1: not a process ID'; }
@test "PID abc: exit 2" { bad_pids PID,abc 'parse PID abc: not an integer'; }
@test "PID beyond the kernel's limit: exit 2" { bad_pids 4194305 'parse PID 4194305: out of range'; }
@test "PID 99999999999999999999: exit 2" { bad_pids 99999999999999999999 'out of range'; }
@test "PIDs separated by a blank: exit 2" { bad_pids 'PID PID' 'not an integer'; }
@test "PID list with an empty entry in the middle: exit 2" { bad_pids 'PID,,PID' 'an entry is empty'; }
@test "PID list with a leading comma: exit 2" { bad_pids ',PID' 'an entry is empty'; }
@test "PID list with a trailing comma: exit 2" { bad_pids 'PID,' 'an entry is empty'; }
@test "PID list of commas only: exit 2" { bad_pids ',' 'an entry is empty'; }

# Bad usage: a line naming the fault, then the usage, exit 2.
bad_usage() {
	run -2 "$OG" "$@"
	assert_line --index 1 --partial 'usage: oomguard'
}

@test "no arguments: exit 2" {
	bad_usage
	assert_line --index 0 'oomguard: parse arguments: nothing to do: give PROG, -p, -f or -l'
}

@test "-n alone: exit 2" {
	bad_usage -n 5
	assert_line --index 0 --partial 'nothing to do'
}

@test "-T without -p: exit 2" {
	bad_usage -n 5 -T
	bad_usage -n 5 -T -- true
	assert_line --index 0 'oomguard: parse option -T: goes with -p or -f'
}

@test "-T without -n (showing): exit 2" {
	spawn
	bad_usage -T -p "$pid"
	assert_line --index 0 'oomguard: parse option -T: needs -n SCORE'
}

@test "-l with other options: exit 2" {
	spawn
	bad_usage -l -n 5
	assert_line --index 0 'oomguard: parse option -l: takes no other option'
	bad_usage -l -p "$pid"
	assert_line --index 0 --partial 'parse option -l'
	bad_usage -l -T
	bad_usage -l --strict
	bad_usage -l -w 5
	bad_usage -l true
	assert_line --index 0 --partial 'parse option -l'
}

@test "PROG with -p: exit 2, PROG does not run" {
	spawn
	bad_usage -n 5 -p "$pid" touch "$T/ran"
	assert_line --index 0 'oomguard: parse arguments touch: give one of PROG, -p PID or -f PIDFILE'
	[ ! -e "$T/ran" ]
	assert_equal "$(adj_of "$pid")" "$(adj_of $$)"
}

@test "PROG without -n: exit 2, PROG does not run" {
	bad_usage -- touch "$T/ran"
	assert_line --index 0 'oomguard: parse arguments touch: needs -n SCORE'
	[ ! -e "$T/ran" ]
}

@test "--strict without PROG: exit 2" {
	spawn
	bad_usage --strict -n 5 -p "$pid"
	assert_line --index 0 'oomguard: parse option --strict: goes with PROG'
}

@test "-w, -b, --exe, --name without -f: exit 2" {
	spawn
	for o in '-w 5' -b '--exe /bin/sleep' '--name sleep'; do
		# shellcheck disable=SC2086 # split on purpose
		bad_usage -n 5 -p "$pid" $o
		assert_line --index 0 --partial 'goes with -f'
	done
}

@test "-f without -n: exit 2" {
	bad_usage -f "$T/pid"
	assert_line --index 0 'oomguard: parse option -f: needs -n SCORE'
}

@test "a bad -w: exit 2, named" {
	run -2 "$OG" -n 5 -f "$T/pid" -w soon
	assert_output "oomguard: parse wait soon: not a whole number of seconds from 0 to 31536000"
}

@test "missing option values: exit 2, the option named" {
	for o in -n -p -f -w --adjust --pid --pidfile --wait; do
		run -2 "$OG" "$o"
		assert_line --index 0 "oomguard: parse option $o: needs a value"
	done
}

@test "a missing value after other options: the option named" {
	run -2 "$OG" -T -n
	assert_line --index 0 'oomguard: parse option -n: needs a value'
	run -2 "$OG" -Tp
	assert_line --index 0 'oomguard: parse option -p: needs a value'
}

@test "unknown options: exit 2, the option named" {
	bad_usage --bogus
	assert_line --index 0 'oomguard: parse option --bogus: unknown option'
	bad_usage -x
	assert_line --index 0 'oomguard: parse option -x: unknown option'
	spawn
	bad_usage -n 5 -Tx -p "$pid"
	assert_line --index 0 'oomguard: parse option -x: unknown option'
	bad_usage -xT
	assert_line --index 0 'oomguard: parse option -x: unknown option'
	bad_usage --tree=1
	assert_line --index 0 'oomguard: parse option --tree=1: unknown option'
}

@test "-h prints the usage and help to stdout, exit 0" {
	run -0 --separate-stderr "$OG" -h
	assert_equal "$stderr" ''
	assert_line --index 0 --partial 'usage: oomguard -n SCORE'
	assert_line --partial 'Exit: 0 done'
	run -0 --separate-stderr "$OG" --help
	assert_line --index 0 --partial 'usage: oomguard -n SCORE'
}

@test "-V prints the version, exit 0" {
	run -0 --separate-stderr "$OG" -V
	assert_output 'oomguard 0.1.0'
	run -0 "$OG" --version
	assert_output 'oomguard 0.1.0'
}

@test "the version is the Makefile's" {
	want=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")
	run -0 "$OG" -V
	assert_output "oomguard $want"
}

@test "a full stdout is an error: exit 1" {
	[ -w /dev/full ] || fail '/dev/full is needed'
	run -1 sh -c '"$0" -V >/dev/full' "$OG"
	assert_output --partial 'oomguard: write standard output'
}

@test "usage errors change nothing even when a good PID comes first" {
	spawn
	echo 19 >"/proc/$pid/oom_score_adj"
	run -2 "$OG" -n 600 -p "$pid" --bogus
	assert_equal "$(adj_of "$pid")" 19
}

# One grammar (getopt_long) for every command line: each option that takes
# a value, in its attached (-n5), separate (-n 5) and = (--adjust=5) forms.
@test "oomguard: -n, --adjust, -p, --pid in every form" {
	spawn
	n=300
	for form in "-n301 -p$pid" "-n 302 -p $pid" "--adjust=303 --pid=$pid" "--adjust 304 --pid $pid"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # split on purpose
		run -0 "$OG" $form
		assert_equal "$(adj_of "$pid")" "$n"
	done
}

@test "oomguard: -f, --pidfile, -w, --wait, --exe, --name in every form" {
	spawn
	echo "$pid" >"$T/pid"
	exe=$(readlink "/proc/$pid/exe")
	n=310
	# A long option has no attached form: whole, then its value, or with =.
	for form in "-f$T/pid -w5" "-f $T/pid -w 5 --exe $exe --name sleep" \
		"--pidfile=$T/pid --wait=5 --exe=$exe --name=sleep" "--pidfile $T/pid --wait 5"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # split on purpose
		run -0 "$OG" -n "$n" $form
		assert_equal "$(adj_of "$pid")" "$n"
	done
}

@test "oomguard: --exe and --name without their value are named as such" {
	for o in --exe --name; do
		run -2 "$OG" -n 5 -f "$T/pid" "$o"
		assert_line --index 0 "oomguard: parse option $o: needs a value"
		assert_line --index 1 --partial 'usage: oomguard'
	done
}

@test "oomguard apply: -c attached and separate; -- ends the options" {
	spawn
	echo 'x 321' >"$T/c.conf"
	run -0 "$OG" apply -c"$T/c.conf" x "$pid"
	assert_equal "$(adj_of "$pid")" 321
	echo 'x 322' >"$T/c.conf"
	run -0 "$OG" apply -c "$T/c.conf" x "$pid"
	assert_equal "$(adj_of "$pid")" 322
	echo 'x 323' >"$T/c.conf"
	run -0 "$OG" apply -c "$T/c.conf" -- x "$pid"
	assert_equal "$(adj_of "$pid")" 323
}

@test "oomguard apply: usage errors in the one style: the fault, then the usage, exit 2" {
	spawn
	run -2 "$OG" apply -x n "$pid"
	assert_line --index 0 'oomguard: parse option -x: unknown option'
	assert_line --index 1 'usage: oomguard apply [-c CONFIG] [-r] NAME PID'
	run -2 "$OG" apply -c
	assert_line --index 0 'oomguard: parse option -c: needs a value'
	assert_line --index 1 'usage: oomguard apply [-c CONFIG] [-r] NAME PID'
	run -2 "$OG" apply --config="$T/c.conf" n "$pid"
	assert_line --index 0 "oomguard: parse option --config=$T/c.conf: unknown option"
}

@test "oomguard apply: options stop at NAME" {
	spawn
	before=$(adj_of "$pid")
	echo 'x 324' >"$T/c.conf"
	run -2 "$OG" apply x -c "$T/c.conf" "$pid"
	assert_line --index 0 --partial 'apply takes [-c CONFIG] [-r] NAME PID'
	assert_equal "$(adj_of "$pid")" "$before"
}

@test "oom-kill-protect: nosh's grammar: options stop at LEVEL, even with POSIXLY_CORRECT unset" {
	K=$TOP/bin/oom-kill-protect
	# Everything after LEVEL is PROG's, options that look like ours included.
	run -0 "$K" 330 sh -c 'cat /proc/self/oom_score_adj; echo "$@"' sh --oknoaccess -h
	assert_output "$(printf '330\n--oknoaccess -h')"
	run -0 "$K" --oknoaccess -- 331 printf '[%s]' --help
	assert_output '[--help]'
	POSIXLY_CORRECT=1 run -0 "$K" --oknoaccess 332 cat /proc/self/oom_score_adj
	assert_output 332
}

@test "oom-kill-protect: a long option is never taken abbreviated, nor with a value" {
	K=$TOP/bin/oom-kill-protect
	run -1 "$K" --okno 5 true
	assert_line --index 0 'oom-kill-protect: parse option --okno: unknown option'
	assert_line --index 1 'usage: oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]'
	run -1 "$K" --hel 5 true
	assert_line --index 0 'oom-kill-protect: parse option --hel: unknown option'
	run -1 "$K" --oknoaccess=1 5 true
	assert_line --index 0 'oom-kill-protect: parse option --oknoaccess=1: unknown option'
	run -1 "$K" -x 5 true
	assert_line --index 0 'oom-kill-protect: parse option -x: unknown option'
	run -0 "$K" -h
	assert_output 'usage: oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]'
}
