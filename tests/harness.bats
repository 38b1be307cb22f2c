#!/usr/bin/env bats
# tests/run and tests/mutants as good neighbours (issue 25): a process that
# a run's tests leave alive is named, killed, and fails the run.  Each test
# runs the real script on a small tree of its own, with a suite whose one
# test leaves a detached process behind (setsid, stdio closed: a daemon).
# shellcheck disable=SC2154 # $T, $output and $PIDS are set by common.bash and bats
# shellcheck disable=SC2030,SC2031 # $PIDS is each test's own
bats_require_minimum_version 1.5.0
load common

# The leak: a copy of sleep (its name says whose it is) in a session of its
# own, its PID in $T/leak.pid.
leak_body() {
	printf '\t%s\n' \
		"setsid '$T/leaky' 4242 </dev/null >/dev/null 2>&1 3>&- &" \
		"echo \$! >'$T/leak.pid'"
}

local_setup() {
	cp /bin/sleep "$T/leaky"
}

# A tree holding tests/run, its helper, a stand-in for bin/unit (the C unit
# tests are not what is tested here) and tests/one.bats, whose one test has
# the body on stdin.
mini_tree() {
	mkdir -p "$T/tree/tests/helpers" "$T/tree/bin"
	cp "$TOP/tests/run" "$T/tree/tests/"
	cp "$TOP/tests/helpers/leftovers.sh" "$T/tree/tests/helpers/"
	printf '#!/bin/sh\necho 1..1\necho ok 1 unit\n' >"$T/tree/bin/unit"
	chmod 755 "$T/tree/bin/unit"
	{
		printf '@test "one" {\n'
		cat
		printf '}\n'
	} >"$T/tree/tests/one.bats"
}

# A run as make test starts it: none of this bats's variables, nor its PATH,
# which puts bats's libexec first (a bats started there misses the set-up
# of /usr/bin/bats).
clean_env() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="${HOME:-/root}" "$@"
}

# No cgroup of a run is left under this shell's own.
no_run_cgroup() {
	local mnt own
	# shellcheck source=tests/helpers/leftovers.sh
	. "$TOP/tests/helpers/leftovers.sh"
	if ! mnt=$(og_run_mount cgroup pids) || ! own=$(og_run_own pids); then
		fail "no pids cgroup hierarchy: the run would not be checked"
	fi
	run ls -d "$mnt${own%/}"/oomguard-tests.* "$mnt${own%/}"/oomguard-mutants.*
	assert_failure
}

@test "tests/run: a process its suites leave alive is named, killed, and fails the run" {
	leak_body | mini_tree
	run -1 clean_env sh "$T/tree/tests/run"
	leak=$(cat "$T/leak.pid")
	PIDS="$PIDS $leak"
	assert_line "not ok - leftover process $leak: $T/leaky 4242 "
	assert_line '2 passed, 1 failed, 0 skipped'
	wait_for sh -c "! kill -0 $leak 2>/dev/null"
	no_run_cgroup
}

@test "tests/run: a run that leaves nothing says so, and passes" {
	{
		leak_body
		printf '\t%s\n' "kill \$(cat '$T/leak.pid')"
	} | mini_tree
	run -0 clean_env sh "$T/tree/tests/run"
	assert_line 'ok - leftovers: no process of this run is still alive'
	assert_line '3 passed, 0 failed, 0 skipped'
	no_run_cgroup
}

@test "tests/mutants: a process a mutant's tests leave alive is named, killed, and fails the run" {
	mkdir "$T/tree"
	(cd "$TOP" && tar -cf - --exclude=./bin --exclude=./.git .) | tar -xf - -C "$T/tree"
	echo unmutated >"$T/tree/tests/marker"
	# Passes unmutated; the mutant makes it fail, and leak on its way.
	{
		printf '\t%s\n' "if ! grep -q unmutated \"\$BATS_TEST_DIRNAME/marker\"; then"
		leak_body
		printf '\t%s\n' 'false' 'fi'
	} | {
		printf '@test "marker" {\n'
		cat
		printf '}\n'
	} >"$T/tree/tests/leak.bats"
	echo 'leak-on-failure :: tests/marker :: unmutated :: mutated :: tests/leak.bats' >"$T/list"
	run -1 clean_env MUTANTS_UNIT=no MUTANTS_LIST="$T/list" sh "$T/tree/tests/mutants"
	leak=$(cat "$T/leak.pid")
	PIDS="$PIDS $leak"
	assert_line --regexp '^killed   leak-on-failure by tests/leak.bats '
	assert_line 'LEFTOVER leak-on-failure: 1 process(es) outlived the tests, killed:'
	assert_line "    $leak: $T/leaky 4242 "
	assert_line --regexp '^1 killed, 0 survived, 1 leftover process\(es\) '
	wait_for sh -c "! kill -0 $leak 2>/dev/null"
	no_run_cgroup
}

@test "tests/run: a runner that dies without a word of failure fails the run" {
	# The test kills bats's own processes: "Executed 0 instead of expected
	# 1 tests", no "not ok" line, and before issue 25 "1 passed, 0 failed"
	# (the exit status was tee's).
	# shellcheck disable=SC2016 # expanded in the inner test
	printf '\t%s\n' 'kill -9 $PPID $$' | mini_tree
	run -1 clean_env sh "$T/tree/tests/run"
	assert_line 'not ok - bats exited 1, and said of no test that it failed'
	assert_line '2 passed, 1 failed, 0 skipped'
}
