#!/usr/bin/env bats
# hooks/oomguard.sh and hooks/init-functions.d/50-oomguard, sourced the way
# init scripts source them: every shell x set -e / set -u x every way the
# protection can fail x start/stop/status.  Whatever happens, the caller's
# exit status and stdout are those of a run without the kit, its shell
# options and variables are untouched, and only stderr carries a warning.
# shellcheck disable=SC2154 # $pid and $T are set by common.bash
# shellcheck disable=SC2030,SC2031 # each test exports its own OOMGUARD_BIN
bats_require_minimum_version 1.5.0
load common

HOOK_LINE=
OGX=

local_setup() {
	mkdir -p "$T/init.d" "$T/default" "$T/state"
	# The include line exactly as hooks/oomguard.sh documents it.
	HOOK_LINE=$(sed -n 's/^#   \(\[ ! -r .*\)$/\1/p' "$TOP/hooks/oomguard.sh")
	[ -n "$HOOK_LINE" ] || fail "no documented include line in hooks/oomguard.sh"
	# A private copy: bin/ may be rebuilt while the suite runs.
	mkdir -p "$T/bin"
	cp "$OG" "$T/bin/oomguard"
	OGX=$T/bin/oomguard
	unset OOMGUARD_BIN OOMGUARD_HOOK OOMGUARD_SERVICE RC_CMD OOM_PIDFILE OOM_TREE OOM_WAIT
}

# The documented include line, for a hook at PATH.
include_line() {
	printf '%s\n' "$HOOK_LINE" | sed "s|/usr/share/oomguard/oomguard.sh|$1|g"
}

# The functions hooks/oomguard.sh defines; none may be left in the caller.
# \`set\` lists them in bash only; \`command -v NAME\` finds a function in every
# shell of the matrix (fake_probe, the script's own, shows that it does).
hook_functions() {
	sed -n 's/^\(oomguard_[a-z_]*\)() {$/\1/p' "$TOP/hooks/oomguard.sh" | tr '\n' ' '
}

# A fake init script for shell options OPTS ("-e", "-u", "-eu"): it snapshots
# its variables and options around sourcing $T/default/fake, records its own
# score, prints one line, and exits 0 for start and stop, 3 for status.
write_fake() {
	cat >"$T/init.d/fake" <<EOF
set $1
S='$T/state'
fake_probe() { :; }
echo "fake: \$1"
set +o >"\$S/opts.before"
if [ -r '$T/default/fake' ]; then
	. '$T/default/fake'
fi
set +o >"\$S/opts.after"
set >"\$S/vars.after"
for f in fake_probe $(hook_functions); do
	if command -v "\$f" >/dev/null 2>&1; then echo "\$f"; fi
done >"\$S/funcs.after"
cat /proc/\$\$/oom_score_adj >"\$S/adj"
case \$1 in
start) echo "Starting fake: fake." ;;
stop) echo "Stopping fake: fake." ;;
status) echo "fake is not running"; exit 3 ;;
*) echo "Usage: fake {start|stop|status}" >&2; exit 2 ;;
esac
exit 0
EOF
}

# write_default SCORE KIT: /etc/default/fake with OOM_SCORE_ADJ=SCORE, and,
# when KIT is yes, the include line as its last line.
write_default() {
	printf '# /etc/default/fake\nFAKE_OPTS="-x"\nOOM_SCORE_ADJ=%s\n' "$1" >"$T/default/fake"
	if [ "$2" = yes ]; then include_line "$TOP/hooks/oomguard.sh" >>"$T/default/fake"; fi
}

# The shell's own variables that differ between any two runs (mksh sets
# KSH_MATCH at every case statement, the caller's own included).
vars() {
	grep -Ev '^(_|RANDOM|SECONDS|EPOCHREALTIME|EPOCHSECONDS|SRANDOM|BASHPID|LINENO|KSH_MATCH)=' "$1"
}

# invoke WRAP SHELL ACTION: run the fake script from a process at score 2;
# leaves $T/r.{out,err,rc,adj,opts.before,opts.after,vars}.
# WRAP is "ro" to run it where /proc is mounted read-only, else "-".
invoke() {
	local wrap=$1 act=$3 rc=0 sh
	read -ra sh <<<"$2"
	if [ "$wrap" = ro ]; then
		# A private mount namespace in which /proc is read-only, as in a
		# hardened container or a chroot with /proc bound read-only.
		# shellcheck disable=SC2016 # expanded by the inner sh
		with_adj 2 unshare -m --propagation private \
			sh -c 'mount -o remount,bind,ro /proc && exec "$@"' sh \
			"${sh[@]}" "$T/init.d/fake" "$act" >"$T/r.out" 2>"$T/r.err" 3>&- || rc=$?
	else
		with_adj 2 "${sh[@]}" "$T/init.d/fake" "$act" >"$T/r.out" 2>"$T/r.err" 3>&- || rc=$?
	fi
	echo "$rc" >"$T/r.rc"
	cp "$T/state/adj" "$T/r.adj"
	cp "$T/state/opts.before" "$T/r.opts.before"
	cp "$T/state/opts.after" "$T/r.opts.after"
	cp "$T/state/funcs.after" "$T/r.funcs"
	vars "$T/state/vars.after" >"$T/r.vars"
	rm -f "$T"/state/*
}

# matrix SHELL CASE: for set -e, set -u and both, and for start, stop and
# status, a run with the kit against the same run without it.
# CASE: missing (no binary), bad (OOM_SCORE_ADJ=abc), eacces (a negative
# score, which needs CAP_SYS_RESOURCE), rofs (/proc read-only), ok.
matrix() {
	local shell=$1 case=$2 score=5 wrap=- want='' opts act where
	export OOMGUARD_BIN=$OGX
	case $case in
	missing) OOMGUARD_BIN=/nonexistent/oomguard want='find oomguard: not installed' ;;
	bad) score=abc want="parse score 'abc'" ;;
	eacces) score=-5 want='Permission denied' ;;
	rofs) wrap=ro want='Read-only file system' ;;
	ok) ;;
	esac
	for opts in -e -u -eu; do
		write_fake "$opts"
		for act in start stop status; do
			where="$shell, set $opts, $case, $act"
			write_default "$score" no
			invoke "$wrap" "$shell" "$act"
			for f in out rc adj vars opts.after funcs; do mv "$T/r.$f" "$T/base.$f"; done
			assert_equal "$(cat "$T/base.funcs")" fake_probe || fail "$where: command -v finds no function"
			[ ! -s "$T/r.err" ] || fail "$where: the run without the kit wrote to stderr: $(cat "$T/r.err")"
			write_default "$score" yes
			invoke "$wrap" "$shell" "$act"
			assert_equal "$(cat "$T/r.rc")" "$(cat "$T/base.rc")" || fail "$where: exit status"
			assert_equal "$(cat "$T/r.out")" "$(cat "$T/base.out")" || fail "$where: stdout"
			cmp -s "$T/r.opts.before" "$T/r.opts.after" ||
				fail "$where: shell options changed: $(diff "$T/r.opts.before" "$T/r.opts.after")"
			cmp -s "$T/r.vars" "$T/base.vars" ||
				fail "$where: variables changed: $(diff "$T/base.vars" "$T/r.vars")"
			cmp -s "$T/r.funcs" "$T/base.funcs" ||
				fail "$where: functions left behind: $(grep -v '^fake_probe$' "$T/r.funcs" | tr '\n' ' ')"
			! grep -E '^(oomguard_|OOMGUARD_)' "$T/r.vars" | grep -Eqv '^OOMGUARD_(BIN|STATE_DIR|KMSG)\b' ||
				fail "$where: a variable leaked: $(grep -E '^(oomguard_|OOMGUARD_)' "$T/r.vars")"
			if [ "$act" = start ] && [ -n "$want" ]; then
				grep -qF "$want" "$T/r.err" || fail "$where: no '$want' warning: $(cat "$T/r.err")"
				grep -q 'starting' "$T/r.err" || fail "$where: does not say it starts anyway"
				[ "$case" != eacces ] || grep -q "write the init script's shell (pid [0-9]*, whose score [^ ]* inherits) oom_score_adj" "$T/r.err" ||
					fail "$where: the pid set is not said to be the script's shell: $(cat "$T/r.err")"
				assert_equal "$(cat "$T/r.adj")" 2
			elif [ "$act" = start ]; then
				[ ! -s "$T/r.err" ] || fail "$where: stderr: $(cat "$T/r.err")"
				assert_equal "$(cat "$T/r.adj")" 5
			else
				[ ! -s "$T/r.err" ] || fail "$where: stderr on $act: $(cat "$T/r.err")"
				assert_equal "$(cat "$T/r.adj")" 2
			fi
		done
	done
}

@test "dash: binary missing" { matrix dash missing; }
@test "dash: bad value" { matrix dash bad; }
@test "dash: EACCES (negative score)" { matrix dash eacces; }
@test "dash: /proc read-only" { matrix dash rofs; }
@test "dash: protection works" { matrix dash ok; }
@test "bash: binary missing" { matrix bash missing; }
@test "bash: bad value" { matrix bash bad; }
@test "bash: EACCES (negative score)" { matrix bash eacces; }
@test "bash: /proc read-only" { matrix bash rofs; }
@test "bash: protection works" { matrix bash ok; }
@test "busybox ash: binary missing" { matrix "busybox sh" missing; }
@test "busybox ash: bad value" { matrix "busybox sh" bad; }
@test "busybox ash: EACCES (negative score)" { matrix "busybox sh" eacces; }
@test "busybox ash: /proc read-only" { matrix "busybox sh" rofs; }
@test "busybox ash: protection works" { matrix "busybox sh" ok; }
@test "mksh: binary missing" { matrix mksh missing; }
@test "mksh: bad value" { matrix mksh bad; }
@test "mksh: EACCES (negative score)" { matrix mksh eacces; }
@test "mksh: /proc read-only" { matrix mksh rofs; }
@test "mksh: protection works" { matrix mksh ok; }
@test "posh: binary missing" { matrix posh missing; }
@test "posh: bad value" { matrix posh bad; }
@test "posh: EACCES (negative score)" { matrix posh eacces; }
@test "posh: /proc read-only" { matrix posh rofs; }
@test "posh: protection works" { matrix posh ok; }

# fds SHELL: the hook has a warning to give (a negative score: EACCES here)
# while the init script's stderr or stdout is closed, a full device
# (/dev/full) or open read-only; under set -e, set -u and both, the script
# must go on to its end with status 0, as it does without the kit.
fds() {
	local shell=$1 opts redir rc sh
	read -ra sh <<<"$shell"
	export OOMGUARD_BIN=$OGX
	printf '# /etc/default/fake\nOOM_SCORE_ADJ=-5\n' >"$T/default/fake"
	include_line "$TOP/hooks/oomguard.sh" >>"$T/default/fake"
	: >"$T/ro"
	for opts in -e -u -eu; do
		printf 'set %s\n. %s\ncat /proc/$$/oom_score_adj >%s\nexit 0\n' \
			"$opts" "$T/default/fake" "$T/state/adj" >"$T/init.d/fake"
		# shellcheck disable=SC2016 # eval expands them
		for redir in '2>&-' '2>/dev/full' '2<"$T/ro"' '1>&-' '1>/dev/full' '1<"$T/ro"' \
			'1>&- 2>&-' '1>/dev/full 2>/dev/full'; do
			rm -f "$T/state/adj"
			rc=0
			eval 'with_adj 2 "${sh[@]}" "$T/init.d/fake" start 3>&- '"$redir" || rc=$?
			[ "$rc" = 0 ] || fail "$shell, set $opts, $redir: exit $rc"
			[ "$(cat "$T/state/adj" 2>/dev/null)" = 2 ] ||
				fail "$shell, set $opts, $redir: the script did not run to its end"
		done
	done
}

@test "dash: stderr/stdout closed, /dev/full or read-only: the script goes on" { fds dash; }
@test "bash: stderr/stdout closed, /dev/full or read-only: the script goes on" { fds bash; }
@test "busybox ash: stderr/stdout closed, /dev/full or read-only: the script goes on" { fds "busybox sh"; }
@test "mksh: stderr/stdout closed, /dev/full or read-only: the script goes on" { fds mksh; }
@test "posh: stderr/stdout closed, /dev/full or read-only: the script goes on" { fds posh; }

@test "the include line, kit not installed, as the last line under set -e: status 0, script goes on" {
	include_line "$T/absent/oomguard.sh" >"$T/default/fake"
	printf 'set -e\n. %s\necho "sourced: $?"\n' "$T/default/fake" >"$T/script"
	for shell in dash bash "busybox sh" mksh posh; do
		read -ra sh <<<"$shell"
		run "${sh[@]}" "$T/script" start
		assert_success
		assert_output "sourced: 0"
	done
}

@test "the include line as documented: /usr/share/oomguard/oomguard.sh absent here, harmless" {
	[ ! -e /usr/share/oomguard/oomguard.sh ] ||
		fail "this test needs a machine without /usr/share/oomguard/oomguard.sh"
	printf '%s\n' "$HOOK_LINE" >"$T/default/fake"
	printf 'set -eu\n. %s\necho "sourced: $?"\n' "$T/default/fake" >"$T/script"
	run dash "$T/script" start
	assert_success
	assert_output "sourced: 0"
}

# src ACTION [VAR=VALUE...]: source the hook in dash with OOM_SCORE_ADJ=7 as
# an init script called with ACTION would; prints the shell's score after.
src() {
	local act=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner dash
	with_adj 2 env OOMGUARD_BIN="$OGX" OOM_SCORE_ADJ=7 "$@" dash -euc \
		'. "$0"; cat /proc/$$/oom_score_adj' "$TOP/hooks/oomguard.sh" ${act:+"$act"} 3>&-
}

@test "acts on start, restart, force-reload, try-restart, condrestart, force-restart only" {
	for act in start restart force-reload try-restart condrestart force-restart; do
		run src "$act"
		assert_success
		assert_output 7
	done
	for act in stop status reload force-stop foo "" START; do
		run src "$act"
		assert_success
		assert_output 2
	done
}

@test "OpenRC: the action comes from RC_CMD" {
	run src "" RC_CMD=start
	assert_output 7
	run src "" RC_CMD=restart
	assert_output 7
	run src "" RC_CMD=stop
	assert_output 2
	run src "" RC_CMD=status
	assert_output 2
	# openrc-run passes the action as $1 too; RC_CMD decides.
	run src start RC_CMD=stop
	assert_output 2
}

@test "OpenRC: its dependency scan (gendepends.sh) sources conf.d with RC_CMD=start: nothing is done" {
	printf '. "%s"\ncat /proc/$$/oom_score_adj\n' "$TOP/hooks/oomguard.sh" >"$T/gendepends.sh"
	run with_adj 2 env OOMGUARD_BIN="$OGX" OOM_SCORE_ADJ=7 RC_CMD=start dash -eu "$T/gendepends.sh" 3>&-
	assert_success
	assert_output 2
	cp "$T/gendepends.sh" "$T/memcached"
	run with_adj 2 env OOMGUARD_BIN="$OGX" OOM_SCORE_ADJ=7 RC_CMD=start dash -eu "$T/memcached" 3>&-
	assert_output 7
}

@test "runit/Void conf: a run script in a directory with supervise/ is a start" {
	mkdir -p "$T/sv/fake/supervise" "$T/notsv"
	cd "$T/sv/fake"
	run src ""
	assert_output 7
	# ./finish gets the exit code and signal as arguments: not a start.
	run src 0
	assert_output 2
	cd "$T/notsv"
	run src ""
	assert_output 2
}

@test "the warnings name the service: init script, rc link, OpenRC, runit run script" {
	export OOMGUARD_BIN=$OGX
	mkdir -p "$T/rc2.d" "$T/sv/nginx/supervise"
	printf '. "%s"\n' "$TOP/hooks/oomguard.sh" >"$T/init.d/memcached"
	ln -s ../init.d/memcached "$T/rc2.d/S01memcached.sh"
	for s in "$T/init.d/memcached" "$T/rc2.d/S01memcached.sh"; do
		run env OOM_SCORE_ADJ=abc dash "$s" start
		assert_output --partial 'oomguard: protect memcached: failed (exit 2); starting it anyway'
	done
	run env -u OOM_SCORE_ADJ dash "$T/init.d/memcached" restart
	assert_output 'oomguard: read OOM_SCORE_ADJ: not set; starting memcached without OOM protection'
	run env OOM_SCORE_ADJ=5 OOMGUARD_BIN=/nonexistent/oomguard dash "$T/init.d/memcached" start
	assert_output 'oomguard: find oomguard: not installed; starting memcached without OOM protection'
	run env OOM_SCORE_ADJ=abc RC_SVCNAME=redis RC_CMD=start dash "$T/init.d/memcached"
	assert_output --partial 'oomguard: protect redis: failed'
	cp "$T/init.d/memcached" "$T/sv/nginx/run"
	cd "$T/sv/nginx"
	run env OOM_SCORE_ADJ=abc dash ./run
	assert_output --partial 'oomguard: protect nginx: failed'
}

@test "OOM_PIDFILE: the detached waiter keeps no descriptor of the caller: \$(script start) returns" {
	export OOMGUARD_BIN=$OGX
	write_fake -e
	write_default 5 yes
	printf 'OOM_PIDFILE=%s\nOOM_WAIT=30\n' "$T/never.pid" >>"$T/default/fake"
	# The hook must come last: move the include line to the end again.
	grep -v 'oomguard.sh' "$T/default/fake" >"$T/d" && include_line "$TOP/hooks/oomguard.sh" >>"$T/d"
	mv "$T/d" "$T/default/fake"
	out=$(timeout 20 dash "$T/init.d/fake" start 2>&1 3>&-)
	assert_equal "$out" "fake: start
Starting fake: fake."
	# The waiter is there, waiting for the pidfile, detached from us.
	wait_for pgrep -f "$T/never.pid"
	w=$(pgrep -f "$T/never.pid")
	PIDS="$PIDS $w"
	# In a session of its own, not ours.
	[ "$(sed 's/.*) //' "/proc/$w/stat" | cut -d' ' -f4)" != "$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f4)" ]
	for fd in 0 1 2; do
		assert_equal "$(readlink "/proc/$w/fd/$fd")" /dev/null
	done
	# It sets the daemon once the pidfile names it.
	spawn
	echo "$pid" >"$T/never.pid"
	wait_for adj_is "$pid" 5
}

@test "the warning also goes to syslog (daemon.warning, tag oomguard)" {
	# A private /dev holding only null and a log socket served by busybox syslogd.
	cat >"$T/ns" <<EOF
set -e
mkdir '$T/olddev'
mount --bind /dev '$T/olddev'
mount -t tmpfs tmpfs /dev
touch /dev/null
mount --bind '$T/olddev/null' /dev/null
. '$TOP/tests/wait.sh'
busybox syslogd -n -O '$T/syslog' &
s=\$!
wait_for test -S /dev/log
OOMGUARD_BIN=/nonexistent/oomguard OOM_SCORE_ADJ=5 dash -euc '. "\$0"' '$TOP/hooks/oomguard.sh' start
wait_for grep -qs oomguard '$T/syslog'
kill \$s
EOF
	run unshare -m --propagation private sh "$T/ns" 3>&-
	assert_success
	assert_output --partial 'oomguard: find oomguard: not installed'
	run cat "$T/syslog"
	assert_output --regexp 'daemon.warn.*oomguard.*find oomguard: not installed'
}

# --- init-functions.d: 50-oomguard -------------------------------------------

# lsb_run SCRIPT ACTION STATUS OUTPUT ADJ: run the init script from a shell
# at score 2; check its status, its output, and the score it ran with.
lsb_run() {
	run with_adj 2 "$1" "$2" 3>&-
	assert_equal "$status" "$3"
	assert_output "$4"
	assert_equal "$(cat "$T/adj")" "$5"
}

# The real /lib/lsb/init-functions with its hook directory moved to $T, our
# hook in it, and a table for apply (passed with -c by a wrapper, so that the
# host's /etc/oomguard.conf is left alone; tests/initscripts.bats uses it).
lsb_setup() {
	mkdir -p "$T/lsb/init-functions.d"
	cp "$TOP/hooks/init-functions.d/50-oomguard" "$T/lsb/init-functions.d/"
	sed "s|/lib/lsb/init-functions.d|$T/lsb/init-functions.d|g" /lib/lsb/init-functions >"$T/lsb/init-functions"
	grep -q "$T/lsb/init-functions.d" "$T/lsb/init-functions"
	printf 'fakesvc 9\n' >"$T/oomguard.conf"
	chmod 644 "$T/oomguard.conf"
	og_conf "$OGX" "$T/oomguard.conf"
	# An LSB init script that knows nothing of oomguard.
	for n in fakesvc other; do
		cat >"$T/init.d/$n" <<EOF
#!/bin/sh
set -eu
. '$T/lsb/init-functions'
cat /proc/\$\$/oom_score_adj >'$T/adj'
case "\$1" in
start) echo "Starting $n" ;;
stop) echo "Stopping $n" ;;
status) echo "$n is not running"; exit 3 ;;
esac
EOF
		chmod 755 "$T/init.d/$n"
	done
}

@test "init-functions.d: run-parts --lsbsysinit accepts the name 50-oomguard" {
	lsb_setup
	run run-parts --lsbsysinit --list "$T/lsb/init-functions.d"
	assert_output "$T/lsb/init-functions.d/50-oomguard"
}

@test "init-functions.d: a script with a rule gets it on start, not on stop or status" {
	lsb_setup
	lsb_run "$T/init.d/fakesvc" start 0 "Starting fakesvc" 9
	lsb_run "$T/init.d/fakesvc" stop 0 "Stopping fakesvc" 2
	lsb_run "$T/init.d/fakesvc" status 3 "fakesvc is not running" 2
}

@test "init-functions.d: a name with no rule: nothing happens, nothing is said" {
	lsb_setup
	lsb_run "$T/init.d/other" start 0 "Starting other" 2
}

@test "init-functions.d: at boot as /etc/rc2.d/S01fakesvc and K01fakesvc, the prefix is stripped" {
	lsb_setup
	mkdir "$T/rc2.d"
	ln -s ../init.d/fakesvc "$T/rc2.d/S01fakesvc"
	ln -s ../init.d/fakesvc "$T/rc2.d/K01fakesvc"
	lsb_run "$T/rc2.d/S01fakesvc" start 0 "Starting fakesvc" 9
	# At shutdown K01 scripts get stop: nothing to do.
	lsb_run "$T/rc2.d/K01fakesvc" stop 0 "Stopping fakesvc" 2
}

@test "init-functions.d: /etc/init.d/fakesvc.sh is the service fakesvc" {
	lsb_setup
	cp "$T/init.d/fakesvc" "$T/init.d/fakesvc.sh"
	lsb_run "$T/init.d/fakesvc.sh" start 0 "Starting fakesvc" 9
}

@test "init-functions.d: OOM_SCORE_ADJ from /etc/default is not applied a second time; the table rules" {
	lsb_setup
	# As memcached's script does: the default file (with its own include) first.
	printf "OOM_SCORE_ADJ=7\n. '%s'\n" "$TOP/hooks/oomguard.sh" >"$T/default-fakesvc"
	sed -i "s|^set -eu\$|set -eu\\n. '$T/default-fakesvc'|" "$T/init.d/fakesvc"
	# A log of every call of the binary: one -p for the default file, one
	# apply for 50-oomguard, nothing else.
	printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "'$T/calls'" "'$T/bin/og-conf'" >"$T/bin/og-log"
	chmod 755 "$T/bin/og-log"
	OOMGUARD_BIN=$T/bin/og-log run with_adj 2 "$T/init.d/fakesvc" start 3>&-
	assert_output "Starting fakesvc"
	run cat "$T/calls"
	assert_line --index 0 --regexp '^-n 7 -p [0-9]+$'
	assert_line --index 1 --regexp '^apply fakesvc [0-9]+$'
	assert_equal "${#lines[@]}" 2
	assert_equal "$(cat "$T/adj")" 9
}

@test "init-functions.d: an init-d-script(5) script is named by \$__init_d_script_name" {
	lsb_setup
	# As /lib/init/init-d-script does: run as "sh init-d-script /etc/init.d/NAME ACTION".
	cat >"$T/init-d-script" <<EOF
__init_d_script_name="\$1"
shift
. '$T/lsb/init-functions'
cat /proc/\$\$/oom_score_adj >'$T/adj'
echo "\${__init_d_script_name##*/}: \$1"
EOF
	run with_adj 2 sh "$T/init-d-script" "$T/init.d/fakesvc" start 3>&-
	assert_success
	assert_output "fakesvc: start"
	assert_equal "$(cat "$T/adj")" 9
}

@test "init-functions.d: a 40-systemd-like hook that forwards and exits first: ours does not run, the script is unaffected" {
	lsb_setup
	cat >"$T/lsb/init-functions.d/40-systemd" <<'EOF'
# like 40-systemd when systemd is init: forward the action and exit
case "${1:-}" in
start | stop | restart | status) echo "forwarded to systemctl $1"; exit 0 ;;
esac
EOF
	run with_adj 2 "$T/init.d/fakesvc" start 3>&-
	assert_success
	assert_output "forwarded to systemctl start"
	[ ! -e "$T/adj" ]
	# Without the forward (e.g. reload not handled), the script runs as before.
	lsb_run "$T/init.d/fakesvc" reload 0 "" 2
}

@test "init-functions.d: hook file (OOMGUARD_HOOK) absent: nothing happens, nothing is said" {
	lsb_setup
	export OOMGUARD_HOOK=$T/absent/oomguard.sh
	lsb_run "$T/init.d/fakesvc" start 0 "Starting fakesvc" 2
}

@test "init-functions.d: the real 40-runit and 40-systemd before ours, no systemd or runsvdir: ours runs" {
	lsb_setup
	for f in /lib/lsb/init-functions.d/40-*; do cp "$f" "$T/lsb/init-functions.d/"; done
	[ ! -d /run/systemd/system ] || fail "this test needs a machine not booted with systemd"
	lsb_run "$T/init.d/fakesvc" start 0 "Starting fakesvc" 9
}

@test "init-functions.d: no variable of ours is left in the init script" {
	lsb_setup
	cat >"$T/init.d/vars" <<EOF
#!/bin/sh
set -eu
. '$T/lsb/init-functions'
set
EOF
	sed -i 's/^fakesvc 9/vars 9/' "$T/oomguard.conf"
	run dash "$T/init.d/vars" start 3>&-
	assert_success
	refute_output --regexp '^oomguard_'
	refute_line --regexp '^OOMGUARD_(SERVICE|HOOK)='
}

# --- a bad line in the table (issue 15) ---------------------------------------

@test "init-functions.d: a bad line for another service: this one still gets its rule, nothing is said" {
	lsb_setup
	printf 'fakesvc 9\nredis-server -5OO\nmy service 5\n' >"$T/oomguard.conf"
	lsb_run "$T/init.d/fakesvc" start 0 "Starting fakesvc" 9
	lsb_run "$T/init.d/other" start 0 "Starting other" 2
}

@test "init-functions.d: the service's own bad line: named as file:line, started anyway, unprotected" {
	lsb_setup
	printf 'other 7\nfakesvc 9O\n' >"$T/oomguard.conf"
	lsb_run "$T/init.d/fakesvc" start 0 "oomguard: parse $T/oomguard.conf:2: '9O': not a score from -1000 to 1000
oomguard: protect fakesvc: failed (exit 2); starting it anyway
Starting fakesvc" 2
	lsb_run "$T/init.d/other" start 0 "Starting other" 7
}

@test "one wording for a bad score: the table, -n, OOM_SCORE_ADJ in /etc/default, oom-kill-protect" {
	local why='not a score from -1000 to 1000'
	export OOMGUARD_BIN=$OGX
	write_fake -e
	write_default 5OO yes
	invoke - dash start
	grep -qxF "oomguard: parse score '5OO': $why" "$T/r.err" || fail "/etc/default: $(cat "$T/r.err")"
	printf 'fake 5OO\n' >"$T/og.conf"
	chmod 644 "$T/og.conf"
	run -2 "$OGX" apply -c "$T/og.conf" fake "$$"
	assert_output "oomguard: parse $T/og.conf:1: '5OO': $why"
	run -2 "$OGX" -n 5OO -p "$$"
	assert_output "oomguard: parse score '5OO': $why"
	run -1 "$TOP/bin/oom-kill-protect" 5OO true
	assert_output "oom-kill-protect: parse level '5OO': $why (nor true/yes/on/false/no/off)"
}
