#!/usr/bin/env bats
# oomguard -n SCORE -p PID -T: the process and every descendant.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2016 # the sh -c scripts expand in the child
# shellcheck disable=SC2030,SC2031 # bats's run sets $output in each test
bats_require_minimum_version 1.5.0
load common

# fake_scores_are SCORE PID...: each fake process (fake_proc) has SCORE.
fake_scores_are() {
	local want=$1 p
	shift
	for p; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:$want"
	done
}

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
# 502) into the tree, runs CMD (sh, in the fake root), then answers the
# read-back.
late_children() {
	fake_proc 500
	fake_proc 501
	fake_proc 502
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	sed -i 's/(fake) S 1 /(fake) S 501 /' "$T/proc/502/stat"
	mkdir "$T/later"
	mv "$T/proc/501" "$T/proc/502" "$T/later/"
	rm "$T/proc/500/oom_score_adj"
	mkfifo "$T/proc/500/oom_score_adj"
	start sh -c 'v=$(cat "$1") && mv "$2/501" "$2/502" "$3/" && (cd "$3" && eval "$4") &&
		printf "%s\n" "$v" >"$1"' sh "$T/proc/500/oom_score_adj" "$T/later" "$T/proc" "${1:-:}"
}

@test "-T rescans: a child that appears right after its parent is written is set too" {
	late_children
	run -0 "$OG" -n -400 -T -p 500
	assert_output ''
	for p in 501 502; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_score_adj")" "$p:-400"
	done
}

# Whether to rescan, the host's fork count says ("processes" in /proc/stat):
# a rescan when it moved between the listing of /proc and the last write,
# none when it did not (nothing new can be there).  The fake root of the
# test above, with a /proc/stat: the helper brings 501 and 502 in, and
# moves the count from BEFORE to AFTER, or leaves it as it was.  A count
# of 0 is none (gVisor's /proc/stat says "processes 0", always): rescan.
@test "-T rescans when the fork count of /proc/stat moved, and only then" {
	for counts in 7:8 7:7 0:0; do
		before=${counts%:*}
		after=${counts#*:}
		rm -rf "$T/proc" "$T/later"
		mkdir -p "$T/proc"
		printf 'cpu  1 2 3 4\nprocesses %s\nprocs_running 1\n' "$before" >"$T/proc/stat"
		late_children "sed -i 's/^processes .*/processes $after/' stat"
		run -0 "$OG" -n 400 -T -p 500
		want=400
		[ "$counts" != 7:7 ] || want=0
		for p in 501 502; do
			assert_equal "$counts $p:$(cat "$T/proc/$p/oom_score_adj")" "$counts $p:$want"
		done
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
# reaped, an outsider takes C's PID, and -T goes on.  changes_hands [ENV...]:
# the walk (by default) or the whole scan (OOMGUARD_NO_CHILDREN=1).
changes_hands() {
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
	run -0 timeout -k 5 60 env "$@" unshare --kill-child -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$pre"
	before=$(echo "$output" | sed -n 's/^before [0-9]* //p')
	assert_line 'rc 0'
	assert_line 'root 321'
	[ -n "$before" ] && [ "$before" != 321 ]
	assert_line --regexp "^after [0-9]+ $before\$"
}

@test "-T: a member whose PID changes hands between its stat and its write: the newcomer is left alone" {
	changes_hands
}

@test "-T, the whole scan: a member whose PID changes hands between its stat and its write: the newcomer is left alone" {
	changes_hands OOMGUARD_NO_CHILDREN=1
}

# PIDs wrap at pid_max (32768 by default without systemd, as here): a
# child may then have a lower PID than its parent, and the scan, in PID
# order, reads it first.  Its oom_score_adj, opened with its stat, is kept
# until the tree is known, then written; never opened again by PID.  In a
# PID namespace of the test's own, where ns_last_pid puts root R and
# outsider O just below pid_max, then their children just above 100:
# R -> (KIDS sleeps, sh D -> G), O -> P.  Run under ulimit -n FDS: the
# kept descriptors stay under RLIMIT_NOFILE, the members beyond it are set
# by PID.  BUSY (0: none): -T inherits descriptors BUSY..FDS-1 open.
wrap_ns() {
	cat >"$T/ns.sh" <<'EOF'
T=$1 OG=$2 KIDS=$3 FDS=$4 BUSY=$5
pm=$(cat /proc/sys/kernel/pid_max)
mkfifo "$T/r" "$T/o"
echo $((pm - 10)) >/proc/sys/kernel/ns_last_pid
sh -c 'read x <"$1/r"; i=0; while [ "$i" -lt "$2" ]; do sleep 1000 & i=$((i + 1)); done
	sh -c "sleep 1000 & wait" & wait' sh "$T" "$KIDS" &
r=$!
sh -c 'read x <"$1/o"; sleep 1000 & wait' sh "$T" &
o=$!
echo 100 >/proc/sys/kernel/ns_last_pid
echo >"$T/r"
until [ "$(pgrep -c -P "$r")" = $((KIDS + 1)) ] && [ -n "$(pgrep -P "$(pgrep -P "$r" -x sh)")" ]; do
	sleep 0.01
done
echo >"$T/o"
until [ -n "$(pgrep -P "$o")" ]; do sleep 0.01; done
kids=$(pgrep -d ' ' -P "$r")
g=$(pgrep -P "$(pgrep -P "$r" -x sh)")
p=$(pgrep -P "$o")
printf 'tree %s %s %s\n' "$r" "$kids" "$g"
bash -c 'if [ "$1" -gt 0 ]; then for i in $(seq "$1" $(($2 - 1))); do eval "exec $i</dev/null"; done; fi
	ulimit -n "$2" && exec strace -f -qq -e trace=openat -o "$3/st" "$4" -n 321 -T -p "$5"' \
	bash "$BUSY" "$FDS" "$T" "$OG" "$r"
printf 'rc %s\n' "$?"
for m in $r $kids $g; do printf 'member %s %s\n' "$m" "$(cat "/proc/$m/oom_score_adj")"; done
printf 'outsider %s %s\n' "$o" "$(cat "/proc/$o/oom_score_adj")"
printf 'outsider %s %s\n' "$p" "$(cat "/proc/$p/oom_score_adj")"
EOF
	run -0 timeout -k 5 120 env OOMGUARD_NO_CHILDREN="${SCAN:-}" unshare --kill-child -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$@"
	assert_line 'rc 0'
	refute_line --regexp '^member [0-9]+ ([^3]|3[^2]|32[^1])'
	refute_line --regexp '^outsider [0-9]+ 321$'
	[ "$(echo "$output" | grep -c '^member [0-9]* 321$')" -eq $(($1 + 3)) ]
	# Every child came after the wrap.  $bypid: how many were opened
	# again by PID ("/proc/PID", score_set_member), as the root is.
	# shellcheck disable=SC2046 # one word per PID
	set -- $(echo "$output" | sed -n 's/^tree //p')
	r=$1
	shift
	bypid=0
	for m; do
		[ "$m" -lt "$r" ]
		! grep -q "openat(AT_FDCWD, \"/proc/$m\"" "$T/st" || bypid=$((bypid + 1))
	done
	grep -q "openat(AT_FDCWD, \"/proc/$r\"" "$T/st"
}

@test "-T: children with lower PIDs than their parent (PIDs wrapped) are written through the scan's descriptor" {
	SCAN=1 wrap_ns 1 1024 0
	assert_equal "$bypid" 0
}

@test "-T walks down: children with lower PIDs than their parent (PIDs wrapped) are written through the walk's descriptor" {
	wrap_ns 8 1024 0
	assert_equal "$bypid" 0
}

@test "-T: more wrapped children than RLIMIT_NOFILE leaves: the rest are set by PID" {
	SCAN=1 wrap_ns 80 64 0
	[ "$bypid" -gt 0 ]
}

# Descriptors the caller left open high up (80..127 under a limit of
# 128): the budget counts them, wherever they are, so the kept ones never
# leave the scan short of one (EMFILE); the rest are set by PID.
@test "-T: descriptors the caller left open count against the kept ones" {
	SCAN=1 wrap_ns 60 128 80
	run ! grep -q EMFILE "$T/st"
	[ "$bypid" -gt 0 ]
}

# Short of descriptors for reasons of its own (the caller's): a scan that
# cannot read a process says so, and exits 1, rather than leave members
# unset with exit 0.
@test "-T short of descriptors: says so, exit 1" {
	make_tree
	run -1 bash -c 'ulimit -n 8; exec 3</dev/null 4</dev/null 5</dev/null; exec "$0" -n 300 -T -p "$1"' \
		"$OG" "$root"
	assert_line 'oomguard: scan processes: Too many open files'
}

# A rescan is for processes forked since the scan listed /proc: on the real
# kernel, member X forks child K after its stat is read (bin/shim.so stops
# -T there) and before its write; K has the old score, and only a rescan,
# which the moved fork count of /proc/stat calls for, finds it.  The walk
# finds it in X's children file, read after X's write.
forked_between() {
	mkfifo "$T/fork"
	# shellcheck disable=SC2016 # for the child shell
	printf '%s\n' 'read x <"$1/fork"; sleep 1000 & echo $! >"$1/kid"; wait' >"$T/x.sh"
	start sh -c 'sh "$1/x.sh" "$1" & wait' sh "$T"
	root=$pid
	wait_for has_descendants "$root" 1
	x=$(descendants "$root")
	pre=$(shim_preload)
	env "$@" OOMGUARD_SHIM_PAUSE="/proc/$x/stat:$T" LD_PRELOAD="$pre" "$OG" -n 333 -T -p "$root" \
		>"$T/og.out" 2>&1 &
	og=$!
	wait_for test -e "$T/paused"
	echo >"$T/fork"
	wait_for test -s "$T/kid"
	kid=$(cat "$T/kid")
	PIDS="$PIDS $kid"
	wait_for comm_is "$kid" sleep
	[ "$(adj_of "$kid")" != 333 ]
	touch "$T/go"
	wait "$og"
	assert_equal "$(adj_of "$root") $(adj_of "$x") $(adj_of "$kid")" '333 333 333'
}

@test "-T rescans: a child forked between its parent's stat and its write is set too" {
	forked_between OOMGUARD_NO_CHILDREN=1
}

@test "-T walks down: a child forked between its parent's stat and its write is set too" {
	forked_between
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

# A parent is never younger than its child.  A process at a child's parent
# PID that started after the child took that PID after the parent exited
# (the child went to init): the child is no member, whatever the new
# holder is.  Else an outsider could bring its orphans into a tree: its
# wrapped child P (501 < 700) outlives it, and a member's new child takes
# PID 700.  In a fake root: 500 -> 600 -> (700, 650); 501 names parent 700,
# older than it; 680 names parent 650, older than it too.
@test "-T: a process at the parent PID that is younger than the child is not its parent" {
	fake_child() {
		fake_proc "$1"
		sed -i "s/(fake) S 1 /(fake) S $2 /; s/ 100 0 0\$/ $3 0 0/" "$T/proc/$1/stat"
	}
	fake_proc 500
	fake_child 600 500 100
	fake_child 501 700 150
	fake_child 700 600 200
	fake_child 650 600 300
	fake_child 680 650 250
	run -0 "$OG" -n 300 -T -p 500
	fake_scores_are 300 500 600 700 650
	fake_scores_are 0 501 680
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
	fake_scores_are 300 500 501
	fake_scores_are 0 400 502 600 601
}

# --- The walk down the children files (Linux 3.5+, CONFIG_PROC_CHILDREN) ---

# A child forked by a thread other than the leader is listed in that
# thread's children file only: root (sh) -> X (bin/threads fork, two
# threads) -> K, forked by X's second thread.
@test "-T walks down: a child forked by a second thread is set" {
	start sh -c '"$1" fork >"$2/thr" & wait' sh "$TOP/bin/threads" "$T"
	root=$pid
	wait_for test -s "$T/thr"
	own_descendants "$root"
	x=$(descendants "$root" | head -n 1)
	read -r tid kid <"$T/thr"
	# The leader's file does not list K: the second thread's does.
	run ! grep -qw "$kid" "/proc/$x/task/$x/children"
	grep -qw "$kid" "/proc/$x/task/$tid/children"
	run -0 strace -f -qq -e trace=openat,getdents64 -o "$T/st" "$OG" -n 345 -T -p "$root"
	assert_equal "$(adj_of "$root") $(adj_of "$x") $(adj_of "$kid")" '345 345 345'
	# The walk ran: the children files were read, no outsider's stat
	# (init's) as the whole scan does.
	grep -q "\"$x/task\"" "$T/st"
	run ! grep -q '"1/stat"' "$T/st"
}

# A thread made after a member's stat was read (which said one thread)
# forks a child before the member is written: the child has the old score,
# and the leader's children file, all that a member of one thread needs
# read, does not list it.  The fork count of /proc/stat moved: a second
# pass reads every thread's file of every member, and finds it.
# bin/shim.so stops -T right after X's stat.
@test "-T walks down: a child of a thread made during the walk is set by the next pass" {
	mkfifo "$T/in"
	start sh -c '"$1" later <"$2/in" >"$2/thr" & wait' sh "$TOP/bin/threads" "$T"
	root=$pid
	exec 5>"$T/in"
	wait_for has_descendants "$root" 1
	x=$(descendants "$root")
	PIDS="$PIDS $x"
	wait_for comm_is "$x" threads
	pre=$(shim_preload)
	OOMGUARD_SHIM_PAUSE="/proc/$x/stat:$T" LD_PRELOAD=$pre "$OG" -n 346 -T -p "$root" \
		>"$T/og.out" 2>&1 &
	og=$!
	wait_for test -e "$T/paused"
	echo >&5
	exec 5>&-
	wait_for test -s "$T/thr"
	read -r tid kid <"$T/thr"
	PIDS="$PIDS $kid"
	[ "$(adj_of "$kid")" != 346 ]
	touch "$T/go"
	wait "$og"
	assert_equal "$(adj_of "$root") $(adj_of "$x") $(adj_of "$kid")" '346 346 346'
	run ! grep -qw "$kid" "/proc/$x/task/$x/children"
}

# In a PID namespace of the test's own (ns_last_pid picks the next PID).
# NS: the script run there, with T OG PRE as $1 $2 $3; it prints lines the
# test reads.
in_ns() {
	printf '%s\n' 'T=$1 OG=$2 PRE=$3' "$1" >"$T/ns.sh"
	run -0 timeout -k 5 60 unshare --kill-child -p -f --mount-proc sh "$T/ns.sh" "$T" "$OG" "$(shim_preload)"
}

# A child listed in its parent's children file exits and is reaped before
# -T opens it, and an outsider takes its PID: its stat names another
# parent, and it is left alone.  -T stops right after root R's children
# file is read: C, R's child, is killed (R reaps it), outsider D gets C's
# PID.
@test "-T walks down: an outsider that took a listed child's PID is left alone" {
	in_ns '
sh -c "sleep 1000 & echo \$! >\"\$1/c\"; wait; exec sleep 1000" sh "$T" &
r=$!
until [ -s "$T/c" ]; do sleep 0.01; done
c=$(cat "$T/c")
until [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ]; do sleep 0.01; done
OOMGUARD_SHIM_PAUSE="/proc/$r/task/$r/children:$T" LD_PRELOAD=$PRE "$OG" -n 321 -T -p "$r" &
og=$!
until [ -e "$T/paused" ]; do sleep 0.01; done
kill "$c"
until [ ! -e "/proc/$c" ]; do sleep 0.01; done
echo $((c - 1)) >/proc/sys/kernel/ns_last_pid
sleep 1000 &
d=$!
[ "$d" = "$c" ] || exit 9
printf "before %s\n" "$(cat "/proc/$d/oom_score_adj")"
touch "$T/go"
wait "$og"
printf "rc %s\n" "$?"
printf "root %s\n" "$(cat "/proc/$r/oom_score_adj")"
printf "after %s\n" "$(cat "/proc/$d/oom_score_adj")"'
	assert_line 'rc 0'
	assert_line 'root 321'
	before=$(echo "$output" | sed -n 's/^before //p')
	[ -n "$before" ] && [ "$before" != 321 ]
	assert_line "after $before"
}

# The children read must be the member's: if the member exits while its
# file is read and its PID and its child's are both taken again, by an
# outsider M2 and M2's own child C2, C2's stat names the right parent PID,
# and a parent older than it.  Only the member's read-back, through the
# descriptor opened before its stat, after C2's stat was read, says that
# the member died (ESRCH): its children are dropped.  -T stops after
# member M's children file is read; C (M's child) is killed, M exits
# (R reaps it), M2 takes M's PID and C2 C's.
@test "-T walks down: a member that exits while its children are read brings none of a newcomer's" {
	in_ns '
sh -c "sh -c \"sleep 1000 & echo \\\$! >\\\"\\\$1/c\\\"; wait\" sh \"\$1\" & echo \$! >\"\$1/m\"; wait; exec sleep 1000" sh "$T" &
r=$!
until [ -s "$T/m" ] && [ -s "$T/c" ]; do sleep 0.01; done
m=$(cat "$T/m") c=$(cat "$T/c")
until [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ]; do sleep 0.01; done
OOMGUARD_SHIM_PAUSE="/proc/$m/task/$m/children:$T" LD_PRELOAD=$PRE "$OG" -n 322 -T -p "$r" &
og=$!
until [ -e "$T/paused" ]; do sleep 0.01; done
kill "$c"
until [ ! -e "/proc/$m" ]; do sleep 0.01; done
echo $((m - 1)) >/proc/sys/kernel/ns_last_pid
sh -c "echo \$((\$2 - 1)) >/proc/sys/kernel/ns_last_pid; sleep 1000 & echo \$! >\"\$1/c2\"; wait" sh "$T" "$c" &
m2=$!
# No fork here until M2 has forked C2: a sleep of this loop would take
# the PID of C first (m=4 c=5 c2=6, 2 runs of 3 after a merge).
until [ -s "$T/c2" ]; do :; done
c2=$(cat "$T/c2")
[ "$m2" = "$m" ] && [ "$c2" = "$c" ] || exit 9
until [ "$(cat "/proc/$c2/comm" 2>/dev/null)" = sleep ]; do sleep 0.01; done
printf "before %s %s\n" "$(cat "/proc/$m2/oom_score_adj")" "$(cat "/proc/$c2/oom_score_adj")"
touch "$T/go"
wait "$og"
printf "rc %s\n" "$?"
printf "root %s\n" "$(cat "/proc/$r/oom_score_adj")"
printf "after %s %s\n" "$(cat "/proc/$m2/oom_score_adj")" "$(cat "/proc/$c2/oom_score_adj")"'
	assert_line 'rc 0'
	assert_line 'root 322'
	before=$(echo "$output" | sed -n 's/^before //p')
	[ -n "$before" ]
	refute_line --regexp '^before .*322'
	assert_line "after $before"
}

# The kernel does not promise a whole children file while children exit
# (fs/proc/array.c: a read resumes by position, so a child reaped before
# the position shifts the rest and one is skipped).  A child listed and
# gone when opened means the list may have skipped one: read it again.
# R has child S, then 800 others, a children file over one page at
# 5-digit PIDs; -T stops after its first read() of R's file; S is killed
# and reaped; every one of the 800 must be set.  The next pass, which the
# fork count calls for on a busy host, would find the skipped one too: the
# file must be read again in the first pass (before -T reads /proc/stat
# the second time), for a quiet host, where there is no next pass.
@test "-T walks down: a child reaped while the children file is read costs no member" {
	in_ns '
echo 20000 >/proc/sys/kernel/ns_last_pid
sh -c "sleep 1000 & echo \$! >\"\$1/s\"; i=0; while [ \$i -lt 800 ]; do sleep 1000 & i=\$((i + 1)); done; echo >\"\$1/up\"; wait" sh "$T" &
r=$!
until [ -e "$T/up" ]; do sleep 0.05; done
s=$(cat "$T/s")
printf "size %s\n" "$(wc -c <"/proc/$r/task/$r/children")"
strace -f -qq -o "$T/st" -e trace=openat -E OOMGUARD_SHIM_PAUSE_READ="/proc/$r/task/$r/children:$T" \
	-E LD_PRELOAD="$PRE" "$OG" -n 323 -T -p "$r" &
og=$!
until [ -e "$T/paused" ]; do sleep 0.01; done
kill "$s"
until [ ! -e "/proc/$s" ]; do sleep 0.01; done
touch "$T/go"
wait "$og"
printf "rc %s\n" "$?"
for k in $(cat "/proc/$r/task/$r/children"); do printf "member %s\n" "$(cat "/proc/$k/oom_score_adj")"; done
kill $(cat "/proc/$r/task/$r/children")'
	assert_line 'rc 0'
	size=$(echo "$output" | sed -n 's/^size //p')
	[ "$size" -gt 4096 ]
	assert_equal "$(echo "$output" | grep -c '^member 323$')" 800
	refute_line --regexp '^member ([^3]|3[^2]|32[^3])'
	# Root R's file, read through its task directory ("R/children"):
	# twice between the first two reads of /proc/stat.
	run awk '/"\/proc\/stat"/ { n++; next } n == 1 && /, "[0-9]+\/children"/ { k++ } END { print k + 0 }' "$T/st"
	assert_output 2
}

# fake_kids PID KID...: PID's children file in the fake root (one thread).
fake_kids() {
	local p=$1
	shift
	mkdir -p "$T/proc/$p/task/$p"
	printf '%s ' "$@" >"$T/proc/$p/task/$p/children"
}

# The younger-parent rule holds on the walk too: a listed child older than
# its parent is not its child.  The fake root of the scan's test, with
# children files.
@test "-T walks down: a process at the parent PID that is younger than the child is not its parent" {
	fake_child() {
		fake_proc "$1"
		sed -i "s/(fake) S 1 /(fake) S $2 /; s/ 100 0 0\$/ $3 0 0/" "$T/proc/$1/stat"
	}
	fake_proc 500
	fake_child 600 500 100
	fake_child 501 700 150
	fake_child 700 600 200
	fake_child 650 600 300
	fake_child 680 650 250
	fake_kids 500 600
	fake_kids 600 700 650
	fake_kids 700 501
	fake_kids 650 680
	fake_kids 501
	fake_kids 680
	run -0 "$OG" -n 300 -T -p 500
	fake_scores_are 300 500 600 700 650
	fake_scores_are 0 501 680
}

# Where there is no children file (before Linux 3.5, or without
# CONFIG_PROC_CHILDREN), the whole scan does it: a fake root like 2.6.32's,
# thread directories without children files, oom_adj only.
@test "-T without children files (a 2.6.32-like root): the whole scan sets the tree" {
	for p in 400 500 501 502 600; do
		fake_proc "$p" legacy
		mkdir -p "$T/proc/$p/task/$p"
	done
	sed -i 's/(fake) S 1 /(fake) S 400 /' "$T/proc/500/stat" "$T/proc/600/stat"
	sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/501/stat"
	sed -i 's/(fake) S 1 /(fake) S 501 /' "$T/proc/502/stat"
	run -0 "$OG" -n 500 -T -p 500
	for p in 500 501 502; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_adj")" "$p:8"
	done
	for p in 400 600; do
		assert_equal "$p:$(cat "$T/proc/$p/oom_adj")" "$p:0"
	done
}

# Past 1/64 of the host's processes (64 at least), reading every process
# costs less than the children files of the rest of the tree: the walk
# stops and the whole scan takes over, and does not write again the
# members the walk wrote.  A fake root: 500 with 80 children.
@test "-T walks down a small tree only: past 64 members the whole scan takes over, writing each once" {
	fake_proc 500
	kids=
	for p in $(seq 501 580); do
		fake_proc "$p"
		sed -i 's/(fake) S 1 /(fake) S 500 /' "$T/proc/$p/stat"
		fake_kids "$p"
		kids="$kids $p"
	done
	# shellcheck disable=SC2086 # one word per PID
	fake_kids 500 $kids
	# A dead root said by the walk is not said again by the scan.
	run -3 strace -f -qq -e trace=openat,write -o "$T/st" "$OG" -n 400 -T -p 9999,500
	assert_output 'oomguard: set pid 9999 OOM score: no such process'
	# shellcheck disable=SC2086
	fake_scores_are 400 500 $kids
	[ "$(grep -c '/children"' "$T/st")" -le 66 ]
	assert_equal "$(grep -c '^[0-9]* *write([0-9]*, "400\\n"' "$T/st")" 81
}

# The walk's write is checked to its close, as every write is: a close that
# fails after a good write (NFS, FUSE; here bin/shim.so) is a failure.
@test "-T walks down: a close that fails after the write: exit 1" {
	make_tree
	run -1 with_shim OOMGUARD_SHIM_CLOSE=EIO "$OG" -n 300 -T -p "$root"
	for p in $root $members; do
		assert_line --regexp "^oomguard: write pid $p .*: Input/output error"
		assert_equal "$p:$(adj_of "$p")" "$p:300"
	done
}
