#!/bin/sh
# tests/helpers/fs-identity.sh KIND DIR: run inside a private mount namespace
# (unshare -m), by tests/identity.bats.  Makes a file system of KIND (tmpfs,
# ext4, ext4-128, ext3-128) in DIR, mounts it on DIR/mnt, and has $OG judge
# pidfiles written there: each valid one (the process started, then wrote
# its pidfile) through -f, apply and watch, each stale one (the file's mtime
# 3 s before its process started: a reused PID) likewise.  Prints a line per
# case, "CASE taken" or "CASE refused", and what the file system keeps.
set -u
kind=$1 dir=$2
mnt=$dir/mnt
mkdir -p "$mnt"
case $kind in
tmpfs) mount -t tmpfs -o mode=755 tmpfs "$mnt" ;;
ext4 | ext4-128 | ext3-128)
	truncate -s 16M "$dir/img"
	case $kind in
	ext4) mkfs.ext4 -q -F "$dir/img" >/dev/null 2>&1 ;;
	ext4-128) mkfs.ext4 -q -F -I 128 "$dir/img" >/dev/null 2>&1 ;;
	ext3-128) mkfs.ext3 -q -F -I 128 "$dir/img" >/dev/null 2>&1 ;;
	esac
	mount -o loop -t "${kind%-128}" "$dir/img" "$mnt" || exit 2
	;;
*) exit 2 ;;
esac
pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	umount "$mnt"
}
trap cleanup EXIT
f=$mnt/d.pid

# A process started now; its PID in $d.
daemon() {
	sleep 1000 &
	d=$!
	pids="$pids $d"
}
verdict() { # CASE PID SCORE
	if [ "$(cat "/proc/$2/oom_score_adj")" = "$3" ]; then
		echo "$1 taken"
	else
		echo "$1 refused"
	fi
	echo 0 >"/proc/$2/oom_score_adj"
}
# The pidfile as a daemon writes it, and as a stale one left 3 s before.
write_valid() { rm -f "$f" && echo "$d" >"$f"; }
write_stale() { write_valid && touch -m -d "@$(($(date +%s) - 3))" "$f"; }
# A detached apply waiter is done when no process runs it any more.
apply_done() { ! pgrep -f "apply -c $dir/og.conf" >/dev/null; }
until_true() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ "$n" -lt 400 ] || return 1
		sleep 0.02
	done
}

printf 'svc 310 pidfile=%s wait=1\n' "$f" >"$dir/og.conf"
# What the file system keeps of a write's time.
date >"$mnt/probe"
case $(stat -c %y "$mnt/probe") in
*.000000000*) echo "mtime: whole seconds" ;;
*) echo "mtime: fractions of a second" ;;
esac
for i in 1 2 3 4 5; do
	for kind in valid stale; do
		daemon
		"write_$kind"
		"$OG" -n 301 -f "$f" -w 1 2>/dev/null
		verdict "$kind -f #$i" "$d" 301
	done
done
for kind in valid stale; do
	daemon
	"write_$kind"
	sleep 1000 &
	sh=$!
	pids="$pids $sh"
	"$OG" apply -c "$dir/og.conf" svc "$sh"
	until_true apply_done
	verdict "$kind apply" "$d" 310
	daemon
	"write_$kind"
	"$OG" watch -c "$dir/og.conf" >"$dir/watch.log" 2>&1 &
	w=$!
	until_true grep -q 'rules from' "$dir/watch.log"
	verdict "$kind watch" "$d" 310
	kill "$w"
	wait "$w"
done
