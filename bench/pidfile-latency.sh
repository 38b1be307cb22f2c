#!/bin/sh
# bench/pidfile-latency.sh - time from a pidfile being written to the score
# being visible in /proc/PID/oom_score_adj, for oomguard -f with inotify,
# oomguard -f in its polling fallback (OOMGUARD_NO_INOTIFY=1), and the
# `while sleep 1` shell loop that oomguard replaces.
#
# Usage: bench/pidfile-latency.sh [TRIALS]     (default 200)
#
# Method: bench/pidfile-latency.c (with bench/bench.c), compiled here, runs
# the trials.  For oomguard, each trial starts a fresh `oomguard -n 100 -f
# PIDFILE -w 10`, waits until it is ready (its inotify watch is in its
# fdinfo, or it said it polls), forks a target process, waits a random
# 0..40 ms (so that the write falls at a random phase of the 20 ms poll),
# writes "PID\n" to the pidfile, and spins (yielding) on the target's
# oom_score_adj until it reads 100.  The shell loop is started once; each
# trial waits a random 0..1000 ms, for the same reason.  Reported: median
# and 99th percentile (the ceil(0.99 N)-th smallest) of the N latencies,
# in ms.
# The score is positive (100): lowering it needs CAP_SYS_RESOURCE.
#
# Needs: cc, awk, and bin/oomguard (`make`).  It installs nothing.

set -eu

cd "$(dirname "$0")/.."
N=${1:-200}
case $N in '' | *[!0-9]*) printf 'usage: %s [TRIALS]\n' "$0" >&2; exit 2 ;; esac
CC=${CC:-cc}
if [ ! -x bin/oomguard ]; then
	echo "bench/pidfile-latency.sh: bin/oomguard missing: run make first" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$CC" -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$tmp/lat" \
	bench/pidfile-latency.c bench/bench.c

# stats FILE: median and p99 in ms.
# shellcheck source=bench/stats.sh
. bench/stats.sh

og=$(pwd)/bin/oomguard
"$tmp/lat" each "$N" 40 "$tmp/d.pid" 100 "$og" -n 100 -f "$tmp/d.pid" -w 10 >"$tmp/inotify"
OOMGUARD_NO_INOTIFY=1 "$tmp/lat" each "$N" 40 "$tmp/d.pid" 100 \
	"$og" -n 100 -f "$tmp/d.pid" -w 10 >"$tmp/polling"
# shellcheck disable=SC2016 # expanded by the loop's own sh
"$tmp/lat" once "$N" 1000 "$tmp/d.pid" 100 sh -c \
	'while sleep 1; do p=$(cat "$1") && echo 100 >"/proc/$p/oom_score_adj"; done 2>/dev/null' \
	sh "$tmp/d.pid" >"$tmp/loop"

printf '%s trials each; %s CPUs, kernel %s, %s\n\n' "$N" "$(nproc)" "$(uname -r)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '| method | median (ms) | p99 (ms) | median vs shell loop |\n|---|---:|---:|---:|\n'
{ stats "$tmp/inotify"; stats "$tmp/polling"; stats "$tmp/loop"; } | awk '
	{ med[NR] = $1; p99[NR] = $2 }
	END {
		name[1] = "oomguard -f, inotify"
		name[2] = "oomguard -f, polling fallback (20 ms)"
		name[3] = "`while sleep 1` shell loop"
		for (i = 1; i <= 3; i++)
			printf "| %s | %.3f | %.3f | %s |\n", name[i], med[i], p99[i],
			    i == 3 ? "1" : sprintf("1/%.0f", med[3] / med[i])
	}'
