#!/usr/bin/env bats
# The state directory (oomguard(8), STATE DIRECTORY): what a pidfile waiter
# of a hook in /etc/default did, for oomguard check, and, with no syslog
# daemon, its time-out in the kernel log.  The memcached tests run Debian's
# real /etc/init.d/memcached (with a private /etc/default in a mount
# namespace): run this suite under the host lock,
#   flock /run/oomguard-host.lock bats tests/state.bats
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
# shellcheck disable=SC2030,SC2031 # $ns is each test's own
bats_require_minimum_version 1.5.0
load common

tab=$(printf '\t')
X=
ST=

local_setup() {
	# A private copy: bin/ may be rebuilt while the suite runs, and
	# teardown finds our waiters by this path.
	mkdir -p "$T/bin" "$T/default"
	cp "$OG" "$T/bin/oomguard"
	X=$T/bin/oomguard
	ST=$OOMGUARD_STATE_DIR
	: >"$T/og.conf"
	chmod 644 "$T/og.conf"
}

local_teardown() {
	if [ -n "${MC:-}" ]; then /etc/init.d/memcached stop >/dev/null 2>&1 3>&- || true; fi
	for p in $(pgrep -f "^$T/bin/oomguard"); do kill -9 "$p" 2>/dev/null || true; done
}

# waiter NAME ARGS...: a detached waiter, as the hook of /etc/default/NAME starts it.
waiter() {
	local name=$1
	shift
	OOMGUARD_NAME=$name OOMGUARD_FROM=/etc/default/$name "$X" "$@" -b
}

check() { "$X" check -c "$T/og.conf" "$@"; }
has() { grep -qF -- "$2" "$ST/$1" 2>/dev/null; }
no_waiter() { ! pgrep -f "^$T/bin/oomguard" >/dev/null; }
gone() { [ ! -e "/proc/$1" ]; }

# The real memcached init script, its /etc/default/memcached ours: the host's
# lines, then the documented include line with OOM_ lines before it.
memcached_with() {
	[ -x /etc/init.d/memcached ] || fail "memcached is not installed (.ci/run installs it)"
	[ ! -s /run/memcached.pid ] || ! kill -0 "$(cat /run/memcached.pid)" 2>/dev/null ||
		fail "memcached is already running: this test needs it stopped"
	{
		cat /etc/default/memcached
		printf '%s\n' "$@"
		sed -n 's/^#   \(\[ ! -r .*\)$/\1/p' "$TOP/hooks/oomguard.sh" |
			sed "s|/usr/share/oomguard/oomguard.sh|$TOP/hooks/oomguard.sh|g"
	} >"$T/default/memcached"
	MC=1
	export OOMGUARD_BIN=$X
	# shellcheck disable=SC2016 # expanded by the child sh
	run -0 timeout 60 unshare -m sh -c 'mount --bind "$1" /etc/default && shift && exec "$@"' \
		sh "$T/default" /etc/init.d/memcached start 3>&-
}

@test "memcached, a wrong OOM_PIDFILE: check names it and /etc/default/memcached during the wait, then the time-out" {
	memcached_with OOM_SCORE_ADJ=300 "OOM_PIDFILE=$T/wrong.pid" OOM_WAIT=3
	assert_output 'Starting memcached: memcached.'
	wait_for has memcached waiting
	run -1 check --format=tsv
	assert_output "memcached${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}/etc/default/memcached: wait for pidfile $T/wrong.pid: the file does not exist"
	wait_for has memcached 'timed out'
	wait_for no_waiter
	run -1 check
	assert_line --index 1 --regexp "^memcached +- +- +300 +-  not running: /etc/default/memcached: wait for pidfile $T/wrong\.pid: timed out after 3 s: the file does not exist\$"
}

@test "memcached, a good start: check shows the daemon, its score and where it came from" {
	memcached_with OOM_SCORE_ADJ=300 OOM_PIDFILE=/run/memcached.pid OOM_WAIT=30
	wait_for has memcached 'done'
	d=$(cat /run/memcached.pid)
	run -0 check --format=tsv
	assert_output "memcached${tab}$d${tab}memcached${tab}300${tab}300${tab}ok${tab}/etc/default/memcached: set pid $d (from /run/memcached.pid) OOM score to 300"
	run -0 check --format=nagios
	assert_line --index 0 --partial 'OOMGUARD OK - 1 rules: 1 ok'
	/etc/init.d/memcached stop >/dev/null 3>&-
	MC=
	wait_for gone "$d"
	run -1 check
	assert_line --index 1 --regexp "^memcached +- +- +300 +-  not running: .*; it has exited since\$"
}

# Debian's real /etc/init.d/nginx in a scratch root (mount, PID and network
# namespaces; /etc, /usr, /var under overlays whose changes stay in $T; /run
# a fresh tmpfs): the kit installed as a package installs it, the hook line
# in /etc/default/nginx.  force-reload only sends HUP when the configuration
# tests fine: the master keeps its PID and its pidfile.
nginx_ns() {
	cat >"$T/nginx.sh" <<'EOF'
set -eu
T=$1 TOP=$2 OG=$3
mkdir "$T/ov"
mount -t tmpfs scratch "$T/ov"
for d in etc usr var; do
	mkdir "$T/ov/$d" "$T/ov/$d.work"
	mount -t overlay scratch -o "lowerdir=/$d,upperdir=$T/ov/$d,workdir=$T/ov/$d.work" "/$d"
done
mount --bind /run /mnt
mount -t tmpfs -o mode=755 scratch /run
mkdir -p /run/lock "$T"
mount --bind "/mnt${T#/run}" "$T"
umount /mnt
ip link set lo up
install -m 755 "$OG" /usr/sbin/oomguard
install -D -m 644 "$TOP/hooks/oomguard.sh" /usr/share/oomguard/oomguard.sh
printf 'OOM_SCORE_ADJ=300\nOOM_PIDFILE=/run/nginx.pid\nOOM_WAIT=60\n%s\n' \
	"$(sed -n 's/^#   \(\[ ! -r .*\)$/\1/p' "$TOP/hooks/oomguard.sh")" >>/etc/default/nginx
unset OOMGUARD_STATE_DIR
. "$TOP/tests/wait.sh"
: >/etc/oomguard.conf
# A record with outcome $2 of a waiter other than $1 (its PID, field 2).
rec() { [ "$(cut -f1,2 /run/oomguard/nginx 2>/dev/null)" != "$2	$1" ] && grep -qs "^$2	" /run/oomguard/nginx; }
waiter() { cut -f2 /run/oomguard/nginx; }
echo 0 >/proc/self/oom_score_adj
/etc/init.d/nginx start >/dev/null
wait_for rec 0 done || { echo "no start: $(cat /run/oomguard/nginx)"; exit 7; }
m=$(cat /run/nginx.pid)
echo "start $m $(cat "/proc/$m/oom_score_adj")"
w=$(waiter)
/etc/init.d/nginx force-reload >/dev/null
wait_for rec "$w" done || { echo "force-reload: $(cat /run/oomguard/nginx)"; exit 8; }
echo "force-reload $(cat /run/nginx.pid) $(cut -f1,3 /run/oomguard/nginx | tr '\t' ' ')"
oomguard check --format=nagios | head -n 1
echo "exit $(oomguard check --format=nagios >/dev/null; echo $?)"
w=$(waiter)
/etc/init.d/nginx restart >/dev/null
wait_for rec "$w" done || { echo "restart: $(cat /run/oomguard/nginx)"; exit 9; }
n=$(cat /run/nginx.pid)
echo "restart $([ "$n" != "$m" ] && echo new) $(cut -f1,3 /run/oomguard/nginx | tr '\t' ' ' | sed "s/ $n\$/ NEW/") $(cat "/proc/$n/oom_score_adj")"
/etc/init.d/nginx stop >/dev/null
EOF
	run -0 timeout 120 unshare -m -n -p -f --mount-proc --propagation private sh "$T/nginx.sh" "$T" "$TOP" "$OG" 3>&-
}

@test "nginx force-reload (HUP only, real Debian init script): the waiter takes the master the script left running; check OK; a real restart still waits for the new one" {
	[ -x /etc/init.d/nginx ] || fail "/etc/init.d/nginx is not installed (.ci/run installs nginx-light)"
	nginx_ns
	m=$(sed -n 's/^start \([0-9]*\) .*/\1/p' <<<"$output")
	assert_line --index 0 "start $m 300"
	assert_line --index 1 "force-reload $m done $m"
	assert_line --index 2 --partial "OOMGUARD OK - "
	assert_line --index 3 "exit 0"
	assert_line --index 4 "restart new done NEW 300"
}

@test "a good start: done, with the pid, its score and where it came from" {
	bg 0
	echo "$pid" >"$T/d.pid"
	run -0 waiter svc -n 300 -f "$T/d.pid" -w 30
	wait_for has svc 'done'
	run -0 check --format=tsv
	assert_output "svc${tab}$pid${tab}sleep${tab}300${tab}300${tab}ok${tab}/etc/default/svc: set pid $pid (from $T/d.pid) OOM score to 300"
}

# In a PID namespace of the test's own: a waiter sets the daemon and records
# it; the daemon is killed; a process of nobody takes its PID (ns_last_pid)
# and raises itself to the same score.  check after each step.
@test "the daemon a record names dies: not running; its PID taken by nobody's process at the same score: stale, never ok" {
	cat >"$T/ns.sh" <<'EOF'
T=$1 X=$2
. "$3"
export OOMGUARD_STATE_DIR="$T/ns-state"
check() { "$X" check -c "$T/og.conf" --format=tsv; echo "exit $?"; }
done_rec() { grep -qs '^done' "$OOMGUARD_STATE_DIR/svc"; }
is_300() { [ "$(cat "/proc/$1/oom_score_adj" 2>/dev/null)" = 300 ]; }
sleep 1000 &
d=$!
echo "$d" >"$T/d.pid"
OOMGUARD_NAME=svc OOMGUARD_FROM=/etc/default/svc "$X" -n 300 -f "$T/d.pid" -w 30 -b
wait_for done_rec || exit 7
check
kill -9 "$d"
wait "$d" 2>/dev/null
check
echo $((d - 1)) >/proc/sys/kernel/ns_last_pid
setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c 'echo 300 >/proc/self/oom_score_adj && exec sleep 1000' &
u=$!
[ "$u" = "$d" ] || { echo "no reuse: $d $u"; exit 9; }
wait_for is_300 "$u" || exit 10
check
"$X" check -c "$T/og.conf" --format=nagios; echo "exit $?"
EOF
	run -0 with_adj 0 timeout 60 unshare -p -f --mount-proc sh "$T/ns.sh" "$T" "$X" "$TOP/tests/wait.sh"
	d=$(cat "$T/d.pid")
	det="/etc/default/svc: set pid $d (from $T/d.pid) OOM score to 300"
	assert_line --index 0 "svc${tab}$d${tab}sleep${tab}300${tab}300${tab}ok${tab}$det"
	assert_line --index 1 "exit 0"
	assert_line --index 2 "svc${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}$det; it has exited since"
	assert_line --index 3 "exit 1"
	assert_line --index 4 "svc${tab}-${tab}-${tab}300${tab}-${tab}stale${tab}$det; pid $d is another process now"
	assert_line --index 5 "exit 1"
	assert_line --index 6 --partial "OOMGUARD WARNING - svc stale"
	assert_equal "${lines[${#lines[@]} - 1]}" "exit 1"
}

# A record of an older oomguard has six fields, no start time: the record's
# own mtime is the latest its process may have started.
@test "a record without a start time (older oomguard): judged by its mtime; a process started after it is stale" {
	bg 300
	install -d -m 700 "$ST"
	printf 'done\t1\t%s\t300\t/etc/default/svc\tset pid %s\n' "$pid" "$pid" >"$ST/svc"
	run -0 check --format=tsv
	assert_output "svc${tab}$pid${tab}sleep${tab}300${tab}300${tab}ok${tab}/etc/default/svc: set pid $pid"
	touch -m -d '1 hour ago' "$ST/svc"
	run -1 check --format=tsv
	assert_output "svc${tab}-${tab}-${tab}300${tab}-${tab}stale${tab}/etc/default/svc: set pid $pid; pid $pid is another process now"
}

# Fields are only ever added at the end; a start time that is no number
# (a sign, a blank, junk) makes the record no record, as a bad PID does.
@test "a record whose start time is no number is not read" {
	install -d -m 700 "$ST"
	for v in 1x -1 ' 5'; do
		printf 'waiting\t1\t0\t300\t/etc/default/bad\twait\t%s\n' "$v" >"$ST/bad"
		printf 'waiting\t1\t0\t300\t/etc/default/good\twait\t0\n' >"$ST/good"
		run -1 check --format=tsv
		assert_output "good${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}/etc/default/good: wait"
	done
}

# A record keeps its fields escaped (no tab or newline inside one); check
# reads them back raw and escapes each once, as every other field.
@test "a record's escaped detail is shown escaped once, in text, tsv and json alike" {
	install -d -m 700 "$ST"
	printf 'waiting\t1\t0\t300\t/etc/default/s\\tvc\twait for pidfile /run/a\\tb\\x1b.pid: the file does not exist\t0\n' >"$ST/svc"
	run -1 check --format=tsv
	assert_output "svc${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}/etc/default/s\\tvc: wait for pidfile /run/a\\tb\\x1b.pid: the file does not exist"
	run -1 check --format=json
	assert_output --partial '"detail":"/etc/default/s\tvc: wait for pidfile /run/a\tb\u001b.pid: the file does not exist"'
}

@test "a refused pidfile (another user's) is recorded, with why, until the time-out" {
	bg 0
	echo "$pid" >"$T/u.pid"
	chown 65534 "$T/u.pid"
	run -0 waiter svc -n 300 -f "$T/u.pid" -w 30
	wait_for has svc refused
	run -1 check --format=tsv
	assert_output "svc${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}/etc/default/svc: refuse pidfile $T/u.pid: writable by user nobody (owner of $T/u.pid), but pid $pid belongs to root"
	run -1 check --format=nagios
	assert_line --index 0 --partial 'OOMGUARD WARNING'
	run -1 check --format=json
	assert_line --partial '"rule":"svc","pid":null,"command":null,"want":300,"now":null,"status":"not running"'
	run -1 check --format=prom
	assert_line 'oomguard_rule_ok{rule="svc"} 0'
}

@test "EACCES (a negative score without CAP_SYS_RESOURCE): differs, and why" {
	bg 0
	echo "$pid" >"$T/d.pid"
	run -0 waiter svc -n -300 -f "$T/d.pid" -w 30
	wait_for has svc failed
	run -1 check --format=tsv
	assert_output "svc${tab}$pid${tab}sleep${tab}-300${tab}0${tab}differs${tab}/etc/default/svc: set pid $pid (from $T/d.pid) OOM score to -300: Permission denied"
}

@test "a rule of the table's own name: its row, not the record" {
	bg 0
	echo "$pid" >"$T/d.pid"
	run -0 waiter svc -n 300 -f "$T/d.pid" -w 30
	wait_for adj_is "$pid" 300
	printf 'svc 300 pidfile=%s\n' "$T/d.pid" >"$T/og.conf"
	run -0 check --format=tsv
	assert_output "svc${tab}$pid${tab}sleep${tab}300${tab}300${tab}ok${tab}-"
}

@test "apply (50-oomguard): the waiter records under the rule's name, the file of the rule, the start time" {
	bg 0
	printf 'other 200\n' >"$T/og.conf"
	mkdir "$T/og.d"
	printf 'svc 300 pidfile=%s\n' "$T/d.pid" >"$T/og.d/svc.conf"
	chmod 644 "$T/og.d/svc.conf"
	run -0 "$X" apply -c "$T/og.conf" svc "$pid"
	wait_for has svc waiting
	run cat "$ST/svc"
	assert_output --regexp "^waiting${tab}[0-9]+${tab}0${tab}300${tab}$T/og\.d/svc\.conf${tab}wait for pidfile $T/d\.pid: the file does not exist${tab}0${tab}-${tab}-1\$"
	echo "$pid" >"$T/d.pid"
	wait_for has svc 'done'
	start=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20)
	run cat "$ST/svc"
	assert_output --regexp "^done${tab}[0-9]+${tab}$pid${tab}300${tab}$T/og\.d/svc\.conf${tab}set pid .*${tab}$start${tab}-${tab}0\$"
}

@test "apply: a rule from a drop-in is recorded under the drop-in's path, not the table's" {
	bg 0
	mkdir -p "$T/og.d"
	chmod 755 "$T/og.d"
	printf 'svc 300 pidfile=%s\n' "$T/d.pid" >"$T/og.d/svc.conf"
	chmod 644 "$T/og.d/svc.conf"
	run -0 "$X" apply -c "$T/og.conf" svc "$pid"
	wait_for has svc waiting
	run cut -f5 "$ST/svc"
	assert_output "$T/og.d/svc.conf"
}

@test "the hook of /etc/default/NAME gives its waiter the service's name and file" {
	cat >"$T/svc" <<-EOF
		#!/bin/sh
		set -eu
		. /etc/default/svc
	EOF
	printf 'OOM_SCORE_ADJ=300\nOOM_PIDFILE=%s\nOOM_WAIT=30\n. %s\n' "$T/none.pid" \
		"$TOP/hooks/oomguard.sh" >"$T/default/svc"
	# shellcheck disable=SC2016 # expanded by the child sh
	OOMGUARD_BIN=$X run -0 unshare -m sh -c 'mount --bind "$1" /etc/default && exec sh "$2" start' \
		sh "$T/default" "$T/svc" 3>&-
	wait_for has svc waiting
	run -1 check --format=tsv
	assert_output "svc${tab}-${tab}-${tab}300${tab}-${tab}not running${tab}/etc/default/svc: wait for pidfile $T/none.pid: the file does not exist"
}

@test "a name that is no plain file name is never recorded" {
	run -4 env OOMGUARD_NAME=../esc OOMGUARD_FROM=x "$X" -n 300 -f "$T/none.pid" -w 1
	run -4 env OOMGUARD_NAME=.hidden "$X" -n 300 -f "$T/none.pid" -w 1
	run -4 env OOMGUARD_NAME="a b" "$X" -n 300 -f "$T/none.pid" -w 1
	run -4 env OOMGUARD_NAME=ok "$X" -n 300 -f "$T/none.pid" -w 1
	run ls -A "$ST"
	assert_output ok
	[ ! -e "$T/esc" ]
}

# private_dev: a mount namespace whose /dev is a tmpfs with null and the
# real kmsg only, as on a host with no syslog daemon; $ns is its holder.
private_dev() {
	mkdir "$T/realdev"
	# shellcheck disable=SC2016 # expanded by the child sh
	start unshare -m sh -c 'mount --bind /dev "$1/realdev" && mount -t tmpfs tmpfs /dev &&
		touch /dev/null /dev/kmsg && mount --bind "$1/realdev/null" /dev/null &&
		mount --bind "$1/realdev/kmsg" /dev/kmsg && touch "$1/ready" && exec sleep 1000' sh "$T"
	ns=$pid
	wait_for test -e "$T/ready"
}

in_dmesg() { dmesg | grep -qF "$1"; }

@test "no syslog daemon: the time-out goes to the kernel log (dmesg) and the record" {
	private_dev
	run -0 nsenter -m -t "$ns" env OOMGUARD_NAME=svc OOMGUARD_FROM=/etc/default/svc \
		"$X" -n 300 -f "$T/none.pid" -w 1 -b
	wait_for in_dmesg "oomguard["
	wait_for in_dmesg "wait for pidfile $T/none.pid: timed out after 1 s: the file does not exist"
	wait_for has svc timeout
	run -1 check
	assert_line --index 1 --partial "not running: /etc/default/svc: wait for pidfile $T/none.pid: timed out after 1 s"
}

@test "no syslog daemon, and a /dev/kmsg that is no character device: not written" {
	mkdir "$T/realdev"
	# shellcheck disable=SC2016 # expanded by the child sh
	start unshare -m sh -c 'mount --bind /dev "$1/realdev" && mount -t tmpfs tmpfs /dev &&
		touch /dev/null /dev/kmsg && mount --bind "$1/realdev/null" /dev/null &&
		touch "$1/ready" && exec sleep 1000' sh "$T"
	ns=$pid
	wait_for test -e "$T/ready"
	run -0 nsenter -m -t "$ns" "$X" -n 300 -f "$T/none.pid" -w 1 -b
	wait_for no_waiter
	run -0 nsenter -m -t "$ns" cat /dev/kmsg
	assert_output ''
}

@test "a syslog daemon listening: the time-out goes there, not to the kernel log" {
	private_dev
	# shellcheck disable=SC2016 # expanded by the child sh
	nsenter -m -t "$ns" sh -c 'exec busybox syslogd -n -O "$1/syslog"' sh "$T" 3>&- &
	PIDS="$PIDS $!"
	wait_for nsenter -m -t "$ns" test -S /dev/log
	run -0 nsenter -m -t "$ns" "$X" -n 300 -f "$T/nolog.pid" -w 1 -b
	wait_for grep -qs "wait for pidfile $T/nolog.pid: timed out" "$T/syslog"
	wait_for no_waiter
	run ! in_dmesg "$T/nolog.pid"
}

@test "hostile: a state directory owned by another user is refused, by the waiter and by check" {
	install -d -m 700 -o 65534 "$ST"
	run -4 env OOMGUARD_NAME=svc "$X" -n 300 -f "$T/none.pid" -w 1
	assert_line "oomguard: refuse state directory $ST: not owned by root"
	[ ! -e "$ST/svc" ]
	printf 'timeout\t1\t0\t300\t/etc/default/x\tforged\n' >"$ST/x"
	# One rule that holds (idle): the refused directory alone fails check.
	printf 'quiet 300 comm=og-none-such\n' >"$T/og.conf"
	run -1 check
	assert_line "oomguard: refuse state directory $ST: not owned by root"
	refute_output --partial forged
	rm "$ST/x"
	chown 0 "$ST"
	run -0 check
}

@test "hostile: a state directory that group or others may write is refused" {
	install -d -m 777 -o 0 "$ST"
	run -4 env OOMGUARD_NAME=svc "$X" -n 300 -f "$T/none.pid" -w 1
	assert_line "oomguard: refuse state directory $ST: writable by group or others"
	[ ! -e "$ST/svc" ]
	chmod 770 "$ST"
	# One rule that holds (idle): the refused directory alone fails check.
	printf 'quiet 300 comm=og-none-such\n' >"$T/og.conf"
	run -1 check
	assert_line "oomguard: refuse state directory $ST: writable by group or others"
	chmod 700 "$ST"
	run -0 check
}

@test "hostile: a link planted in the state directory is neither read nor written through" {
	install -d -m 700 -o 0 "$ST"
	printf 'timeout\t1\t0\t300\t/etc/default/svc\tforged\n' >"$T/target"
	ln -s "$T/target" "$ST/svc"
	# No record read, and the table is empty: check says there is nothing.
	run -1 check
	assert_output --partial "no rules, in it or its .d directory"
	refute_output --partial forged
	run -4 env OOMGUARD_NAME=svc "$X" -n 300 -f "$T/none.pid" -w 1
	[ ! -L "$ST/svc" ]
	assert_equal "$(cat "$T/target")" "timeout${tab}1${tab}0${tab}300${tab}/etc/default/svc${tab}forged"
	has svc "timed out after 1 s"
}

@test "a waiter made by hand (no OOMGUARD_NAME) records nothing" {
	run -4 "$X" -n 300 -f "$T/none.pid" -w 1
	[ ! -e "$ST" ] || [ -z "$(ls -A "$ST")" ]
}
