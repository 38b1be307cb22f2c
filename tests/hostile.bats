#!/usr/bin/env bats
# Hostile local users and hostile files (issue 12): a table that another user
# could have chosen or changed is refused and explained, never blocks, and
# never gives a rule; names and paths are escaped in every output; messages
# of any length are cut safely; writers follow no link.
#
# The corpus: each case leaves the table in $T/etc as a hostile user would
# (a drop-in og.d/zz-evil.conf, the drop-in directory, or the table itself),
# holding the rule "evil 900 exe=$T/victim"; the drop-in og.d/00-good.conf
# holds "good 300 exe=$T/goodx".  apply, check and watch each run under
# timeout: none may hang, none may take the evil rule, each must say why
# (REASON), and the good rule still applies where the case leaves it
# readable.  HOSTILE_LOG=FILE adds one line per command that went wrong,
# for the figures in the closing note.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2030,SC2031 # PIDS is each test's own
# shellcheck disable=SC2016 # the bash -c scripts expand in the child
bats_require_minimum_version 1.5.0
load common

local_setup() {
	E=$T/etc
	C=$E/og.conf
	D=$E/og.d
	mkdir -m 755 "$E" "$D"
	cp /bin/sleep "$T/victim"
	cp /bin/sleep "$T/goodx"
	EVIL="evil 900 exe=$T/victim"
	printf '# main table\n' >"$C"
	printf 'good 300 exe=%s\n' "$T/goodx" >"$D/00-good.conf"
	chmod 644 "$C" "$D/00-good.conf"
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/victim" 3>&- &
	VPID=$!
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/goodx" 3>&- &
	GPID=$!
	PIDS="$PIDS $VPID $GPID"
	wait_for comm_is "$VPID" victim
	wait_for comm_is "$GPID" goodx
	WPID=
	PROBLEMS=
}

local_teardown() {
	if [ -n "$WPID" ]; then kill -9 "$WPID" 2>/dev/null || true; fi
	chattr -R -i "$T" 2>/dev/null || true
}

problem() {
	PROBLEMS="$PROBLEMS
$1"
	if [ -n "${HOSTILE_LOG:-}" ]; then
		printf '%s: %s\n' "$BATS_TEST_DESCRIPTION" "$1" >>"$HOSTILE_LOG"
	fi
}

# The exit status of a command run with `run`: 124 is timeout's.
hung() { [ "$status" -eq 124 ]; }

said() {
	case $output in *"$1"*) return 0 ;; esac
	problem "$2 did not say '$1': $output"
}

watch_settled() { grep -q 'rules from' "$T/w.log" || ! kill -0 "$WPID" 2>/dev/null; }

# run_case GOOD REASON: run the three commands on the table as it is now.
# GOOD: yes (the good rule applies; a file refused: check exits 1), no, or
# line (a bad line: skipped alone, the good rule applies, check exits 2).
run_case() {
	local good=$1 reason=$2
	run timeout 10 "$OG" apply -c "$C" evil "$VPID"
	if hung; then problem "apply hung"; fi
	said "$reason" apply
	if adj_is "$VPID" 900; then problem "apply took the evil rule"; fi
	run timeout 10 "$OG" apply -c "$C" good "$GPID"
	if hung; then problem "apply (good) hung"; fi
	if [ "$good" != no ] && ! adj_is "$GPID" 300; then problem "apply: the good rule did not apply"; fi
	echo 0 >"/proc/$GPID/oom_score_adj"
	echo 0 >"/proc/$VPID/oom_score_adj"

	run timeout 10 "$OG" check -c "$C" --format=tsv
	if hung; then problem "check hung"; fi
	if [ "$good" = line ]; then
		# A bad line is a row: FILE:LINE, then the reason.
		said "${reason%%: *}	-	-	-	-	bad line	${reason#*: }" check
	else
		said "$reason" check
	fi
	case $output in *"evil	"*) problem "check listed the evil rule" ;; esac
	if [ "$good" = yes ]; then
		case $output in *"good	"*) ;; *) problem "check: no good rule" ;; esac
		[ "$status" -eq 1 ] || problem "check: exit $status with a refused file, not 1"
	elif [ "$good" = line ]; then
		case $output in *"good	"*) ;; *) problem "check: no good rule" ;; esac
		[ "$status" -eq 2 ] || problem "check: exit $status with a bad line, not 2"
	fi

	timeout 20 "$OG" watch -c "$C" >"$T/w.log" 2>&1 3>&- &
	WPID=$!
	if ! wait_for watch_settled; then problem "watch hung"; fi
	output=$(cat "$T/w.log")
	said "$reason" watch
	if [ "$good" != no ] && ! wait_for adj_is "$GPID" 300; then problem "watch: the good rule did not apply"; fi
	if adj_is "$VPID" 900; then problem "watch took the evil rule"; fi
	kill "$WPID" 2>/dev/null || true
	wait "$WPID" 2>/dev/null || true
	WPID=

	[ -z "$PROBLEMS" ] || fail "$PROBLEMS"
}

evil_file() { printf '%s\n' "$EVIL" >"$1"; }

# --- the drop-in itself ---------------------------------------------------

@test "hostile 1: drop-in symlink to a root-owned 0644 file elsewhere" {
	mkdir -m 755 "$T/else"
	evil_file "$T/else/x"
	chmod 644 "$T/else/x"
	ln -s "$T/else/x" "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: a symbolic link"
}

@test "hostile 2: drop-in symlink to /proc/PID/cmdline of a root process whose argv[0] is a rule" {
	bash -c 'exec -a "$1" sleep 1000' sh "$EVIL
" 3>&- &
	PIDS="$PIDS $!"
	wait_for grep -q evil "/proc/$!/cmdline"
	ln -s "/proc/$!/cmdline" "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: a symbolic link"
}

@test "hostile 3: drop-in symlink to a FIFO" {
	mkfifo "$T/fifo"
	ln -s "$T/fifo" "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: a symbolic link"
}

@test "hostile 4: drop-in FIFO, no writer" {
	mkfifo -m 644 "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 5: drop-in FIFO with a writer waiting to feed it a rule" {
	mkfifo -m 644 "$D/zz-evil.conf"
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'while :; do printf "%s\n" "$1" >"$2"; done' sh "$EVIL" "$D/zz-evil.conf" 3>&- &
	PIDS="$PIDS $!"
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 6: drop-in is a character device (/dev/zero's numbers: endless bytes)" {
	mknod -m 644 "$D/zz-evil.conf" c 1 5
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 7: drop-in is a character device (/dev/null's numbers)" {
	mknod -m 644 "$D/zz-evil.conf" c 1 3
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 8: drop-in is a block device (loop0's numbers)" {
	mknod -m 644 "$D/zz-evil.conf" b 7 0
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 9: drop-in is a unix socket" {
	perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0],
		Listen => 1) or die "$!"' "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 10: drop-in is a directory" {
	mkdir -m 755 "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: not a regular file"
}

@test "hostile 11: drop-in owned by nobody, 0644" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chown nobody:nogroup "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: owned by a user other than root"
}

@test "hostile 12: drop-in root-owned, world-writable 0666" {
	evil_file "$D/zz-evil.conf"
	chmod 666 "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: writable by group or others"
}

@test "hostile 13: drop-in root:root, group-writable 0664" {
	evil_file "$D/zz-evil.conf"
	chmod 664 "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: writable by group or others"
}

@test "hostile 14: drop-in root:nogroup, group-writable 0620" {
	evil_file "$D/zz-evil.conf"
	chmod 620 "$D/zz-evil.conf"
	chgrp nogroup "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: writable by group or others"
}

@test "hostile 15: drop-in a hard link to a file nobody owns" {
	mkdir -m 755 "$T/else"
	evil_file "$T/else/x"
	chown nobody "$T/else/x"
	ln "$T/else/x" "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: owned by a user other than root"
}

@test "hostile 16: drop-in with a NUL byte inside its rule line" {
	printf 'evil 900 exe=%s\0 this part is hidden from fgets\n' "$T/victim" >"$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	run_case line "$D/zz-evil.conf:1: a NUL byte"
}

@test "hostile 17: drop-in larger than 1 MiB with the rule at its end" {
	{ head -c 1100000 /dev/zero | tr '\0' '#'; printf '\n%s\n' "$EVIL"; } >"$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	run_case yes "$D/zz-evil.conf: refused: larger than 1 MiB"
}

@test "hostile 18: drop-in with the rule past byte 4096 of an overlong line" {
	# A reader with a 4 KiB line buffer would take the rest as a line.
	{ head -c 4096 /dev/zero | tr '\0' ' '; printf '%s\n' "$EVIL"; } >"$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	run_case line "$D/zz-evil.conf:1: line longer than 4096 bytes"
}

@test "hostile 19: drop-in whose name holds ESC and a newline, world-writable: the message is one escaped line" {
	f=$D/$(printf 'a\033[2Jb\nc.conf')
	evil_file "$f"
	chmod 666 "$f"
	run_case yes 'og.d/a\x1b[2Jb\nc.conf: refused: writable by group or others'
}

# --- the drop-in directory --------------------------------------------------

@test "hostile 20: drop-in directory owned by nobody" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chown nobody "$D"
	run_case no "og.d: refused: directory $D: owned by a user other than root"
}

@test "hostile 21: drop-in directory world-writable 0777" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chmod 777 "$D"
	run_case no "og.d: refused: directory $D: writable by group or others"
}

@test "hostile 22: drop-in directory sticky and world-writable 1777, as /tmp" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chmod 1777 "$D"
	run_case no "og.d: refused: directory $D: writable by group or others"
}

@test "hostile 23: drop-in directory group-writable 0775, group nogroup" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chmod 775 "$D"
	chgrp nogroup "$D"
	run_case no "og.d: refused: directory $D: writable by group or others"
}

@test "hostile 24: drop-in directory a symlink to a directory nobody owns" {
	mkdir -m 755 "$T/else"
	mkdir -m 755 "$T/else/d"
	chown nobody "$T/else/d"
	evil_file "$T/else/d/zz-evil.conf"
	chmod 644 "$T/else/d/zz-evil.conf"
	rm -rf "$D"
	ln -s "$T/else/d" "$D"
	run_case no "og.d: refused: directory $T/else/d: owned by a user other than root"
}

@test "hostile 25: drop-in directory a symlink into /tmp (sticky, world-writable)" {
	local tmpd
	tmpd=$(mktemp -d /tmp/og-hostile.XXXXXX)
	chmod 755 "$tmpd"
	evil_file "$tmpd/zz-evil.conf"
	chmod 644 "$tmpd/zz-evil.conf"
	rm -rf "$D"
	ln -s "$tmpd" "$D"
	run_case no "og.d: refused: directory /tmp: writable by group or others"
	rm -rf "$tmpd"
}

@test "hostile 26: a directory above the table is world-writable" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chmod 777 "$E"
	run_case no "refused: directory $E: writable by group or others"
}

@test "hostile 27: a directory two levels above the table is owned by nobody" {
	evil_file "$D/zz-evil.conf"
	chmod 644 "$D/zz-evil.conf"
	chown nobody "$T"
	run_case no "refused: directory $T: owned by a user other than root"
	chown root "$T"
}

# --- the table itself --------------------------------------------------------

@test "hostile 28: the table is a symlink to a root-owned file elsewhere" {
	mkdir -m 755 "$T/else"
	evil_file "$T/else/x"
	chmod 644 "$T/else/x"
	rm "$C"
	ln -s "$T/else/x" "$C"
	run_case no "$C: refused: a symbolic link"
}

@test "hostile 29: the table is a FIFO with a writer" {
	rm "$C"
	mkfifo -m 644 "$C"
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'while :; do printf "%s\n" "$1" >"$2"; done' sh "$EVIL" "$C" 3>&- &
	PIDS="$PIDS $!"
	run_case no "$C: refused: not a regular file"
}

@test "hostile 30: the table is owned by nobody" {
	evil_file "$C"
	chown nobody "$C"
	run_case no "$C: refused: owned by a user other than root"
}

@test "hostile 31: the table is /proc/PID/cmdline itself (a root process, root-owned, 0444)" {
	bash -c 'exec -a "$1" sleep 1000' sh "$EVIL
" 3>&- &
	PIDS="$PIDS $!"
	wait_for grep -q evil "/proc/$!/cmdline"
	C=/proc/$!/cmdline
	run_case no "$C: refused: on /proc or /sys"
}

@test "hostile 32: the table is a character device" {
	rm "$C"
	mknod -m 644 "$C" c 1 5
	run_case no "$C: refused: not a regular file"
}

@test "hostile 33: the table is in /tmp, which any user can write" {
	local tmpd
	tmpd=$(mktemp -d /tmp/og-hostile.XXXXXX)
	chmod 755 "$tmpd"
	evil_file "$tmpd/og.conf"
	chmod 644 "$tmpd/og.conf"
	C=$tmpd/og.conf
	run_case no "$C: refused: directory /tmp: writable by group or others"
	rm -rf "$tmpd"
}

# --- output: names escaped, messages cut safely -------------------------------

# A process matched by exe=$T/goodx whose name (comm) is NAME: the kernel
# names a process after the file it was run by, a symbolic link included.
renamed() {
	ln -s "$T/goodx" "$T/$1"
	kill -9 "$GPID"
	# shellcheck disable=SC2016 # expanded by the child sh
	sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$0" 1000' "$T/$1" 3>&- &
	GPID=$!
	PIDS="$PIDS $GPID"
	wait_for comm_is "$GPID" "$1"
}

@test "watch: a process name with a newline and a tab is logged escaped, on one line" {
	renamed "$(printf 'a\nb\tc')"
	run_watch_once
	grep -qF 'set pid '"$GPID"' (a\nb\tc) OOM score 300: rule good (exe)' "$T/w.log" ||
		fail "$(cat "$T/w.log")"
	run grep -c '^b' "$T/w.log"
	assert_output 0
}

run_watch_once() {
	"$OG" watch -c "$C" >"$T/w.log" 2>&1 3>&- &
	WPID=$!
	wait_for grep -q 'rules from' "$T/w.log"
	wait_for adj_is "$GPID" 300
}

@test "check --format=tsv: a name with a tab and a newline keeps seven fields on one row" {
	renamed "$(printf 'a\tb\nc')"
	echo 300 >"/proc/$GPID/oom_score_adj"
	run "$OG" check -c "$C" --format=tsv
	assert_success
	assert_line "good	$GPID	a\\tb\\nc	300	300	ok	-"
	assert_equal "$(printf '%s\n' "$output" | awk -F '\t' 'NF != 7' | wc -l)" 0
}

@test "check text: ESC and \\r in a name are shown escaped" {
	renamed "$(printf '\033[2J\rX')"
	run "$OG" check -c "$C"
	assert_output --partial '\x1b[2J\rX'
	case $output in *$'\033'* | *$'\r'*) fail "raw ESC or CR in: $output" ;; esac
}

@test "-l: a command line with ESC, \\r and a newline is shown escaped" {
	bash -c 'exec -a "$1" sleep 1000' sh "$(printf '\033]0;owned\007\r\nfake')" 3>&- &
	PIDS="$PIDS $!"
	wait_for grep -q owned "/proc/$!/cmdline"
	run "$OG" -l
	assert_success
	assert_output --partial '\x1b]0;owned\x07\r\nfake'
	case $output in *$'\033'* | *$'\r'* | *$'\a'*) fail "raw control bytes in -l" ;; esac
}

@test "a 5,000-byte argv[0] is cut safely (no overflow under ASan): one line, exit 2" {
	long=$(head -c 5000 /dev/zero | tr '\0' a)
	run -2 bash -c 'exec -a "$1" "$2" -p 12ab' sh "$long" "$OG"
	assert_equal "${#lines[@]}" 1
	[ "${#output}" -lt 1100 ] || fail "a line of ${#output} bytes"
	assert_output --partial 'parse PID 12ab: not an integer'
	# and a name with a newline cannot forge a second line
	run -2 bash -c 'exec -a "$1" "$2" -p 12ab' sh "$(printf 'x\nforged: ok')" "$OG"
	assert_equal "${#lines[@]}" 1
	assert_output 'x\nforged: ok: parse PID 12ab: not an integer'
}

@test "a 5,000-byte path is cut safely: one line each, documented exit codes" {
	long=$T/$(head -c 5000 /dev/zero | tr '\0' d)
	run -2 "$OG" apply -c "$long" x 1
	assert_equal "${#lines[@]}" 1
	[ "${#output}" -lt 1100 ] || fail "a line of ${#output} bytes"
	run -2 "$OG" check -c "$long"
	assert_equal "${#lines[@]}" 1
	run -2 "$OG" -n 5 -f "$long" -w 1
	assert_equal "${#lines[@]}" 1
	assert_output --partial ': path too long'
	[ "${#output}" -lt 1100 ] || fail "a line of ${#output} bytes"
}

@test "watch: SIGHUP with a FIFO dropped in reloads without blocking, and SIGTERM still stops it" {
	"$OG" watch -c "$C" >"$T/w.log" 2>&1 3>&- &
	WPID=$!
	wait_for grep -q 'rules from' "$T/w.log"
	mkfifo -m 644 "$D/zz-evil.conf"
	kill -HUP "$WPID"
	wait_for grep -q 'reload .*: 1 rules' "$T/w.log" || fail "$(cat "$T/w.log")"
	grep -qF "read $D/zz-evil.conf: refused: not a regular file" "$T/w.log"
	kill -TERM "$WPID"
	wait_for test_state_gone "$WPID" || fail "SIGTERM did not stop it"
	run wait "$WPID"
	assert_success
	WPID=
}

test_state_gone() { ! kill -0 "$1" 2>/dev/null || [ "$(state_of "$1" 2>/dev/null)" = Z ]; }
