# Shared by tests/upstart-real.bats and tests/openrc-real.bats: a real init
# system run in a private mount namespace, and the proof that the host's
# file system is left as it was.
# shellcheck shell=bash

# host_listing FILE: every name under /etc, /lib, /usr and /run, with type
# and mode, and size and mtime for all but directories (whose mtimes other
# programs on the host change): compared before and after a suite.
# Not listed, for other suites that a shared build machine may be running
# meanwhile: /run/oomguard-tests, their test directories, and
# /run/syslogd.pid, of the busybox syslogd that tests/hook.bats and
# tests/pidfile.bats run on the host (ours runs in the namespace, whose
# /run is a test directory).
host_listing() {
	find -H /etc /lib /usr /run -xdev \( -path /run/oomguard-tests -o -path /run/syslogd.pid \) -prune -o \
		\( -type d -printf '%y %m %p\n' \) -o -printf '%y %m %s %T@ %p\n' 2>/dev/null |
		LC_ALL=C sort >"$1"
}

# host_unchanged BEFORE: fails, showing the difference, unless a listing
# taken now equals BEFORE.
host_unchanged() {
	host_listing "$1.after"
	if ! diff -u "$1" "$1.after" >"$1.diff"; then
		printf 'the host changed outside the test directories:\n' >&3
		head -n 40 "$1.diff" | sed 's/^/# /' >&3
		return 1
	fi
}

# Succeeds once PID is gone (or a zombie of ours).
gone() { ! kill -0 "$1" 2>/dev/null || test_state "$1" Z; }

# ns_start DIR SPEC...: a private mount namespace (tests/helpers/ns-holder.sh
# says what SPEC is), held by a sleeping process; sets and exports NS_PID.
ns_start() {
	local d=$1
	shift
	mkdir -p "$d"
	rm -f "$d/ready"
	unshare -m --propagation private "$TOP/tests/helpers/ns-holder.sh" "$d" "$@" \
		</dev/null >"$d/holder.out" 2>&1 3>&- &
	NS_PID=$!
	export NS_PID
	local tries=200
	while [ ! -e "$d/ready" ]; do
		if ! kill -0 "$NS_PID" 2>/dev/null || [ "$tries" -eq 0 ]; then
			printf 'the namespace did not come up:\n' >&3
			sed 's/^/# /' "$d/holder.out" >&3
			return 1
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
}

# ns CMD...: run CMD in the namespace (same PID numbers as outside).
ns() { nsenter -t "$NS_PID" -m -- "$@"; }

# The PIDs of every process in the namespace but its holder.
ns_pids() {
	local want f p
	want=$(readlink "/proc/$NS_PID/ns/mnt") || return 0
	for f in /proc/[0-9]*/ns/mnt; do
		p=${f#/proc/}
		p=${p%%/*}
		[ "$p" != "$NS_PID" ] || continue
		[ "$(readlink "$f" 2>/dev/null)" != "$want" ] || echo "$p"
	done
}

# Nothing left in the namespace but its holder.
ns_empty() { [ -z "$(ns_pids)" ]; }

# ns_kill_all: SIGKILL to every process in the namespace but its holder,
# then wait until they are gone (a daemon that double-forked included).
ns_kill_all() {
	local p
	[ -n "${NS_PID:-}" ] || return 0
	for p in $(ns_pids); do kill -9 "$p" 2>/dev/null || true; done
	wait_for ns_empty
}

# ns_stop: every process in the namespace, its holder last; the mounts go
# with it.
ns_stop() {
	[ -n "${NS_PID:-}" ] || return 0
	ns_kill_all || true
	kill -9 "$NS_PID" 2>/dev/null || true
	wait "$NS_PID" 2>/dev/null || true
}
