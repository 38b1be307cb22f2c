#!/usr/bin/env bats
# oomguard -n SCORE -f PIDFILE: real processes, real files, real inotify.
# A waiter runs in the background ($og, output in $T/out.bg); the test
# shapes the pidfile while it waits, then collects its exit status.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2030,SC2031 # $d is each test's own, set by daemon()
bats_require_minimum_version 1.5.0
load common

# Start "oomguard ARGS..." in the background; sets $og.
waiter() {
	start "$OG" "$@"
	og=$pid
}

# Its inotify watch is in place (fdinfo lists a watch only once added).
armed() { grep -qs '^inotify wd:' /proc/"$og"/fdinfo/*; }
polling() { grep -q 'polling every 20 ms' "$T/out.bg"; }

# Wait for the waiter to exit; its status becomes $status, its output $output.
collect() {
	status=0
	wait "$og" || status=$?
	output=$(cat "$T/out.bg")
}

# A process (sleep) started now, before any pidfile naming it is written.
daemon() {
	spawn
	d=$pid
}

@test "the pidfile is created while oomguard waits" {
	daemon
	waiter -n 300 -f "$T/d.pid" -w 30
	wait_for armed
	echo "$d" >"$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_output ''
	assert_equal "$(adj_of "$d")" 300
}

@test "a pidfile already there: set at once, exit 0, silent" {
	daemon
	echo "$d" >"$T/d.pid"
	run -0 "$OG" -n 301 -f "$T/d.pid"
	assert_output ''
	assert_equal "$(adj_of "$d")" 301
}

@test "written in place: created empty, then blanks, then the PID" {
	daemon
	: >"$T/d.pid"
	waiter -n 302 -f "$T/d.pid" -w 30
	wait_for armed
	printf '  ' >>"$T/d.pid"
	printf '%s\n' "$d" >>"$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 302
}

@test "written in place: half a number first, then the rest" {
	daemon
	first=${d%"${d#?}"}
	# The half alone must name no usable process: 1 is init, and on Linux
	# 2..9 are kernel threads (no executable) or no process at all.
	[ "$first" = 1 ] || ! readlink "/proc/$first/exe"
	: >"$T/d.pid"
	waiter -n 303 -f "$T/d.pid" -w 30
	wait_for armed
	printf '%s' "$first" >>"$T/d.pid"
	printf '%s\n' "${d#?}" >>"$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 303
}

@test "renamed into place" {
	daemon
	waiter -n 304 -f "$T/d.pid" -w 30
	wait_for armed
	echo "$d" >"$T/d.pid.tmp"
	mv "$T/d.pid.tmp" "$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 304
}

@test "deleted and created again: the old one named a dead process" {
	sleep 0 &
	dead=$!
	wait "$dead"
	echo "$dead" >"$T/d.pid"
	daemon
	waiter -n 305 -f "$T/d.pid" -w 30
	wait_for armed
	rm "$T/d.pid"
	echo "$d" >"$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 305
}

@test "the directory does not exist yet: made step by step, then the file" {
	daemon
	waiter -n 306 -f "$T/run/mysqld/sub/d.pid" -w 30
	wait_for armed
	mkdir "$T/run"
	mkdir "$T/run/mysqld"
	mkdir "$T/run/mysqld/sub"
	echo "$d" >"$T/run/mysqld/sub/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 306
}

@test "the directory is made in one go with mkdir -p and the file renamed in" {
	daemon
	waiter -n 307 -f "$T/a/b/c/d.pid" -w 30
	wait_for armed
	mkdir -p "$T/a/b/c"
	echo "$d" >"$T/tmp.pid"
	mv "$T/tmp.pid" "$T/a/b/c/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 307
}

@test "the directory is removed and made again while waiting" {
	daemon
	mkdir "$T/run"
	waiter -n 308 -f "$T/run/d.pid" -w 30
	wait_for armed
	rmdir "$T/run"
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 308
}

@test "a relative pidfile path is read from the working directory" {
	daemon
	echo "$d" >"$T/d.pid"
	cd "$T"
	run -0 "$OG" -n 309 -f d.pid -w 5
	assert_equal "$(adj_of "$d")" 309
}

@test "polling fallback (OOMGUARD_NO_INOTIFY=1): says so once and still finds it" {
	daemon
	OOMGUARD_NO_INOTIFY=1 waiter -n 310 -f "$T/run/d.pid" -w 30
	wait_for polling
	# No inotify descriptor is open.
	run -1 grep -qs '^inotify' "/proc/$og/fdinfo/"*
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	collect
	assert_equal "$status" 0
	assert_output "oomguard: watch pidfile $T/run/d.pid: inotify disabled by OOMGUARD_NO_INOTIFY=1; polling every 20 ms instead"
	assert_equal "$(adj_of "$d")" 310
}

@test "polling fallback: a reused PID is not taken either" {
	daemon
	echo "$d" >"$T/d.pid"
	touch -d '1 hour ago' "$T/d.pid"
	OOMGUARD_NO_INOTIFY=1 run -4 "$OG" -n 311 -f "$T/d.pid" -w 1
	assert_line --index 1 "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file names pid $d, which started after the file was written (a stale pidfile whose PID was reused)"
	assert_equal "$(adj_of "$d")" 0
}

@test "stale: a dead PID is waited past, and the timeout says why (exit 4)" {
	sleep 0 &
	dead=$!
	wait "$dead"
	echo "$dead" >"$T/d.pid"
	run -4 "$OG" -n 312 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file names pid $dead, which is not running"
}

@test "reused PID: a live process that started after the file was written is not taken" {
	daemon
	echo "$d" >"$T/d.pid"
	touch -d '1 hour ago' "$T/d.pid"
	run -4 "$OG" -n 313 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file names pid $d, which started after the file was written (a stale pidfile whose PID was reused)"
	assert_equal "$(adj_of "$d")" 0
}

@test "reused PID: the daemon then rewrites its pidfile, and that one is taken" {
	daemon
	echo "$d" >"$T/d.pid"
	touch -d '1 hour ago' "$T/d.pid"
	waiter -n 314 -f "$T/d.pid" -w 30
	wait_for armed
	echo "$d" >"$T/d.pid"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 314
}

@test "a zombie is not a process to protect" {
	start sh -c 'sleep 0 & exec sleep 1000'
	wait_for has_descendants "$pid" 1
	z=$(descendants "$pid")
	wait_for test_state "$z" Z
	echo "$z" >"$T/d.pid"
	run -4 "$OG" -n 315 -f "$T/d.pid" -w 1
	assert_output --partial "the file names pid $z, which has exited (a zombie)"
}

@test "a symbolic link to a good pidfile is refused" {
	daemon
	echo "$d" >"$T/real.pid"
	ln -s "$T/real.pid" "$T/d.pid"
	run -4 "$OG" -n 316 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a symbolic link"
	assert_equal "$(adj_of "$d")" 0
}

@test "a symbolic link swapped in between the lstat and the open is refused (O_NOFOLLOW)" {
	daemon
	echo "$d" >"$T/real.pid"
	: >"$T/d.pid"
	ln -s "$T/real.pid" "$T/swap"
	# bin/shim.so exchanges d.pid and swap right after oomguard's first
	# lstat of d.pid: the attacker wins the race, every time.
	run -4 with_shim OOMGUARD_SHIM_SWAP="$T/d.pid:$T/swap" "$OG" -n 316 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a symbolic link"
	assert_equal "$(adj_of "$d")" 0
	# The race did happen: the pidfile is now the link.
	[ -L "$T/d.pid" ] && [ -f "$T/swap" ] && [ ! -L "$T/swap" ]
}

@test "a FIFO swapped in between the lstat and the open is never read (fstat), even holding a PID" {
	daemon
	: >"$T/d.pid"
	mkfifo "$T/fifo"
	# Held open for reading and writing, so that it keeps what is written.
	exec 5<>"$T/fifo"
	echo "$d" >&5
	run -4 with_shim OOMGUARD_SHIM_SWAP="$T/d.pid:$T/fifo" timeout 20 \
		"$OG" -n 316 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a FIFO"
	assert_equal "$(adj_of "$d")" 0
	# Still there: nothing was read from it.
	read -r -t 5 left <&5
	exec 5>&-
	assert_equal "$left" "$d"
}

@test "a symbolic link to a FIFO, a directory, a device or nothing is named a link (lstat, not stat)" {
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	for target in "$T/fifo" "$T/dir" /dev/null "$T/nothing"; do
		rm -f "$T/d.pid"
		ln -s "$target" "$T/d.pid"
		run -4 timeout 20 "$OG" -n 316 -f "$T/d.pid" -w 1
		assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a symbolic link"
	done
}

@test "a FIFO never blocks the wait, and is refused" {
	mkfifo "$T/d.pid"
	run -4 timeout 20 "$OG" -n 317 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a FIFO"
}

@test "a directory is refused" {
	mkdir "$T/d.pid"
	run -4 "$OG" -n 318 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is a directory"
}

@test "a 10 MB file is refused, and only its first KiB are read" {
	head -c 10000000 /dev/zero | tr '\0' 7 >"$T/d.pid"
	run -4 "$OG" -n 319 -f "$T/d.pid" -w 1
	assert_output --partial "the file holds '777777777777777777777777...', not a PID from 2 to $(cat /proc/sys/kernel/pid_max)"
}

@test "binary junk is refused, shown escaped" {
	printf '\177ELF\001\002\n' >"$T/d.pid"
	run -4 "$OG" -n 320 -f "$T/d.pid" -w 1
	assert_output --partial "the file holds '\\x7fELF\\x01\\x02', not a PID from 2 to"
}

@test "0, 1, -5, 123abc, 99999999999 are not PIDs" {
	for v in 0 1 -5 123abc 99999999999; do
		echo "$v" >"$T/d.pid"
		run -4 "$OG" -n 321 -f "$T/d.pid" -w 1
		assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file holds '$v', not a PID from 2 to $(cat /proc/sys/kernel/pid_max)"
	done
}

@test "a signed PID (+PID) is refused, even when it names a live process" {
	daemon
	echo "+$d" >"$T/d.pid"
	run -4 "$OG" -n 322 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file holds '+$d', not a PID from 2 to $(cat /proc/sys/kernel/pid_max)"
	assert_equal "$(adj_of "$d")" 0
}

@test "an empty file that stays empty until the timeout" {
	: >"$T/d.pid"
	run -4 "$OG" -n 322 -f "$T/d.pid" -w 1
	assert_output "oomguard: wait for pidfile $T/d.pid: timed out after 1 s: the file is empty"
}

@test "a file of blanks has no PID" {
	printf '   \n' >"$T/d.pid"
	run -4 "$OG" -n 323 -f "$T/d.pid" -w 1
	assert_output --partial "the file has no PID on its first line"
}

@test "a missing file at the timeout: exit 4, and the wait lasted about -w" {
	t0=$(date +%s%N)
	run -4 "$OG" -n 324 -f "$T/none/d.pid" -w 2
	t1=$(date +%s%N)
	assert_output "oomguard: wait for pidfile $T/none/d.pid: timed out after 2 s: the file does not exist"
	[ $(((t1 - t0) / 1000000)) -ge 1900 ]
	[ $(((t1 - t0) / 1000000)) -lt 10000 ]
}

@test "only the first line counts" {
	daemon
	printf '%s\nsomething else\n' "$d" >"$T/d.pid"
	run -0 "$OG" -n 325 -f "$T/d.pid" -w 5
	assert_equal "$(adj_of "$d")" 325
}

@test "a kernel thread is never taken" {
	echo 2 >"$T/d.pid"
	run -4 "$OG" -n 326 -f "$T/d.pid" -w 1
	assert_output --partial "the file names pid 2, a kernel thread"
}

# The same in a fake procfs root: should the check break, the write lands in
# a file of the test, not on the host's kthreadd (tests/mutants runs this).
@test "a kernel thread is never taken (fake procfs root: nothing real is written)" {
	fake_proc 4242
	# Field 9, flags: PF_KTHREAD (0x00200000) besides the 0x400000 there.
	sed -i 's/ 4194304 / 6291456 /' "$T/proc/4242/stat"
	echo 4242 >"$T/d.pid"
	run -4 "$OG" -n 326 -f "$T/d.pid" -w 1
	assert_output --partial "the file names pid 4242, a kernel thread"
	assert_equal "$(cat "$T/proc/4242/oom_score_adj")" 0
}

@test "found but the score cannot be set: exit 1 (negative needs CAP_SYS_RESOURCE)" {
	daemon
	echo "$d" >"$T/d.pid"
	run -1 "$OG" -n -5 -f "$T/d.pid" -w 5
	assert_output --partial "write pid $d oom_score_adj -5: Permission denied"
}

@test "usage: -f needs a file name, --exe an absolute path, -w a number (exit 2)" {
	run -2 "$OG" -n 5 -f "$T/" -w 1
	assert_output "oomguard: parse pidfile '$T/': not a file name"
	run -2 "$OG" -n 5 -f "$T/d.pid" --exe sleep -w 1
	assert_output "oomguard: parse --exe sleep: not an absolute path"
	run -2 "$OG" -n 5 -f "$T/d.pid" -w soon
	assert_output --partial "parse wait soon"
}

@test "--exe and --name: the right process is taken" {
	daemon
	echo "$d" >"$T/d.pid"
	run -0 "$OG" -n 327 -f "$T/d.pid" -w 5 --exe "$(command -v sleep)" --name sleep
	assert_equal "$(adj_of "$d")" 327
}

@test "--exe and --name: another program is refused" {
	daemon
	echo "$d" >"$T/d.pid"
	run -4 "$OG" -n 328 -f "$T/d.pid" -w 1 --exe /bin/true
	assert_output --regexp "the file names pid $d, which runs /.*/sleep, not /bin/true\$"
	run -4 "$OG" -n 328 -f "$T/d.pid" -w 1 --name mysqld
	assert_output --partial "the file names pid $d, which is named sleep, not mysqld"
	assert_equal "$(adj_of "$d")" 0
}

@test "--exe: a PID written before the exec (start-stop-daemon --make-pidfile) is taken after it" {
	mkfifo "$T/go"
	# shellcheck disable=SC2016 # expanded by the child sh
	start sh -c 'echo $$ >"$1/d.pid"; read -r x <"$1/go"; exec sleep 1000' sh "$T"
	d=$pid
	wait_for test -s "$T/d.pid"
	waiter -n 329 -f "$T/d.pid" -w 30 --exe "$(command -v sleep)"
	wait_for armed
	echo go >"$T/go"
	collect
	assert_equal "$status" 0
	assert_equal "$(adj_of "$d")" 329
}

@test "-T: the whole tree below the PID; without it, the PID alone" {
	start sh -c 'sleep 1000 & sleep 1000 & sh -c "sleep 1000 & wait" & wait'
	root=$pid
	wait_for has_descendants "$root" 4
	own_descendants "$root"
	echo "$root" >"$T/d.pid"
	run -0 "$OG" -n 330 -f "$T/d.pid" -w 5
	assert_equal "$(adj_of "$root")" 330
	for k in $(descendants "$root"); do assert_equal "$(adj_of "$k")" 0; done
	run -0 "$OG" -n 331 -f "$T/d.pid" -w 5 -T
	assert_equal "$(adj_of "$root")" 331
	for k in $(descendants "$root"); do assert_equal "$(adj_of "$k")" 331; done
}

@test "trust: a file owned by nobody naming a root process is refused" {
	daemon
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	chown 65534 "$T/run/d.pid"
	run -4 "$OG" -n 332 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by user nobody (owner of $T/run/d.pid), but pid $d belongs to root"
	assert_line --index 1 "oomguard: wait for pidfile $T/run/d.pid: timed out after 1 s: the file is untrusted: writable by user nobody (owner of $T/run/d.pid), but pid $d belongs to root"
	assert_equal "$(adj_of "$d")" 0
}

@test "trust: a directory owned by nobody, naming a root process, is refused" {
	daemon
	mkdir "$T/run"
	chown 65534 "$T/run"
	echo "$d" >"$T/run/d.pid"
	run -4 "$OG" -n 333 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by user nobody (owner of $T/run), but pid $d belongs to root"
}

@test "trust: a file owned by nobody naming nobody's own process is taken" {
	start setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	d=$pid
	wait_for owned_by "/proc/$d" 65534
	mkdir "$T/run"
	chown 65534 "$T/run"
	echo "$d" >"$T/run/d.pid"
	chown 65534 "$T/run/d.pid"
	run -0 "$OG" -n 334 -f "$T/run/d.pid" -w 5
	assert_output ''
	assert_equal "$(adj_of "$d")" 334
}

@test "trust: group-writable by nogroup: a member's process is taken, root's never" {
	mkdir "$T/run"
	start setpriv --reuid=65533 --regid=65534 --clear-groups sleep 1000
	member=$pid
	start setpriv --regid=65534 --clear-groups sleep 1000
	rootmember=$pid
	wait_for owned_by "/proc/$member" 65533
	echo "$member" >"$T/run/d.pid"
	chgrp 65534 "$T/run/d.pid"
	chmod 664 "$T/run/d.pid"
	run -0 "$OG" -n 335 -f "$T/run/d.pid" -w 5
	assert_equal "$(adj_of "$member")" 335
	echo "$rootmember" >"$T/run/d.pid"
	run -4 "$OG" -n 335 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by group nogroup (group-writable $T/run/d.pid), but pid $rootmember belongs to root"
	assert_equal "$(adj_of "$rootmember")" 0
}

@test "trust: a file owned by nobody naming another user's process is refused" {
	start setpriv --reuid=1 --regid=1 --clear-groups sleep 1000
	d=$pid
	wait_for owned_by "/proc/$d" 1
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	chown 65534 "$T/run/d.pid"
	before=$(adj_of "$d")
	run -4 "$OG" -n 336 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by user nobody (owner of $T/run/d.pid), but pid $d belongs to $(id -nu 1)"
	assert_equal "$(adj_of "$d")" "$before"
}

@test "trust: group-writable by nogroup, naming a process of a user outside that group: refused" {
	start setpriv --reuid=1 --regid=1 --clear-groups sleep 1000
	d=$pid
	wait_for owned_by "/proc/$d" 1
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	chgrp 65534 "$T/run/d.pid"
	chmod 664 "$T/run/d.pid"
	before=$(adj_of "$d")
	run -4 "$OG" -n 337 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by group nogroup (group-writable $T/run/d.pid), but pid $d belongs to $(id -nu 1)"
	assert_equal "$(adj_of "$d")" "$before"
}

@test "trust: world-writable file, or directory without the sticky bit: never" {
	start setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	d=$pid
	mkdir "$T/run"
	echo "$d" >"$T/run/d.pid"
	chown 65534 "$T/run/d.pid"
	chmod 666 "$T/run/d.pid"
	run -4 "$OG" -n 336 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by anyone ($T/run/d.pid is world-writable)"
	chmod 644 "$T/run/d.pid"
	chmod 777 "$T/run"
	run -4 "$OG" -n 336 -f "$T/run/d.pid" -w 1
	assert_line --index 0 "oomguard: refuse pidfile $T/run/d.pid: writable by anyone (directory $T/run is world-writable)"
	assert_equal "$(adj_of "$d")" 0
}

@test "trust: a root-owned file in a sticky world-writable directory is trusted" {
	daemon
	mkdir "$T/tmp"
	chmod 1777 "$T/tmp"
	echo "$d" >"$T/tmp/d.pid"
	run -0 "$OG" -n 337 -f "$T/tmp/d.pid" -w 5
	assert_equal "$(adj_of "$d")" 337
}

@test "trust: a daemon that drops to the file's user after writing it is taken then" {
	mkdir "$T/run"
	chown 65534 "$T/run"
	mkfifo "$T/go"
	# shellcheck disable=SC2016 # expanded by the child sh
	start sh -c 'echo $$ >"$1/run/d.pid"; read -r x <"$1/go"; exec setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000' sh "$T"
	d=$pid
	wait_for test -s "$T/run/d.pid"
	waiter -n 338 -f "$T/run/d.pid" -w 30
	wait_for grep -q 'refuse pidfile' "$T/out.bg"
	echo go >"$T/go"
	collect
	assert_equal "$status" 0
	assert_output "oomguard: refuse pidfile $T/run/d.pid: writable by user nobody (owner of $T/run), but pid $d belongs to root"
	assert_equal "$(adj_of "$d")" 338
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# The detached waiter, once detached and armed: $w, found by its unique
# command line and its inotify watch (the session leader it forked from has
# the same command line, briefly).
find_waiter() {
	local p
	w=
	waiters_of "$1"
	for p in $ws; do
		if grep -qs '^inotify wd:' /proc/"$p"/fdinfo/*; then w=$p; fi
	done
	[ -n "$w" ]
}

@test "-b: returns at once with stdout captured, waits detached, then sets" {
	daemon
	t0=$(date +%s%N)
	x=$("$OG" -n 339 -f "$T/d.pid" -w 30 -b 7>"$T/inherited")
	t1=$(date +%s%N)
	assert_equal "$x" ''
	# "At once" against the -w 30 it would otherwise wait: 10 s, far above
	# the few ms it takes, even under ASan on a loaded 2-CPU machine.
	[ $(((t1 - t0) / 1000000)) -lt 10000 ]
	wait_for find_waiter "$T/d.pid"
	PIDS="$PIDS $w"
	# Its own session, in /, stdio on /dev/null; besides, only its inotify
	# descriptor and its syslog socket: nothing of ours (fd 7, the pipe).
	[ "$(ps -o sid= -p "$w")" -ne "$(ps -o sid= -p $$)" ]
	assert_equal "$(readlink "/proc/$w/cwd")" /
	for fd in 0 1 2; do assert_equal "$(readlink "/proc/$w/fd/$fd")" /dev/null; done
	run ls "/proc/$w/fd"
	for fd in $output; do
		case $fd in 0 | 1 | 2) continue ;; esac
		run readlink "/proc/$w/fd/$fd"
		assert_output --regexp '^(anon_inode:inotify|socket:\[[0-9]+\])$'
	done
	echo "$d" >"$T/d.pid"
	wait_for adj_is "$d" 339
	wait_for gone "$w"
}

# Every process whose command line holds "-f PATH -w", in $ws.
waiters_of() {
	local p
	ws=
	pids_naming "$1"
	for p in $named; do
		if tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "-f $1 -w"; then
			ws="${ws:+$ws }$p"
		fi
	done
}

# A caller that checks for the waiter right after -b returns (the test's
# apply_done in tests/helpers/fs-identity.sh) must find it, however late
# the scheduler runs the forked session leader (300 ms here, shim.so).
@test "-b: when it returns, the detached waiter exists and the session leader is reaped" {
	[ -e "$TOP/bin/shim.so" ] || fail "bin/shim.so is not built (make test-bins)"
	# Into a file: a pipe would make the shell wait for every holder of it.
	env OOMGUARD_SHIM_SETSID_MS=300 LD_PRELOAD="$TOP/bin/shim.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$OG" -n 341 -f "$T/late.pid" -w 5 -b >"$T/out" 2>&1
	waiters_of "$T/late.pid"
	PIDS="$PIDS $ws"
	# One process: the waiter, in a session of its own that it does not lead.
	case $ws in '' | *' '*) fail "processes running the waiter: '$ws'" ;; esac
	sid=$(ps -o sid= -p "$ws")
	[ "$sid" -ne "$(ps -o sid= -p $$)" ] || fail "waiter $ws is still in the caller's session"
	[ "$sid" -ne "$ws" ] || fail "waiter $ws leads its session (it could get a terminal)"
}

# A syslogd of our own, in a private mount namespace whose /dev holds its
# /dev/log (the host's log is untouched); sets $ns for nsenter.
private_syslog() {
	mkdir "$T/realdev"
	# shellcheck disable=SC2016 # expanded by the child sh
	start unshare -m sh -c 'mount --bind /dev "$1/realdev" && mount -t tmpfs tmpfs /dev &&
		touch /dev/null && mount --bind "$1/realdev/null" /dev/null &&
		exec busybox syslogd -n -O "$1/syslog"' sh "$T"
	ns=$pid
	wait_for nsenter -m -t "$ns" test -S /dev/log
}

@test "-b: the detached waiter reports to syslog (ident oomguard, facility daemon)" {
	daemon
	private_syslog
	echo "$d" >"$T/d.pid"
	run -0 nsenter -m -t "$ns" "$OG" -n 340 -f "$T/d.pid" -w 30 -b
	assert_output ''
	wait_for grep -q "set pid $d" "$T/syslog"
	run grep "oomguard" "$T/syslog"
	assert_output --regexp "daemon\.notice oomguard\[[0-9]+\]: set pid $d \(from $T/d\.pid\) OOM score to 340\$"
	assert_equal "$(adj_of "$d")" 340
}

@test "-b: a timeout and an untrusted file are reported to syslog too" {
	daemon
	private_syslog
	run -0 nsenter -m -t "$ns" "$OG" -n 341 -f "$T/none.pid" -w 1 -b
	wait_for grep -q "timed out" "$T/syslog"
	run grep "oomguard" "$T/syslog"
	assert_output --regexp "daemon\.notice oomguard\[[0-9]+\]: wait for pidfile $T/none\.pid: timed out after 1 s: the file does not exist\$"
	echo "$d" >"$T/u.pid"
	chown 65534 "$T/u.pid"
	run -0 nsenter -m -t "$ns" "$OG" -n 341 -f "$T/u.pid" -w 1 -b
	wait_for grep -q "refuse pidfile $T/u.pid" "$T/syslog"
}
