#!/bin/sh
# make demo: the user's story under a real OOM kill, in under 30 seconds.
# A MySQL-like daemon and a swarm of apt-check-like hogs share a memory
# cgroup too small for all of them; the kernel's OOM killer must choose.
# Without oomguard it kills the daemon; with oomguard (chain-load, -p, or
# the pidfile wait) the daemon survives and hogs die.  Root only; exits 0
# when every outcome is the expected one, 1 otherwise or when it cannot run.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd) || exit 1
OG=${OOMGUARD_BIN:-$TOP/bin/oomguard}
# shellcheck source=tests/oomcg.bash
. "$TOP/tests/oomcg.bash"
# shellcheck source=tests/wait.sh
. "$TOP/tests/wait.sh"

LIMIT=128 # MiB, the cgroup's
DB_MIB=56 # mysqld: more than any single apt-check
HOG_MIB=24
NHOGS=6

say() { printf '%s\n' "$*"; }
die() {
	say "oomguard demo: $*" >&2
	exit 1
}

for f in "$OG" "$CG_HOG"; do
	[ -x "$f" ] || die "$f is missing: run make demo (it builds it)"
done
cg_usable || die "cannot run here: $CG_WHY"

tmp=$(mktemp -d) || die "mktemp failed"
cleanup() {
	cg_destroy
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cg_create "$tmp" "$LIMIT" || die "cannot run here: $CG_WHY"

# The same memory hog under the names of the story (ps and the kernel's log
# show them so).
mkdir "$tmp/bin" "$tmp/run"
ln -s "$CG_HOG" "$tmp/bin/mysqld"
ln -s "$CG_HOG" "$tmp/bin/apt-check"
CG_HOG=$tmp/bin/apt-check
pidf=$tmp/run/mysqld.pid

db_up() { [ "$(cat "$pidf" 2>/dev/null)" = "$db" ] && cg_alive "$db"; }
db_score_is() { [ "$(cat "/proc/$db/oom_score_adj" 2>/dev/null)" = "$1" ]; }

bad=0
row() { printf '  %-34s %-14s %-10s %s\n' "$@"; }

# scenario MODE LABEL
scenario() {
	rm -f "$pidf"
	case $1 in
	none | pid)
		"$CG_IN" "$tmp/bin/mysqld" -p "$pidf" "$DB_MIB" </dev/null >/dev/null 2>&1 &
		;;
	chain)
		"$CG_IN" "$OG" -n "$CG_PROTECT" -- "$tmp/bin/mysqld" -p "$pidf" "$DB_MIB" \
			</dev/null >/dev/null 2>&1 &
		;;
	pidfile)
		"$CG_IN" "$OG" -n "$CG_PROTECT" -f "$pidf" -w 20 -b </dev/null >/dev/null 2>&1
		"$CG_IN" "$tmp/bin/mysqld" -p "$pidf" "$DB_MIB" </dev/null >/dev/null 2>&1 &
		;;
	esac
	db=$!
	wait_for db_up || die "mysqld did not start"
	want=$CG_PROTECT
	if [ "$1" = none ]; then
		want=$CG_BASE
	elif [ "$1" = pid ]; then
		"$OG" -n "$CG_PROTECT" -p "$db" >/dev/null
	fi
	wait_for db_score_is "$want" || :
	score=$(cat "/proc/$db/oom_score_adj")

	cg_episode "$tmp/hogs.$1" "$NHOGS" "$HOG_MIB" "$db" ||
		die "the apt-check swarm neither held nor died within 20 s"
	fate=KILLED
	if [ "$CG_ALIVE" = yes ]; then
		fate=survived
	fi
	kill "$db" 2>/dev/null
	wait "$db" 2>/dev/null
	row "$2" "$score" "$fate" "$CG_KILLED of $NHOGS (OOM kills: $CG_KILLS)"

	expect=survived
	[ "$1" = none ] && expect=KILLED
	if [ "$fate" != "$expect" ] || { [ "$expect" = survived ] && [ "$CG_KILLED" -lt 1 ]; }; then
		bad=$((bad + 1))
	fi
}

start=$(date +%s)
say "oomguard demo: a MySQL-like daemon (mysqld, $DB_MIB MiB) and a swarm of $NHOGS apt-check"
say "processes ($HOG_MIB MiB each) in a memory cgroup limited to $LIMIT MiB: more than fits, so"
say "the kernel's OOM killer has to choose whom to kill."
say "Everything starts at oom_score_adj $CG_BASE; oomguard sets mysqld to $CG_PROTECT."
if [ "$CG_PROTECT" -ge 0 ]; then
	say "(Here root cannot set negative scores; on a real server, -500 against 0 is the same ordering.)"
fi
say ""
row "how mysqld was started" "mysqld score" "mysqld" "apt-check killed"
row "----------------------" "------------" "------" "----------------"
scenario none "plain, no oomguard"
scenario chain "oomguard -n $CG_PROTECT -- mysqld"
scenario pid "oomguard -n $CG_PROTECT -p PID"
scenario pidfile "oomguard -n $CG_PROTECT -f mysqld.pid -b"
say ""
if [ "$bad" = 0 ]; then
	say "Without oomguard the kernel killed mysqld, the biggest process; with oomguard it"
	say "killed apt-check processes instead and mysqld kept running, in all three ways."
else
	say "UNEXPECTED: $bad of the 4 runs did not end as they should (see the table)."
fi
say "($(($(date +%s) - start)) s; cgroup v$CG_VER, removed again.)"
[ "$bad" = 0 ]
