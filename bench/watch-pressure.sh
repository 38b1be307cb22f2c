#!/bin/sh
# bench/watch-pressure.sh - the CPU time oomguard watch spends while an
# unprivileged user (nobody) makes events as fast as it can (issue 12).
#
# Usage: bench/watch-pressure.sh [OOMGUARD [SECS]]   (default bin/oomguard, 10)
#
# Method.  The table has a comm= rule (so COMM events matter), a negative
# exe= rule that 80 root processes match (refused here: no
# CAP_SYS_RESOURCE), and a pidfile= rule whose pidfile lies in a directory
# nobody owns, which the watch must watch with inotify.  bench/churn.c,
# compiled here and run as nobody, then for SECS seconds each:
# - comm: renames itself with prctl(PR_SET_NAME) in a loop (COMM events,
#   and ENOBUFS when the socket overflows);
# - rename: renames a file to and fro in the watched directory;
# - paced: the same, sleeping 1 ms after every 8 renames (a flood that a
#   watch as fast as it reads a few events at each wakeup);
# - both at once (comm and rename).
# Reported: the watch's utime+stime (from /proc/PID/stat, in ticks made
# seconds) over each window, the same per operation of the churner (in
# microseconds), its wakeups (voluntary context switches, from
# /proc/PID/status: tests/watch.bats bounds those, not the CPU time, which
# swings with the host's load), the operations the churner made, and the
# lines of log the watch wrote (each refusal should be said once).
#
# Needs: root, cc, setpriv, awk.
set -eu
cd "$(dirname "$0")/.."
og=${1:-$(pwd)/bin/oomguard}
secs=${2:-10}
CC=${CC:-cc}
# The table must sit under root-owned directories only (oomguard.conf(5)).
install -d -m 755 /run/oomguard-tests
tmp=$(mktemp -d /run/oomguard-tests/bench.XXXXXX)
chmod 755 "$tmp"
daemon=
hogs=
cleanup() {
	for p in $daemon $hogs; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
"$CC" -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$tmp/churn" bench/churn.c
cp /bin/sleep "$tmp/hogx"
mkdir -m 755 "$tmp/user"
chown nobody:nogroup "$tmp/user"
printf 'apt 900 comm=apt-check\nprot -500 exe=%s/hogx\nsvc 600 pidfile=%s/user/svc.pid\n' \
	"$tmp" "$tmp" >"$tmp/og.conf"
chmod 644 "$tmp/og.conf"
i=0
while [ "$i" -lt 80 ]; do
	"$tmp/hogx" 1000 &
	hogs="$hogs $!"
	i=$((i + 1))
done

"$og" watch -c "$tmp/og.conf" >"$tmp/log" 2>&1 &
daemon=$!
n=0
until grep -q 'rules from' "$tmp/log"; do
	n=$((n + 1))
	if [ "$n" -gt 200 ]; then echo "bench/watch-pressure.sh: the daemon did not start" >&2; exit 1; fi
	sleep 0.05
done

tck=$(getconf CLK_TCK)
cpu() { sed 's/.*) //' "/proc/$daemon/stat" | awk '{ print $12 + $13 }'; }
wakeups() { awk '$1 == "voluntary_ctxt_switches:" { print $2 }' "/proc/$daemon/status"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

printf '%s, %s s per window; %s CPUs, kernel %s\n\n' "$og" "$secs" "$(nproc)" "$(uname -r)"
printf '| churn (as nobody) | operations | watch CPU (s) | CPU per operation (us) | wakeups | log lines |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for mode in comm rename paced both; do
	l0=$(wc -l <"$tmp/log")
	w0=$(wakeups)
	c0=$(cpu)
	case $mode in
	comm) ops=$(nobody "$tmp/churn" comm "$secs") ;;
	rename) ops=$(nobody "$tmp/churn" rename "$tmp/user" "$secs") ;;
	paced) ops=$(nobody "$tmp/churn" rename "$tmp/user" "$secs" 8) ;;
	both)
		nobody "$tmp/churn" comm "$secs" >"$tmp/ops1" &
		c=$!
		ops2=$(nobody "$tmp/churn" rename "$tmp/user" "$secs")
		wait "$c"
		ops="$(cat "$tmp/ops1") + $ops2"
		;;
	esac
	c1=$(cpu)
	w1=$(wakeups)
	l1=$(wc -l <"$tmp/log")
	printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$ops" \
		"$(awk -v t="$((c1 - c0))" -v h="$tck" 'BEGIN { printf "%.2f", t / h }')" \
		"$(awk -v t="$((c1 - c0))" -v h="$tck" -v o="$ops" 'BEGIN {
			split(o, a, " [+] "); n = a[1] + a[2]; printf "%.2f", t / h / n * 1e6 }')" \
		"$((w1 - w0))" "$((l1 - l0))"
done
printf '\nRefusal lines in the whole log (80 refused processes): %s\n' \
	"$(grep -c 'pid .*-500' "$tmp/log" || true)"
