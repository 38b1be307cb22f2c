#!/bin/sh
# bench/exec-overhead.sh - what chain-loading through oomguard costs per exec,
# side by side with util-linux `choom -n` and a shell that writes
# /proc/self/oom_score_adj and execs.
#
# Usage: bench/exec-overhead.sh [RUNS [ROUNDS]]
#   RUNS    timed execs of each command per round (default 500)
#   ROUNDS  rounds; the order of the commands rotates every round (default 5)
#   OLD_STATIC=PATH: also time another oomguard-static (the code before a
#   change), in the same rounds.
#
# Method: hyperfine -N (no intermediate shell) times each command RUNS times
# after a warmup, in ROUNDS rounds whose command order rotates, so that a
# noisy period hits every command alike.  For each command the reported time
# is the median over rounds of the per-round medians; overhead is that minus
# the baseline's (`/bin/true` alone); ratios are overhead / choom's overhead,
# and overhead / the floor's: floor is a static musl program of three lines
# that only calls execv(argv[1], argv + 1), compiled here (the least any
# chain-loader costs: one execve more).
# The score is positive (100): lowering it needs CAP_SYS_RESOURCE.
#
# Needs: hyperfine, choom (util-linux), awk, musl-gcc (musl-tools), and
# bin/oomguard and bin/oomguard-static (`make && make static`).  It installs
# nothing.

set -eu

usage() {
    printf 'usage: %s [RUNS [ROUNDS]]\n' "$0" >&2
    exit 2
}

RUNS=${1:-500}
ROUNDS=${2:-5}
WARMUP=${WARMUP:-50}
SCORE=100

case "$RUNS" in '' | *[!0-9]*) usage ;; esac
case "$ROUNDS" in '' | *[!0-9]*) usage ;; esac
[ "$RUNS" -ge 3 ] || usage
[ "$ROUNDS" -ge 1 ] || usage
[ "$#" -le 2 ] || usage

here=$(dirname "$0")
cd "$here/.."

missing=''
command -v hyperfine >/dev/null 2>&1 ||
    missing="${missing}  hyperfine  (Debian/Ubuntu: apt-get install -y hyperfine; or cargo install hyperfine)
"
command -v choom >/dev/null 2>&1 ||
    missing="${missing}  choom      (util-linux >= 2.33: apt-get install -y util-linux)
"
command -v awk >/dev/null 2>&1 ||
    missing="${missing}  awk
"
command -v musl-gcc >/dev/null 2>&1 ||
    missing="${missing}  musl-gcc   (Debian/Ubuntu: apt-get install -y musl-tools)
"
[ -x bin/oomguard ] ||
    missing="${missing}  bin/oomguard         (run: make)
"
[ -x bin/oomguard-static ] ||
    missing="${missing}  bin/oomguard-static  (run: make static; needs musl-gcc: apt-get install -y musl-tools)
"
if [ -n "$missing" ]; then
    printf '%s: missing, nothing measured:\n%s' "$0" "$missing" >&2
    exit 1
fi

TRUE=/bin/true
[ -x "$TRUE" ] || TRUE=$(command -v true)
SH=/bin/dash
[ -x "$SH" ] || SH=/bin/sh
CHOOM=$(command -v choom)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exec-overhead.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s\n' '#include <unistd.h>' \
    'int main(int argc, char **argv) { (void)argc; execv(argv[1], argv + 1); return 127; }' \
    >"$tmp/floor.c"
musl-gcc -static -O2 -o "$tmp/floor" "$tmp/floor.c"

# name|command; names are what the table shows (no spaces, no commas).
cmds="baseline|$TRUE
floor|$tmp/floor $TRUE
oomguard-static|bin/oomguard-static -n $SCORE -- $TRUE
oomguard|bin/oomguard -n $SCORE -- $TRUE
choom|$CHOOM -n $SCORE -- $TRUE
sh|$SH -c 'echo $SCORE > /proc/self/oom_score_adj; exec $TRUE'${OLD_STATIC:+
old-static|$OLD_STATIC -n $SCORE -- $TRUE}"
ncmds=$(printf '%s\n' "$cmds" | awk 'END { print NR }')

# Every command must work, and must leave the score set, before we time it.
check() {
    out=$("$@" /bin/cat /proc/self/oom_score_adj 2>&1) || {
        printf '%s: failed: %s ... cat /proc/self/oom_score_adj\n%s\n' "$0" "$*" "$out" >&2
        exit 1
    }
    [ "$out" = "$SCORE" ] || {
        printf '%s: %s ... left oom_score_adj at %s, not %s\n' "$0" "$*" "$out" "$SCORE" >&2
        exit 1
    }
}
check bin/oomguard-static -n "$SCORE" --
check bin/oomguard -n "$SCORE" --
check "$CHOOM" -n "$SCORE" --
out=$("$SH" -c "echo $SCORE > /proc/self/oom_score_adj; exec /bin/cat /proc/self/oom_score_adj" 2>&1) || true
[ "$out" = "$SCORE" ] || {
    printf '%s: %s -c "echo %s > /proc/self/oom_score_adj" did not work: %s\n' "$0" "$SH" "$SCORE" "$out" >&2
    exit 1
}

printf 'exec overhead: %s rounds x %s runs per command (+%s warmup), score %s\n' \
    "$ROUNDS" "$RUNS" "$WARMUP" "$SCORE"
printf 'host: %s CPUs, kernel %s, %s; LANG=%s LC_ALL=%s\n' \
    "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" "$(uname -r)" \
    "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)" \
    "${LANG:-}" "${LC_ALL:-}"
printf 'hyperfine: %s\n' "$(hyperfine --version)"

r=1
while [ "$r" -le "$ROUNDS" ]; do
    # Rotate the order: round r starts with command number r (mod ncmds).
    set --
    i=0
    while [ "$i" -lt "$ncmds" ]; do
        n=$(( (r - 1 + i) % ncmds + 1 ))
        line=$(printf '%s\n' "$cmds" | sed -n "${n}p")
        set -- "$@" -n "${line%%|*}" "${line#*|}"
        i=$((i + 1))
    done
    printf 'round %s/%s ...\n' "$r" "$ROUNDS"
    hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
        --export-csv "$tmp/round$r.csv" "$@" >"$tmp/round$r.log" 2>&1 || {
        cat "$tmp/round$r.log" >&2
        printf '%s: hyperfine failed in round %s\n' "$0" "$r" >&2
        exit 1
    }
    r=$((r + 1))
done

# Per-round CSV: command,mean,stddev,median,user,system,min,max (seconds).
# Collect "name median_us" lines, then the median of per-round medians.
for f in "$tmp"/round*.csv; do
    awk -F, 'NR > 1 { printf "%s %.3f\n", $1, $4 * 1e6 }' "$f"
done >"$tmp/all"

printf '%s\n' "$cmds" | while IFS='|' read -r name cmd; do
    awk -v n="$name" '$1 == n { print $2 }' "$tmp/all" | sort -n |
        awk -v n="$name" -v c="$cmd" '
            { v[NR] = $1 }
            END {
                m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "%s|%.1f|%.1f|%.1f|%s\n", n, m, v[1], v[NR], c
            }'
done >"$tmp/summary"

printf '\n'
awk -F'|' '
    { name[NR] = $1; med[NR] = $2; lo[NR] = $3; hi[NR] = $4; cmd[NR] = $5
      if ($1 == "baseline") base = $2 }
    END {
        for (i = 1; i <= NR; i++) if (name[i] == "choom") ch = med[i] - base
        for (i = 1; i <= NR; i++) if (name[i] == "floor") fl = med[i] - base
        printf "| %-15s | %11s | %18s | %13s | %8s | %8s |\n", "command", "median (us)", "per-round min..max", "overhead (us)", "vs choom", "vs floor"
        printf "|-%s-|-%s:|-%s:|-%s:|-%s:|-%s:|\n", "---------------", "-----------", "------------------", "-------------", "--------", "--------"
        for (i = 1; i <= NR; i++) {
            o = med[i] - base
            if (name[i] == "baseline") { os = "-"; rs = "-"; fs = "-" }
            else {
                os = sprintf("%.1f", o)
                rs = (ch > 0) ? sprintf("%.3f", o / ch) : "n/a"
                fs = (fl > 0) ? sprintf("%.3f", o / fl) : "n/a"
            }
            printf "| %-15s | %11.1f | %18s | %13s | %8s | %8s |\n", name[i], med[i], sprintf("%.1f..%.1f", lo[i], hi[i]), os, rs, fs
        }
        printf "\ncommands:\n"
        for (i = 1; i <= NR; i++) printf "  %-15s %s\n", name[i], cmd[i]
        for (i = 1; i <= NR; i++) if (name[i] == "oomguard-static") st = med[i] - base
        if (ch > 0) {
            q = st / ch
            printf "\noomguard-static overhead / choom overhead = %.3f (%.1f us / %.1f us): %s\n", q, st, ch, (q <= 0.25) ? "at most 1/4, target met" : "MORE than 1/4, target NOT met"
        } else
            printf "\nchoom shows no overhead over the baseline: ratios meaningless, rerun on a quieter machine\n"
    }' "$tmp/summary"
