# shellcheck shell=sh
# wait_for CMD...: until CMD succeeds, 10 s at most (200 tries, 50 ms apart).
# POSIX sh, so that every bats suite (through common.bash) and the sh
# scripts (demo.sh, a test's own sh script) share this one copy.  Its
# counter is global: CMD must not call wait_for itself.
wait_for() {
	wait_for_tries=200
	while [ "$wait_for_tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		wait_for_tries=$((wait_for_tries - 1))
	done
	return 1
}
