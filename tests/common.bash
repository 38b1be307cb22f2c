# Shared by every .bats file: the binary under test, a private temp dir,
# and the processes a test starts, all cleaned up after each test.
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
OG=${OOMGUARD_BIN:-$TOP/bin/oomguard}
export OG TOP

setup() {
	T=$(mktemp -d)
	PIDS=
	unset OOMGUARD_PROC OOM_SCORE_ADJ oomprotect
	if declare -F local_setup >/dev/null; then local_setup; fi
}

teardown() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	if declare -F local_teardown >/dev/null; then local_teardown; fi
	rm -rf "$T"
}

# Start a real process that sleeps until the test ends; sets $pid.
spawn() {
	sleep 1000 &
	pid=$!
	PIDS="$PIDS $pid"
}

adj_of() { cat "/proc/$1/oom_score_adj"; }

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

# Wait, with a generous bound, until a command succeeds.
wait_for() {
	local tries=200
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}
