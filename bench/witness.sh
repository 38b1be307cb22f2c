#!/bin/sh
# bench/witness.sh - what the OOM witness costs the watch (issue 24): the
# watch of this tree and an older one (OLD=, built before the witness) side
# by side, over the same windows:
# - idle: W seconds (default 30) in which the kernel logs nothing of ours:
#   voluntary context switches (each a wakeup after a sleep) of each, and
#   the processes the host forked meanwhile (the proc connector wakes both
#   watches for every exec anywhere, rightly);
# - a log line: N lines (default 100) written to /dev/kmsg, one open each
#   (printk.devkmsg rate-limits each open file), 20 ms apart: the wakeups of
#   each over the same window, so the difference is the witness's;
# - VmRSS of each at the end, and of the new one after it recorded a kill
#   (a real OOM kill in a memory cgroup of 32 MiB, cgroup v1 or v2).
#
# Usage: OLD=PATH bench/witness.sh [W] [N]
#   e.g.  git worktree add /tmp/old 425cb82 && make -C /tmp/old static &&
#         make static && OLD=/tmp/old/bin/oomguard-static bench/witness.sh
#
# Needs: root, awk, bin/oomguard-static (`make static`) and bin/hog
# (`make test-bins`).

set -eu

cd "$(dirname "$0")/.."
W=${1:-30}
N=${2:-100}
new=$(pwd)/bin/oomguard-static
old=${OLD:-}
for b in "$new" "$old" bin/hog; do
	if [ ! -x "$b" ]; then
		echo "bench/witness.sh: '$b' missing: make static test-bins, and OLD=an older oomguard-static" >&2
		exit 1
	fi
done
tmp=$(mktemp -d /run/oomguard-bench.XXXXXX)
chmod 755 "$tmp"
pids=
cg=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	if [ -n "$cg" ]; then
		while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$cg/cgroup.procs" || :
		sleep 0.2
		rmdir "$cg" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
printf 'hog 700 comm=witnesshog\n' >"$tmp/og.conf"
chmod 644 "$tmp/og.conf"

status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
forks() { awk '$1 == "processes" { print $2 }' /proc/stat; }
wakeups() { status_of "$1" voluntary_ctxt_switches; }

# start NAME BINARY: a watch with its own state directory; its PID in $started.
start() {
	mkdir -m 700 "$tmp/$1.state"
	OOMGUARD_STATE_DIR=$tmp/$1.state "$2" watch -c "$tmp/og.conf" >"$tmp/$1.log" 2>&1 &
	started=$!
	pids="$pids $started"
	n=0
	until grep -q 'rules from' "$tmp/$1.log"; do
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then echo "bench/witness.sh: the $1 watch did not start" >&2; exit 1; fi
		sleep 0.1
	done
}
start new "$new"
neww=$started
start old "$old"
oldw=$started
sleep 2

n0=$(wakeups "$neww") o0=$(wakeups "$oldw") f0=$(forks)
sleep "$W"
n1=$(wakeups "$neww") o1=$(wakeups "$oldw") f1=$(forks)

i=0
while [ "$i" -lt "$N" ]; do
	printf '<12>bench/witness.sh: a kernel log line %d\n' "$i" >/dev/kmsg
	sleep 0.02
	i=$((i + 1))
done
sleep 1
n2=$(wakeups "$neww") o2=$(wakeups "$oldw") f2=$(forks)
nrss=$(status_of "$neww" VmRSS) orss=$(status_of "$oldw" VmRSS)

# A real OOM kill of a process of the rule, for the new watch to record.
parent=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
if [ -n "$parent" ]; then
	cg=$parent/oomguard-bench.$$
	mkdir "$cg"
	echo $((32 * 1024 * 1024)) >"$cg/memory.limit_in_bytes"
	echo 0 >"$cg/memory.swappiness"
else
	parent=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	cg=$parent/oomguard-bench.$$
	mkdir "$cg"
	echo $((32 * 1024 * 1024)) >"$cg/memory.max"
fi
cp bin/hog "$tmp/witnesshog"
# shellcheck disable=SC2016 # the child sh expands it
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -s 4 -d 20 256' sh "$cg" "$tmp/witnesshog" \
	>/dev/null 2>&1 &
n=0
until grep -q 'hog' "$tmp/new.state/.oom-kills" 2>/dev/null; do
	n=$((n + 1))
	if [ "$n" -gt 200 ]; then echo "bench/witness.sh: no kill recorded" >&2; exit 1; fi
	sleep 0.05
done
krss=$(status_of "$neww" VmRSS)

printf '%s CPUs, kernel %s; W=%s s, N=%s lines\n\n' "$(nproc)" "$(uname -r)" "$W" "$N"
printf '| window | host forks | wakeups, this watch | wakeups, OLD watch |\n|---|---:|---:|---:|\n'
printf '| idle, %s s | %s | %s | %s |\n' "$W" "$((f1 - f0))" "$((n1 - n0))" "$((o1 - o0))"
printf '| %s kernel log lines | %s | %s | %s |\n' "$N" "$((f2 - f1))" "$((n2 - n1))" "$((o2 - o1))"
printf '\n| VmRSS (KiB) | this watch | OLD watch |\n|---|---:|---:|\n'
printf '| after the windows | %s | %s |\n' "$nrss" "$orss"
printf '| after it recorded an OOM kill | %s | |\n' "$krss"
