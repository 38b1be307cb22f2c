#!/usr/bin/env bats
# oomguard apply [-c CONFIG] NAME PID, and the table it reads.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
bats_require_minimum_version 1.5.0
load common

local_setup() {
	C=$T/oomguard.conf
	mkdir -p "$T/oomguard.d"
}

@test "apply sets PID to the rule's score" {
	spawn
	cat >"$C" <<-'EOF2'
		# a comment, then a blank line

		mysql     400
		memcached 700   # trailing comment
	EOF2
	run "$OG" apply -c "$C" memcached "$pid"
	assert_success
	assert_output ''
	assert_equal "$(adj_of "$pid")" 700
}

@test "a name with no rule does nothing, silently, and exits 0" {
	spawn
	echo 'mysql 400' >"$C"
	run "$OG" apply -c "$C" nginx "$pid"
	assert_success
	assert_output ''
	assert_equal "$(adj_of "$pid")" 0
}

@test "drop-ins are read after the main file, in name order; the last line wins" {
	spawn
	echo 'redis 100' >"$C"
	echo 'redis 200' >"$T/oomguard.d/10-a.conf"
	echo 'redis 300' >"$T/oomguard.d/20-b.conf"
	echo 'redis 900' >"$T/oomguard.d/30-c.conf.dpkg-old"
	echo 'redis 901' >"$T/oomguard.d/.40-hidden.conf"
	echo 'redis 902' >"$T/oomguard.d/50-backup.conf~"
	run "$OG" apply -c "$C" redis "$pid"
	assert_success
	assert_equal "$(adj_of "$pid")" 300
}

@test "a table named with -c must exist; its drop-in directory need not" {
	spawn
	echo 'redis 250' >"$T/oomguard.d/redis.conf"
	run -2 "$OG" apply -c "$C" redis "$pid"
	assert_output --partial "read $C: No such file or directory"
	rm -rf "$T/oomguard.d"
	echo 'redis 250' >"$C"
	run "$OG" apply -c "$C" redis "$pid"
	assert_success
	assert_equal "$(adj_of "$pid")" 250
}

@test "the default /etc/oomguard.conf may be absent: nothing to do" {
	[ ! -e /etc/oomguard.conf ] && [ ! -e /etc/oomguard.d ] ||
		fail "this test needs a machine without /etc/oomguard.conf"
	spawn
	run "$OG" apply mysql "$pid"
	assert_success
	assert_output ''
}

@test "a bad line for another service: apply is silent and applies its own rule" {
	spawn
	printf 'memcached 400\n\nredis-server -5OO\nmy service 5\n' >"$C"
	run -0 "$OG" apply -c "$C" memcached "$pid"
	assert_output ''
	assert_equal "$(adj_of "$pid")" 400
	# A name with no rule at all is silent as well.
	run -0 "$OG" apply -c "$C" nginx "$pid"
	assert_output ''
}

@test "a bad line for this service is said as file:line, exits 2, and sets nothing" {
	spawn
	printf 'memcached 400\n\nredis-server -5OO\nnginx 5 tree=maybe\n' >"$C"
	run -2 "$OG" apply -c "$C" redis-server "$pid"
	assert_output "oomguard: parse $C:3: '-5OO': not a score from -1000 to 1000"
	assert_equal "$(adj_of "$pid")" 0
}

@test "a bad later line for a name replaces the earlier good one: no fallback" {
	spawn
	echo 'redis-server 300' >"$C"
	echo 'redis-server 5OO' >"$T/oomguard.d/override.conf"
	chmod 644 "$C" "$T/oomguard.d/override.conf"
	run -2 "$OG" apply -c "$C" redis-server "$pid"
	assert_output "oomguard: parse $T/oomguard.d/override.conf:1: '5OO': not a score from -1000 to 1000"
	assert_equal "$(adj_of "$pid")" 0
	# ... and a good line after a bad one is the rule again, silently.
	printf 'redis-server 5OO\nredis-server 300\n' >"$C"
	rm "$T/oomguard.d/override.conf"
	run -0 "$OG" apply -c "$C" redis-server "$pid"
	assert_output ''
	assert_equal "$(adj_of "$pid")" 300
}

@test "every kind of bad line is refused with its word" {
	spawn
	while IFS='|' read -r line word why; do
		printf '%s\n' "$line" >"$C"
		run -2 "$OG" apply -c "$C" x "$pid"
		assert_output "oomguard: parse $C:1: '$word': $why"
	done <<-'EOF2'
		x|x|a score must follow the name
		x 1001|1001|not a score from -1000 to 1000
		x 12abc|12abc|not a score from -1000 to 1000
		x 5 colour=red|colour=red|unknown option (known: pidfile= exe= comm= user= tree= children= wait=)
		x 5 pidfile=run/x.pid|pidfile=run/x.pid|not an absolute path
		x 5 wait=soon|wait=soon|not a whole number of seconds from 0 to 31536000
		x 5 tree=yes tree=no|tree=no|given twice
		x 5 tree|tree|not OPTION=VALUE
	EOF2
	# A line whose first word is no service name is no service's: apply
	# says nothing about it; check lists it.
	echo 'x/y 5' >"$C"
	run -0 "$OG" apply -c "$C" x "$pid"
	assert_output ''
	run -2 "$OG" check -c "$C" --format=tsv
	assert_output "$C:1	-	-	-	-	bad line	'x/y': not a service name (letters, digits and _.@+-, at most 63)"
}

@test "a line longer than 4096 bytes is refused" {
	spawn
	{ printf 'x 5 exe=/'; head -c 5000 /dev/zero | tr '\0' a; printf '\n'; } >"$C"
	run -2 "$OG" apply -c "$C" x "$pid"
	assert_output "oomguard: parse $C:1: line longer than 4096 bytes"
}

@test "as root, a table another user could change is refused" {
	spawn
	echo "x 500" >"$C"
	chown nobody "$C"
	run -2 "$OG" apply -c "$C" x "$pid"
	assert_output --partial "read $C: refused: owned by a user other than root"
	chown root:root "$C"
	chmod 666 "$C"
	run -2 "$OG" apply -c "$C" x "$pid"
	assert_output --partial "refused"
	chmod 664 "$C"
	chgrp nogroup "$C"
	run -2 "$OG" apply -c "$C" x "$pid"
	assert_output --partial "refused"
	chgrp root "$C"
	chmod 644 "$C"
	run "$OG" apply -c "$C" x "$pid"
	assert_success
	assert_equal "$(adj_of "$pid")" 500
}

@test "a directory or a FIFO as the table is refused" {
	spawn
	run -2 "$OG" apply -c "$T" x "$pid"
	assert_output --partial "not a regular file"
}

@test "a dead PID exits 3; a negative score here exits 1 (no CAP_SYS_RESOURCE)" {
	echo 'x -500' >"$C"
	spawn
	run -1 "$OG" apply -c "$C" x "$pid"
	assert_output --partial CAP_SYS_RESOURCE
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	echo 'x 500' >"$C"
	run -3 "$OG" apply -c "$C" x "$pid"
	assert_output --partial "no such process"
}

@test "apply needs NAME and PID, and a valid PID" {
	run -2 "$OG" apply
	assert_output --partial "apply takes [-c CONFIG] [-r] NAME PID"
	run -2 "$OG" apply -c "$C" x
	run -2 "$OG" apply x 12ab
	assert_output "oomguard: parse PID 12ab: not an integer"
}

@test "a negative score works through a fake procfs root" {
	fake_proc 4242
	echo 'x -900' >"$C"
	run "$OG" apply -c "$C" x 4242
	assert_success
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" -900
}
