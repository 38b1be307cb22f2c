#!/usr/bin/env bats
load common

@test "chain-load sets the score of PROG" {
	run "$OG" -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_success
	assert_output 300
}
