# Shared by every .bats file: the binary under test, a private temp dir,
# and the processes a test starts, all cleaned up after each test.
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
OG=${OOMGUARD_BIN:-$TOP/bin/oomguard}
export OG TOP

# As root, oomguard reads a table only through directories that no other
# user can write, all the way up to / (oomguard.conf(5), TRUST): /tmp is
# world-writable, so a table in a mktemp -d there is refused.  No seam in
# the binary: as root, each test's directory is made under a real root-owned
# 0755 directory instead, and other users still get no way in (0700).
# OOMGUARD_TEST_ROOT: another such directory, for suites that mount over
# /run in a namespace (tests/upstart-real.bats, tests/openrc-real.bats).
test_tmp() {
	if [ "$(id -u)" = 0 ]; then
		install -d -m 755 -o root -g root "${OOMGUARD_TEST_ROOT:-/run/oomguard-tests}" &&
			mktemp -d "${OOMGUARD_TEST_ROOT:-/run/oomguard-tests}/t.XXXXXX"
	else
		mktemp -d
	fi
}

setup() {
	T=$(test_tmp)
	PIDS=
	unset OOMGUARD_PROC OOM_SCORE_ADJ oomprotect
	# The waiters' records (oomguard(8), STATE DIRECTORY): each test its
	# own, never the host's /run/oomguard, which check would then read.
	export OOMGUARD_STATE_DIR="$T/ogstate"
	# The host's kernel log holds the OOM kills of every suite before
	# (oomguard(8), OOM KILLS): none, but in tests/witness.bats.
	export OOMGUARD_KMSG=none
	if declare -F local_setup >/dev/null; then local_setup; fi
}

teardown() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	if declare -F local_teardown >/dev/null; then local_teardown; fi
	reap_test_dir
	rm -rf "$T"
}

# Kill every process whose command line names this test's directory: a
# daemon that detached (-b, an init script, a supervisor) in a test whose
# assertion failed before its own clean-up ran (issue 25: a mutant's watch
# ran on for 32 minutes).  What escapes this (no $T in its arguments)
# tests/run finds at its end, in the run's cgroup (tests/helpers/leftovers.sh).
reap_test_dir() {
	local p
	[ -n "${T:-}" ] || return 0
	pids_naming "$T/"
	for p in $named; do kill -9 "$p" 2>/dev/null || true; done
}

# The PIDs whose command line holds STRING, in $named (this shell left out).
# One grep reads every /proc/PID/cmdline, the pattern on its stdin so that
# its own command line holds none of it: a loop of tr and grep per process
# took minutes a pass on a loaded host (CI, stop 26: a -w 30 waiter gone
# before the first pass ended, and wait_for's 200 passes ran 17 minutes).
pids_naming() {
	local f p
	named=
	# shellcheck disable=SC2062 # the glob names files; the pattern is stdin
	for f in $(printf '%s\n' "$1" | grep -laF -f - /proc/[0-9]*/cmdline 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/cmdline}
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] || named="${named:+$named }$p"
	done
}

# Start a real process that sleeps until the test ends; sets $pid.
# It returns once the child is sleep: $! is known at the fork, before the
# exec, and a test that reads its exe or comm too soon reads bash's (CI,
# stop 19: cli.bats took /usr/bin/bash for --exe and waited out -w).
spawn() {
	sleep 1000 &
	pid=$!
	PIDS="$PIDS $pid"
	wait_for comm_is "$pid" sleep
}

adj_of() { cat "/proc/$1/oom_score_adj"; }
# For wait_for, which must read the value again at every try:
# wait_for adj_is PID N, never wait_for test "$(adj_of PID)" = N.
adj_is() { [ "$(adj_of "$1" 2>/dev/null)" = "$2" ]; }
comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# A fake procfs root for what this kernel cannot show: fake_proc PID [legacy]
# makes $T/proc/PID with oom_score_adj (or, for legacy, oom_adj only).
fake_proc() {
	mkdir -p "$T/proc/$1"
	printf '%s (fake) S 1 %s %s 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n' \
		"$1" "$1" "$1" >"$T/proc/$1/stat"
	printf '0\n' >"$T/proc/$1/oom_score"
	if [ "${2:-}" = legacy ]; then
		printf '0\n' >"$T/proc/$1/oom_adj"
	else
		printf '0\n' >"$T/proc/$1/oom_score_adj"
	fi
	export OOMGUARD_PROC="$T/proc"
}

# wait_for CMD...: until CMD succeeds, with a generous bound.
# shellcheck source=tests/wait.sh
. "$TOP/tests/wait.sh"

# Start any command (not a function) in the background, killed at teardown;
# sets $pid, which is the command's own PID.
# Its output goes to $T/out.bg, and bats's fd 3 is closed so that a
# forgotten process cannot hang the run.
start() {
	"$@" >"$T/out.bg" 2>&1 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
}

# Run a command as the user nobody (65534), without any group of root's.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Field 3 (state) and 4 (ppid) of /proc/PID/stat; comm may hold blanks.
state_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1; }
ppid_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f2; }

# The PIDs of every descendant of PID, children before grandchildren: one
# ps and a breadth-first walk in awk (a walk in bash forked two programs
# per process on the host, seconds per call on a busy one).
descendants() {
	ps -e -o pid=,ppid= | awk -v r="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = 1
			q[1] = r
			for (i = 1; i <= n; i++) {
				m = split(kids[q[i]], a, " ")
				for (j = 1; j <= m; j++) {
					q[++n] = a[j]
					print a[j]
				}
			}
		}'
}

# Succeeds once PID has exactly N descendants.
has_descendants() { [ "$(descendants "$1" | wc -l)" -eq "$2" ]; }

# Kill the descendants of PID at teardown too (they outlive a killed parent).
own_descendants() { PIDS="$PIDS $(descendants "$1" | tr '\n' ' ')"; }

# Run CMD in a process whose own score is first set to N (0..1000), so
# that "unchanged" is a known value and the test runner's is left alone.
with_adj() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo "$1" >/proc/self/oom_score_adj && shift && exec "$@"' sh "$@"
}

# Succeeds once PATH (e.g. /proc/PID) belongs to UID.
owned_by() { [ "$(stat -c %u "$1" 2>/dev/null)" = "$2" ]; }

# Succeeds once PID is in state S (one letter, as in /proc/PID/stat).
test_state() { [ "$(state_of "$1" 2>/dev/null)" = "$2" ]; }

# og_conf OG CONF: $T/bin/og-conf runs OG, with `apply` reading CONF instead
# of the host's /etc/oomguard.conf; the hooks are pointed at it.
og_conf() {
	mkdir -p "$T/bin"
	cat >"$T/bin/og-conf" <<EOF
#!/bin/sh
if [ "\$1" = apply ]; then shift; exec '$1' apply -c '$2' "\$@"; fi
exec '$1' "\$@"
EOF
	chmod 755 "$T/bin/og-conf"
	export OOMGUARD_HOOK=$TOP/hooks/oomguard.sh OOMGUARD_BIN=$T/bin/og-conf
}

# The table at $T/og.conf, one argument a line, mode 644 as conf_load wants.
conf() {
	printf '%s\n' "$@" >"$T/og.conf"
	chmod 644 "$T/og.conf"
}

# A copy of sleep (or PROG) at SCORE, set before it execs: bg SCORE [PROG];
# sets $pid once the program runs (its name is PROG's, up to 15 bytes).
bg() {
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo "$1" >/proc/self/oom_score_adj && shift && exec "$@"' sh \
		"$1" "${2:-sleep}" 1000 3>&- &
	pid=$!
	PIDS="$PIDS $pid"
	wait_for comm_is "$pid" "$(basename "${2:-sleep}" | head -c 15)"
}

# A fake process: fproc PID PPID COMM EXE ADJ [UID]; ADJ "-" for none (gone).
fproc() {
	local d=$T/proc/$1
	mkdir -p "$d"
	printf '%s (%s) S %s %s %s 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n' \
		"$1" "$3" "$2" "$1" "$1" >"$d/stat"
	printf 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t%s\t%s\t%s\t%s\n' \
		"$3" "${6:-0}" "${6:-0}" "${6:-0}" "${6:-0}" >"$d/status"
	ln -sfn "$4" "$d/exe"
	printf '500\n' >"$d/oom_score"
	if [ "$5" != - ]; then printf '%s\n' "$5" >"$d/oom_score_adj"; fi
	export OOMGUARD_PROC="$T/proc"
}

# The LD_PRELOAD that loads bin/shim.so (tests/helpers/shim.c) into $OG: a
# gcc ASan build wants its runtime first in the list.
shim_preload() {
	local pre=$TOP/bin/shim.so
	[ -e "$pre" ] || fail "bin/shim.so is not built (make bin/shim.so)"
	if grep -q fsanitize "$TOP/bin/.sanitize" 2>/dev/null &&
		ldd "$OG" 2>/dev/null | grep -q libasan; then
		pre="$(ldd "$OG" | sed -n 's/.*libasan[^ ]* => \([^ ]*\) .*/\1/p'):$pre"
	fi
	printf '%s\n' "$pre"
}

# Run CMD with bin/shim.so preloaded: with_shim VAR=VALUE... CMD.
with_shim() {
	local pre
	pre=$(shim_preload) || return 1
	env LD_PRELOAD="$pre" "$@"
}
