#!/usr/bin/env bats
# oomguard -n SCORE -p PID -T: the process and every descendant.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2016 # the sh -c scripts expand in the child
bats_require_minimum_version 1.5.0
load common

# A real tree: root (sh) -> sleep, sh -> (sleep, sleep); 4 descendants.
# Sets $root and $members (the descendants).
make_tree() {
	start sh -c 'sleep 1000 & sh -c "sleep 1000 & sleep 1000; :" & wait'
	root=$pid
	wait_for has_descendants "$root" 4
	own_descendants "$root"
	members=$(descendants "$root" | tr '\n' ' ')
}

@test "-T sets the root, its children and grandchildren" {
	make_tree
	run -0 "$OG" -n 600 -T -p "$root"
	assert_output ''
	for p in $root $members; do
		assert_equal "$p:$(adj_of "$p")" "$p:600"
	done
}

@test "--tree is the long name, and the tree can be lowered again" {
	make_tree
	run -0 "$OG" -n 900 --tree -p "$root"
	run -0 "$OG" -n 20 --tree -p "$root"
	for p in $root $members; do
		assert_equal "$p:$(adj_of "$p")" "$p:20"
	done
}

@test "-T leaves the parent, siblings and outsiders alone" {
	# parent -> (subtree root -> child), sibling
	start sh -c 'sh -c "sleep 1000; :" & sleep 1000 & wait'
	parent=$pid
	wait_for has_descendants "$parent" 3
	own_descendants "$parent"
	echo 7 >"/proc/$parent/oom_score_adj"
	for p in $(descendants "$parent"); do
		echo 7 >"/proc/$p/oom_score_adj"
		[ "$(cat "/proc/$p/comm")" = sh ] && sub=$p
	done
	sub_child=$(descendants "$sub")
	sibling=$(descendants "$parent" | grep -vx -e "$sub" -e "$sub_child")
	spawn
	outsider=$pid
	echo 7 >"/proc/$outsider/oom_score_adj"
	run -0 "$OG" -n 444 -T -p "$sub"
	assert_equal "$(adj_of "$sub") $(adj_of "$sub_child")" '444 444'
	assert_equal "$(adj_of "$parent") $(adj_of "$sibling") $(adj_of "$outsider")" '7 7 7'
}

@test "without -T only the named process changes" {
	make_tree
	for p in $root $members; do echo 8 >"/proc/$p/oom_score_adj"; done
	run -0 "$OG" -n 300 -p "$root"
	assert_equal "$(adj_of "$root")" 300
	for p in $members; do
		assert_equal "$p:$(adj_of "$p")" "$p:8"
	done
}

@test "-T on several roots sets both trees" {
	make_tree
	first=$root
	first_members=$members
	make_tree
	run -0 "$OG" -n 510 -T -p "$first,$root"
	for p in $first $first_members $root $members; do
		assert_equal "$p:$(adj_of "$p")" "$p:510"
	done
}

@test "-T: an exited member (zombie) is not an error" {
	start sh -c 'sleep 0 & exec sleep 1000'
	wait_for has_descendants "$pid" 1
	z=$(descendants "$pid")
	wait_for test_state "$z" Z
	run -0 "$OG" -n 350 -T -p "$pid"
	assert_output ''
	assert_equal "$(adj_of "$pid")" 350
}

@test "-T: members that come and go during the run are not errors" {
	# A spawner that forks short-lived children as fast as it can.
	start sh -c 'while :; do sleep 0 & sleep 0 & wait; done'
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		run -0 "$OG" -n 250 -T -p "$pid"
		assert_output ''
	done
	assert_equal "$(adj_of "$pid")" 250
}

@test "-T: children forked after the run inherit the score" {
	start sh -c 'while [ ! -e "$0" ]; do sleep 0.05; done; sleep 1000' "$T/go"
	run -0 "$OG" -n 460 -T -p "$pid"
	touch "$T/go"
	wait_for has_descendants "$pid" 1
	own_descendants "$pid"
	assert_equal "$(adj_of "$(descendants "$pid")")" 460
}

@test "-T with a dead root: exit 3" {
	sleep 0 &
	dead=$!
	wait "$dead"
	run -3 "$OG" -n 100 -T -p "$dead"
	assert_output "oomguard: set pid $dead OOM score: no such process"
}

@test "-T with a zombie root: exit 3" {
	start sh -c 'sleep 0 & exec sleep 1000'
	wait_for has_descendants "$pid" 1
	z=$(descendants "$pid")
	wait_for test_state "$z" Z
	run -3 "$OG" -n 100 -T -p "$z"
	assert_output --partial "pid $z"
	assert_output --partial zombie
}

@test "-T with one dead root and one live tree: exit 3, the tree still set" {
	make_tree
	sleep 0 &
	dead=$!
	wait "$dead"
	run -3 "$OG" -n 480 -T -p "$dead,$root"
	for p in $root $members; do
		assert_equal "$p:$(adj_of "$p")" "$p:480"
	done
}

@test "-T with a negative value here: exit 1 for the refused writes" {
	make_tree
	run -1 "$OG" -n -10 -T -p "$root"
	assert_output --partial CAP_SYS_RESOURCE
}

# A child forked between the scan and the write to its parent inherits the
# parent's old score; only a second scan finds it.  The real kernel gives no
# hook at that instant, so a fake procfs root: 500's oom_score_adj is a
# FIFO whose helper takes the write, then brings child 501 (and its own child
# 502) into the tree, then answers the read-back.
@test "-T rescans: a child that appears right after its parent is written is set too" {
	fake_proc 500
	fake_proc 501
	fake_proc 502
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	sed -i 's/(fake) S 1 /(fake) S 501 /' "$T/proc/502/stat"
	mkdir "$T/later"
	mv "$T/proc/501" "$T/proc/502" "$T/later/"
	rm "$T/proc/500/oom_score_adj"
	mkfifo "$T/proc/500/oom_score_adj"
	start sh -c 'v=$(cat "$1") && mv "$2/501" "$2/502" "$3/" && printf "%s\n" "$v" >"$1"' \
		sh "$T/proc/500/oom_score_adj" "$T/later" "$T/proc"
	run -0 "$OG" -n -400 -T -p 500
	assert_output ''
	for p in 501 502; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:-400"
	done
}

# A rescan reads again a PID that a new process has taken since the last
# scan (its /proc entry is a new inode), however that PID looked then.  In a
# fake root: 500's oom_score_adj is a FIFO whose helper takes the write,
# then replaces outsider 502 by a child of 501 under the same PID, then
# answers the read-back.
@test "-T rescans: a PID that changed hands since the last scan is read again" {
	fake_proc 500
	fake_proc 501
	fake_proc 502
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	cp -a "$T/proc/502" "$T/new502"
	sed -i 's/(fake) S 1 /(fake) S 501 /' "$T/new502/stat"
	rm "$T/proc/500/oom_score_adj"
	mkfifo "$T/proc/500/oom_score_adj"
	start sh -c 'v=$(cat "$1") && rm -r "$2/502" && mv "$3" "$2/502" &&
		printf "%s\n" "$v" >"$1"' sh "$T/proc/500/oom_score_adj" "$T/proc" "$T/new502"
	run -0 "$OG" -n 400 -T -p 500
	assert_output ''
	for p in 501 502; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:400"
	done
}

# A member is written through the oom_score_adj opened before its stat was
# read: if its PID changes hands between that read and the write, the write
# reaches the process that exited (ESRCH), never the newcomer.  In a PID
# namespace of the test's own, where it picks the next PID (ns_last_pid):
# bin/shim.so stops -T right after member C's stat is read; C is killed and
# reaped, an outsider takes C's PID, and -T goes on.
@test "-T: a member whose PID changes hands between its stat and its write: the newcomer is left alone" {
	cat >"$T/ns.sh" <<'EOF'
T=$1 OG=$2 PRE=$3
sh -c 'sleep 1000 & echo $! >"$1/c"; wait; exec sleep 1000' sh "$T" &
r=$!
until [ -s "$T/c" ]; do sleep 0.01; done
c=$(cat "$T/c")
until [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ]; do sleep 0.01; done
OOMGUARD_SHIM_PAUSE="/proc/$c/stat:$T" LD_PRELOAD=$PRE "$OG" -n 321 -T -p "$r" &
og=$!
until [ -e "$T/paused" ]; do sleep 0.01; done
kill "$c"
until [ ! -e "/proc/$c" ]; do sleep 0.01; done
echo $((c - 1)) >/proc/sys/kernel/ns_last_pid
sleep 1000 &
d=$!
printf 'before %s %s\n' "$d" "$(cat "/proc/$d/oom_score_adj")"
[ "$d" = "$c" ] || exit 9
touch "$T/go"
wait "$og"
printf 'rc %s\n' "$?"
printf 'root %s\n' "$(cat "/proc/$r/oom_score_adj")"
printf 'after %s %s\n' "$d" "$(cat "/proc/$d/oom_score_adj")"
EOF
	pre=$(shim_preload)
	run -0 timeout 60 unshare -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$pre"
	before=$(echo "$output" | sed -n 's/^before [0-9]* //p')
	assert_line 'rc 0'
	assert_line 'root 321'
	[ -n "$before" ] && [ "$before" != 321 ]
	assert_line --regexp "^after [0-9]+ $before\$"
}

# A root pinned by the start time its scan found: if the PID is reused
# before the write, the new process is not the one named.  Two roots: 4241
# is written first (by PID), and its oom_score_adj is a FIFO whose helper
# takes the write, gives 4242 a new start time (its PID reused), then
# answers the read-back.
@test "-T: a root whose PID is reused between the scan and the write is left alone" {
	fake_proc 4241
	fake_proc 4242
	sed 's/ 100 0 0$/ 200 0 0/' "$T/proc/4242/stat" >"$T/stat.new"
	rm "$T/proc/4241/oom_score_adj"
	mkfifo "$T/proc/4241/oom_score_adj"
	start sh -c 'v=$(cat "$1") && mv "$2" "$3" && printf "%s\n" "$v" >"$1"' \
		sh "$T/proc/4241/oom_score_adj" "$T/stat.new" "$T/proc/4242/stat"
	run -3 timeout 20 "$OG" -n 400 -T -p 4241,4242
	assert_output "oomguard: set pid 4242 OOM score: the process exited and its PID was reused"
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 0
}

# The mark of the tree in a fake procfs root, where a broken mark writes
# only files of the test (tests/mutants runs this one, not the real one).
@test "-T in a fake root: the parent, a sibling and an outsider's child stay out" {
	fake_proc 400
	fake_proc 500
	fake_proc 501
	fake_proc 502
	fake_proc 600
	fake_proc 601
	sed -i 's/(fake) S 1 /(fake) S 400 /' "$T/proc/500/stat" "$T/proc/502/stat"
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	sed -i 's/(fake) S 1 /(fake) S 600 /' "$T/proc/601/stat"
	run -0 "$OG" -n 300 -T -p 500
	for p in 400 500 501 502 600 601; do
		want=0
		case $p in 500 | 501) want=300 ;; esac
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:$want"
	done
}
