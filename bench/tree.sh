#!/bin/sh
# bench/tree.sh - `oomguard -n SCORE -T -p ROOT` on a tree of N sleeping
# processes, against the loop an admin writes instead:
#   for p in $(ps -e -o pid=,ppid= | awk ...the tree of ROOT...); do
#       echo SCORE >/proc/$p/oom_score_adj
#   done
#
# Usage: bench/tree.sh [N [ROUNDS]]     (default 5000 processes, 7 rounds)
#        OTHERS=5000 bench/tree.sh 50    (50 members among 5000 others)
# OLD=PATH: also time another oomguard binary (the code before a change),
# side by side in the same run.
# WRAP=1: a tree across the wrap of PIDs at pid_max (32768 by default, so
# common on a host up for long): the script runs again in a PID namespace
# of its own (unshare -p -f --mount-proc), where ns_last_pid puts the root
# N/2 below pid_max, so about half the members have a lower PID than their
# parent.  Its /proc then holds the tree and the bench alone.
# OTHERS=K: a small tree among many processes (a postmaster and its
# backends on a busy host): in a PID namespace of its own as WRAP=1 (and
# with it, if both are given), K other sleeping processes (a second
# forktree, started first) beside the tree; after each run, every one of
# them must still have the score it had (none is a member).
#
# Method.  bench/forktree.c, compiled here, forks the tree (fan-out 8, so
# 5 levels for 5000) and leaves every process asleep in pause().  Each
# round runs every command once, in an order that rotates by one each
# round, each with a score of its own (so that every run really changes
# every score), and times it with `date +%s%N` around it; after each run
# every member's oom_score_adj is checked (untimed).  The shell's `times`
# around it gives the CPU time (user + system) of the command and of its
# children (ps and awk, for the loop).  Reported: the median of the rounds
# per command, wall and CPU, and their ratios to the loop's: a busy host
# stretches the wall time by waits for a CPU, the CPU time much less.  Then one
# more run of each under `strace -c -f`: the counts of openat, read (and
# pread64), close and write.
# A fourth command, floor (bench/treefloor.c): the 7 system calls -T makes
# for a member, for each member of a list made before, and nothing else:
# what a -T of this design could cost at best.
# The tree lives only while this runs, and is killed (and reaped) at the
# end, on Ctrl-C, or when this script dies: 5000 more processes slow down
# anything else on the host that walks /proc.
# The scores are positive: lowering one needs CAP_SYS_RESOURCE.
#
# Needs: root, cc, awk, ps, strace, bin/oomguard (`make`); WRAP=1 also
# unshare (util-linux).  Installs nothing.
set -eu
cd "$(dirname "$0")/.."
N=${1:-5000}
ROUNDS=${2:-7}
OTHERS=${OTHERS:-0}
case $N$ROUNDS$OTHERS in *[!0-9]*) printf 'usage: %s [N [ROUNDS]]\n' "$0" >&2; exit 2 ;; esac
if { [ "${WRAP:-}" = 1 ] || [ "$OTHERS" -gt 0 ]; } && [ "${TREE_BENCH_NS:-}" != 1 ]; then
	exec env TREE_BENCH_NS=1 unshare -p -f --mount-proc sh "$(pwd)/bench/tree.sh" "$N" "$ROUNDS"
fi
CC=${CC:-cc}
og=$(pwd)/bin/oomguard
old=${OLD:-}
for b in "$og" $old; do
	[ -x "$b" ] || { printf 'bench/tree.sh: %s missing: run make first\n' "$b" >&2; exit 1; }
done
command -v strace >/dev/null || { echo 'bench/tree.sh: strace missing' >&2; exit 1; }
tmp=$(mktemp -d)
ft=
ot=
cleanup() {
	for f in $ft $ot; do
		kill "$f" 2>/dev/null || true
		wait "$f" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
for c in forktree treefloor; do
	"$CC" -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$tmp/$c" "bench/$c.c"
done

# The admin's loop, as a script of its own: the tree by a breadth-first walk
# over ps's parent links (tree.awk, which also lists the members below),
# then dash's builtin echo into each file.
cat >"$tmp/tree.awk" <<'EOF'
{ kids[$2] = kids[$2] " " $1 }
END {
	n = 1; q[1] = r
	for (i = 1; i <= n; i++) {
		m = split(kids[q[i]], a, " ")
		for (j = 1; j <= m; j++) q[++n] = a[j]
	}
	for (i = 1; i <= n; i++) print q[i]
}
EOF
cat >"$tmp/loop.sh" <<EOF
for p in \$(ps -e -o pid=,ppid= | awk -v r="\$1" -f '$tmp/tree.awk'); do
	echo "\$2" >"/proc/\$p/oom_score_adj"
done
EOF

# grow FILE COUNT: forktree of COUNT, its root's PID into FILE; its PID in $grown.
grow() {
	"$tmp/forktree" "$2" 8 >"$1" &
	grown=$!
	i=0
	until [ -s "$1" ]; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { echo 'bench/tree.sh: the tree did not grow' >&2; exit 1; }
		sleep 0.1
	done
}
if [ "$OTHERS" -gt 0 ]; then
	grow "$tmp/oroot" "$OTHERS"
	ot=$grown
fi
if [ "${WRAP:-}" = 1 ]; then
	echo $(($(cat /proc/sys/kernel/pid_max) - N / 2)) >/proc/sys/kernel/ns_last_pid
fi
grow "$tmp/root" "$N"
ft=$grown
root=$(cat "$tmp/root")
# The members' files, once, by the loop's own walk; and how many members
# have a lower PID than their parent (PIDs wrapped).
ps -e -o pid=,ppid= >"$tmp/ps"
awk -v r="$root" -f "$tmp/tree.awk" "$tmp/ps" >"$tmp/members"
sed 's|.*|/proc/&/oom_score_adj|' "$tmp/members" >"$tmp/files"
[ "$(wc -l <"$tmp/files")" -eq "$N" ] || { echo 'bench/tree.sh: the tree is not whole' >&2; exit 1; }
if [ "$OTHERS" -gt 0 ]; then
	awk -v r="$(cat "$tmp/oroot")" -f "$tmp/tree.awk" "$tmp/ps" |
		sed 's|.*|/proc/&/oom_score_adj|' >"$tmp/ofiles"
	[ "$(wc -l <"$tmp/ofiles")" -eq "$OTHERS" ] || { echo 'bench/tree.sh: the others are not whole' >&2; exit 1; }
	oscore=$(cat "$(head -n 1 "$tmp/ofiles")")
fi
wrapped=$(awk 'NR == FNR { m[$1] = 1; next } ($1 in m) && $1 + 0 < $2 + 0 { k++ } END { print k + 0 }' \
	"$tmp/members" "$tmp/ps")

# run NAME SCORE [WRAPPER...]: the command NAME, for a score.
run() {
	rn=$1
	rs=$2
	shift 2
	case $rn in
	oomguard) "$@" "$og" -n "$rs" -T -p "$root" ;;
	old) "$@" "$old" -n "$rs" -T -p "$root" ;;
	loop) "$@" sh "$tmp/loop.sh" "$root" "$rs" ;;
	floor) "$@" "$tmp/treefloor" "$tmp/members" "$rs" ;;
	esac
}
# cmd NAME SCORE: its command line, to print.
cmd() {
	case $1 in
	oomguard) echo "$og -n $2 -T -p $root" ;;
	old) echo "$old -n $2 -T -p $root" ;;
	loop) echo "sh $tmp/loop.sh $root $2" ;;
	floor) echo "$tmp/treefloor $tmp/members $2" ;;
	esac
}
# Every member has SCORE, or stop.
check() {
	# shellcheck disable=SC2016 # awk's own $1
	xargs awk -v s="$2" '$1 != s { bad++ } END { exit bad > 0 }' <"$tmp/files" || {
		printf 'bench/tree.sh: %s left members without score %s\n' "$1" "$2" >&2
		exit 1
	}
	[ "$OTHERS" -eq 0 ] && return
	# shellcheck disable=SC2016 # awk's own $1
	xargs awk -v s="$oscore" '$1 != s { bad++ } END { exit bad > 0 }' <"$tmp/ofiles" || {
		printf 'bench/tree.sh: %s wrote a process out of the tree\n' "$1" >&2
		exit 1
	}
}

# The children's user + system time between cpu0 and cpu1, in us: `times`
# prints the shell's own line, then its children's, "0m0.123456s 0m0.05s".
cpu_us() {
	cat "$tmp/cpu0" "$tmp/cpu1" | awk '
		function s(x) { split(x, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		NR == 2 { c0 = s($1) + s($2) }
		NR == 4 { c1 = s($1) + s($2) }
		END { printf "%d\n", (c1 - c0) * 1e6 }'
}

names="oomguard${old:+ old} loop floor"
# shellcheck disable=SC2086 # one word per name
set -- $names
ncmds=$#
# A first run of each, untimed: the first look at each /proc/PID costs more
# (its dentries and inodes are made), whoever is first.
score=100
for name in $names; do
	score=$((score + 1))
	run "$name" "$score"
	check "$name" "$score"
done
r=1
while [ "$r" -le "$ROUNDS" ]; do
	k=0
	while [ "$k" -lt "$ncmds" ]; do
		# shellcheck disable=SC2086 # one word per name
		set -- $names
		shift $(( (r - 1 + k) % ncmds ))
		name=$1
		score=$((score + 1))
		times >"$tmp/cpu0"
		t0=$(date +%s%N)
		run "$name" "$score"
		t1=$(date +%s%N)
		times >"$tmp/cpu1"
		check "$name" "$score"
		echo "$name $(( (t1 - t0) / 1000 )) $(cpu_us)" >>"$tmp/times"
		k=$((k + 1))
	done
	r=$((r + 1))
done

# strace -c -f: the system calls of one run of each.
for name in $names; do
	score=$((score + 1))
	run "$name" "$score" strace -c -f -o "$tmp/strace.$name"
	check "$name" "$score"
done

printf '%s processes (fan-out 8), %s with a lower PID than their parent, among %s others; %s rounds; %s CPUs, kernel %s, %s\n\n' \
	"$N" "$wrapped" "$OTHERS" "$ROUNDS" "$(nproc)" "$(uname -r)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '| command | wall, median (ms) | per-round min..max | wall vs loop | CPU, median (ms) | CPU vs loop |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for name in $names; do
	awk -v n="$name" '$1 == n' "$tmp/times" | awk -v n="$name" '
		function med(v, k) { return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
		{ w[NR] = $2; c[NR] = $3 }
		END {
			k = NR
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) {
				if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
				if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
			}
			printf "%s %.1f %.1f %.1f %.1f\n", n, med(w, k) / 1000, w[1] / 1000, w[k] / 1000, med(c, k) / 1000
		}'
done >"$tmp/summary"
awk '
	{ name[NR] = $1; med[NR] = $2; lo[NR] = $3; hi[NR] = $4; cpu[NR] = $5
	  if ($1 == "loop") { l = $2; lc = $5 } }
	END {
		for (i = 1; i <= NR; i++)
			printf "| %s | %.1f | %.1f..%.1f | %s | %.1f | %s |\n", name[i], med[i], lo[i], hi[i],
			    name[i] == "loop" ? "1" : sprintf("1/%.2f", l / med[i]), cpu[i],
			    name[i] == "loop" ? "1" : sprintf("1/%.2f", lc / cpu[i])
	}' "$tmp/summary"
printf '\n| command | openat | read | pread64 | close | write | all system calls | all per member |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
for name in $names; do
	# strace -c: % time, seconds, usecs/call, calls, [errors,] syscall.
	awk -v n="$name" -v m="$N" '
		$NF ~ /^(openat|read|pread64|close|write)$/ { c[$NF] = $4 }
		$NF == "total" { t = $4 }
		END {
			printf "| %s | %d | %d | %d | %d | %d | %d | %.1f |\n", n, c["openat"], c["read"],
			    c["pread64"], c["close"], c["write"], t, t / m
		}' "$tmp/strace.$name"
done
printf '\ncommands:\n'
for name in $names; do printf '  %-9s %s\n' "$name" "$(cmd "$name" SCORE)"; done
