#!/bin/sh
# bench/watch.sh - oomguard watch against the `while true; ...; sleep 60`
# shell loop it replaces: reaction time, resident memory, idle wakeups.
#
# Usage: bench/watch.sh [EVENTS]     (default 200)
#
# Method.  bench/watch-latency.c (with bench/bench.c), compiled here, makes
# the events:
# - exec: fork, note the time in shared memory in the child, exec a copy of
#   sleep ($tmp/hogx) that an exe= rule raises to 700; spin (yielding) on
#   its oom_score_adj until it reads 700.  With the proc connector, then
#   with the rescan forced (OOMGUARD_NO_PROC_EVENTS=1 -i 1), each event
#   after a random 0..DELAY ms so that it falls at a random phase of the
#   rescan period.
# - pidfile: a process that only waits, then "PID\n" written to a pidfile
#   that a pidfile= rule names; time until its score is 700.
# Reported: median and 99th percentile (the ceil(0.99 N)-th smallest), ms.
# Idle: bin/oomguard-static watch and the shell loop side by side for 60 s
# with nothing of ours happening: voluntary context switches (each is a
# wakeup after a sleep) over the window, VmRSS at its end, and the number
# of processes the host forked meanwhile (the proc connector is system-wide:
# an exec anywhere wakes the daemon, rightly).
# The shell loop's reaction time is not measured: it is uniform over its
# 60 s period by construction (median 30 s, p99 59.4 s, plus its pgrep).
# The score is positive (700): lowering needs CAP_SYS_RESOURCE.
#
# Needs: root, cc, awk, pgrep, bin/oomguard-static (`make static`).

set -eu

cd "$(dirname "$0")/.."
N=${1:-200}
case $N in '' | *[!0-9]*) printf 'usage: %s [EVENTS]\n' "$0" >&2; exit 2 ;; esac
CC=${CC:-cc}
og=$(pwd)/bin/oomguard-static
if [ ! -x "$og" ]; then
	echo "bench/watch.sh: $og missing: run make static first" >&2
	exit 1
fi
tmp=$(mktemp -d)
daemon=
loop=
cleanup() {
	for p in $daemon $loop; do kill "$p" 2>/dev/null || true; done
	if [ -n "$loop" ]; then pkill -P "$loop" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
"$CC" -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$tmp/lat" \
	bench/watch-latency.c bench/bench.c
cp /bin/sleep "$tmp/hogx"
printf 'hog 700 exe=%s/hogx\nsvc 700 pidfile=%s/run/svc.pid\n' "$tmp" "$tmp" >"$tmp/og.conf"
chmod 644 "$tmp/og.conf"
mkdir "$tmp/run"

# Start the daemon with ARGS (environment before), wait for its first pass.
start_daemon() {
	: >"$tmp/log"
	"$@" >"$tmp/log" 2>&1 &
	daemon=$!
	n=0
	until grep -q 'rules from' "$tmp/log"; do
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then echo "bench/watch.sh: the daemon did not start" >&2; exit 1; fi
		sleep 0.1
	done
}
stop_daemon() {
	kill "$daemon"
	wait "$daemon" || true
	daemon=
}

# stats FILE ' | ': median and p99 in ms, as two table cells.
# shellcheck source=bench/stats.sh
. bench/stats.sh

# A field of /proc/PID/status, the number only.
status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
forks() { awk '$1 == "processes" { print $2 }' /proc/stat; }

start_daemon "$og" watch -c "$tmp/og.conf"
"$tmp/lat" exec "$N" 10 "$tmp/hogx" 700 >"$tmp/exec-pc"
"$tmp/lat" pidfile "$N" 10 "$tmp/run/svc.pid" 700 >"$tmp/pidfile-pc"
stop_daemon
start_daemon env OOMGUARD_NO_PROC_EVENTS=1 "$og" watch -c "$tmp/og.conf" -i 1
"$tmp/lat" exec "$N" 1000 "$tmp/hogx" 700 >"$tmp/exec-rescan"
stop_daemon

# Idle, side by side.
start_daemon "$og" watch -c "$tmp/og.conf"
# shellcheck disable=SC2016 # the loop's own sh expands it
sh -c 'while true; do for p in $(pgrep -x hogx); do echo 700 >/proc/$p/oom_score_adj; done; sleep 60; done' &
loop=$!
sleep 2
d0=$(status_of "$daemon" voluntary_ctxt_switches)
l0=$(status_of "$loop" voluntary_ctxt_switches)
f0=$(forks)
sleep 60
d1=$(status_of "$daemon" voluntary_ctxt_switches)
l1=$(status_of "$loop" voluntary_ctxt_switches)
f1=$(forks)
drss=$(status_of "$daemon" VmRSS)
lrss=$(status_of "$loop" VmRSS)
srss=0
for p in $(pgrep -P "$loop"); do srss=$((srss + $(status_of "$p" VmRSS))); done

printf '%s events each; %s CPUs, kernel %s, %s\n\n' "$N" "$(nproc)" "$(uname -r)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '| reaction | median (ms) | p99 (ms) |\n|---|---:|---:|\n'
printf '| exec to score, proc connector | %s |\n' "$(stats "$tmp/exec-pc" ' | ')"
printf '| pidfile write to score, inotify | %s |\n' "$(stats "$tmp/pidfile-pc" ' | ')"
printf '| exec to score, rescan every 1 s | %s |\n' "$(stats "$tmp/exec-rescan" ' | ')"
# shellcheck disable=SC2016 # backquotes are Markdown
printf '| `while true; ...; sleep 60` loop (by construction) | 30000 | 59400 |\n\n'
printf '| idle, 60 s | wakeups per minute | VmRSS (KiB) |\n|---|---:|---:|\n'
printf '| oomguard-static watch | %s | %s |\n' "$((d1 - d0))" "$drss"
printf '| shell loop (sh, plus its sleep) | %s, and 2 processes started | %s + %s |\n' \
	"$((l1 - l0))" "$lrss" "$srss"
printf '\nThe host forked %s processes during the idle minute.\n' "$((f1 - f0))"
