#!/usr/bin/env bats
# Old hosts: the static build on older kernels, shown for real by running it
# under bin/oldkernel (a seccomp filter: every system call newer than the
# kernel named fails with ENOSYS, as it would there), and the dynamic
# build's needs from glibc, against RHEL 6's glibc 2.12.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
# shellcheck disable=SC2030,SC2031 # $DPID is each test's own
bats_require_minimum_version 1.5.0
load common

# x86-64 system call numbers grow with each release: the last of each.
K2632=298 # 2.6.32 (perf_event_open); 299, recvmmsg, is 2.6.33
K2626=293 # 2.6.26 (pipe2); 294, inotify_init1, is 2.6.27
NR_INOTIFY_INIT=253

local_setup() {
	S=$TOP/bin/oomguard-static
	K=$TOP/bin/oldkernel
	[ -x "$S" ] || fail "$S is missing: run make static"
	[ -x "$K" ] || fail "$K is missing: run make bin/oldkernel"
	DPID=
	cp /bin/sleep "$T/hogx"
}

local_teardown() {
	if [ -n "$DPID" ]; then kill -9 "$DPID" 2>/dev/null || true; fi
}

# The filter is real: a call newer than the kernel named is refused.
@test "bin/oldkernel refuses what the kernel named lacks, and only that" {
	# prlimit64 (302) is 2.6.36: util-linux's prlimit uses it.
	run -0 prlimit --pid $$ --nofile
	run -1 "$K" "$K2632" -- prlimit --pid $$ --nofile
	assert_output --partial 'Function not implemented'
	run -0 "$K" 302 -- prlimit --pid $$ --nofile
	run -2 "$K" x -- true
	assert_output 'oldkernel: parse x: not a system call number'
}

@test "2.6.32: chain-load, -p, -T and the refusals work as on this kernel" {
	run -0 "$K" "$K2632" -- "$S" -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 300
	start sh -c 'sleep 1000 & wait'
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	run -0 "$K" "$K2632" -- "$S" -n 710 -T -p "$pid"
	assert_equal "$(adj_of "$pid") $(adj_of "$(descendants "$pid")")" '710 710'
	run -0 "$K" "$K2632" -- "$S" -p "$pid"
	assert_output "$(choom -p "$pid")"
	run -1 "$K" "$K2632" -- "$S" -n -1 -p "$pid"
	assert_output --partial CAP_SYS_RESOURCE
	run -127 "$K" "$K2632" -- "$S" -n 1 -- no-such-program-oomguard
}

# PID waits: an inotify watch is in place, or it said that it polls.
waiting() { grep -qs '^inotify wd:' "/proc/$1/fdinfo/"* || [ -s "$T/err" ]; }

# Wait for $T/x.pid under the filter ARGS, write it, check the score; the
# daemon's messages are left in $T/err.
pidfile_round() {
	spawn
	"$K" "$@" -- "$S" -n 420 -f "$T/run/x.pid" -w 10 2>"$T/err" &
	w=$!
	# Only once it waits, so that the directory is really made later.
	wait_for waiting "$w"
	mkdir "$T/run"
	echo "$pid" >"$T/run/x.pid"
	wait "$w"
	adj_is "$pid" 420
}

@test "2.6.32: -f waits with inotify, through a directory made later" {
	pidfile_round "$K2632"
	assert_equal "$(cat "$T/err")" ''
}

@test "2.6.26 (no inotify_init1): -f still waits with inotify, not by polling" {
	pidfile_round "$K2626"
	assert_equal "$(cat "$T/err")" ''
}

@test "no inotify at all: -f says so, polls, and still gets there" {
	pidfile_round "$K2626" "$NR_INOTIFY_INIT"
	assert_equal "$(cat "$T/err")" \
		"oomguard-static: watch pidfile $T/run/x.pid: inotify Function not implemented; polling every 20 ms instead"
}

# watch on KERNEL: an exe= rule through the proc connector and a pidfile=
# rule through inotify, both without a rescan.
watch_round() {
	printf '%s\n' "hog 650 exe=$T/hogx" "svc 330 pidfile=$T/svc.pid" >"$T/og.conf"
	chmod 644 "$T/og.conf"
	"$K" "$1" -- "$S" watch -c "$T/og.conf" -i 600 >"$T/watch.log" 2>&1 3>&- &
	DPID=$!
	wait_for grep -q 'rules from' "$T/watch.log"
	"$T/hogx" 1000 3>&- &
	h=$!
	PIDS="$PIDS $h"
	wait_for adj_is "$h" 650
	spawn
	# Named in the log by its comm: wait until bash's fork is sleep.
	wait_for comm_is "$pid" sleep
	echo "$pid" >"$T/svc.pid"
	wait_for adj_is "$pid" 330
	# No word of a fallback: events and inotify both at work.
	run cat "$T/watch.log"
	assert_output "$(printf '%s\n' "oomguard-static: watch: 2 rules from $T/og.conf; new processes seen by the proc connector" \
		"oomguard-static: set pid $h (hogx) OOM score 650: rule hog (exe)" \
		"oomguard-static: set pid $pid (sleep) OOM score 330: rule svc (pidfile)")"
}

@test "2.6.32: watch follows execs and pidfiles as it does here" {
	watch_round "$K2632"
}

@test "2.6.26: watch's pidfile rules still use inotify" {
	watch_round "$K2626"
}

# Built here against glibc 2.36, the binary says which versions of each
# function it links to.  Everything must exist in glibc 2.12 (RHEL 6,
# Ubuntu 12.04 has 2.15); the few listed have a newer version here only
# because glibc gave an old function a new version, or moved it into libc.
@test "the dynamic build needs nothing from glibc newer than 2.12" {
	run -0 objdump -T "$OG"
	newer=$(printf '%s\n' "$output" | awk '
		$(NF-1) ~ /^\(?GLIBC_[0-9.]+\)?$/ {
			v = $(NF-1); gsub(/[()]|GLIBC_/, "", v)
			split(v, a, "."); if (a[1] > 2 || a[2] > 12) print $NF "@" v
		}' | sort)
	# memcpy@2.14: the non-overlapping memcpy, built as memcpy@2.2.5 there.
	# clock_gettime@2.17: in librt before, which the Makefile links (-lrt).
	# stat, fstat, lstat, fstatat@2.33, __libc_start_main@2.34: wrappers
	# of __xstat and friends, and the start-up code, before.
	allowed='__libc_start_main@2.34 clock_gettime@2.17 fstat@2.33 fstatat@2.33 lstat@2.33 memcpy@2.14 stat@2.33'
	for s in $newer; do
		case " $allowed " in
		*" $s "*) ;;
		*) fail "$s: newer than glibc 2.12" ;;
		esac
	done
	# And -lrt is there for the old ones.
	grep -q '^LDLIBS *= *-lrt' "$TOP/Makefile"
}
