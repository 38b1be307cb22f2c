# shellcheck shell=sh
# oomguard hook.  Source it as the last line of /etc/default/NAME (Debian),
# /etc/sysconfig/NAME (RHEL), /etc/conf.d/NAME (OpenRC) or a runit conf file,
# after OOM_SCORE_ADJ=SCORE (and optionally OOM_PIDFILE=, OOM_TREE=, OOM_WAIT=):
#
#   [ ! -r /usr/share/oomguard/oomguard.sh ] || . /usr/share/oomguard/oomguard.sh
#
# That line is itself safe under set -e when the kit is not installed.
# The hook acts only when the service is being started: it sets the init
# script's own shell, so the daemon inherits the score from birth, and with
# OOM_PIDFILE it also leaves a detached waiter for daemons that reset their
# score.  It never exits, never fails, never changes a shell option, and
# defines no name outside oomguard_/OOMGUARD_: init scripts run with set -e
# (some with set -u) and source these files for stop and status too.

# stderr may be closed, a full device or read-only (a daemon's init script
# run from cron or a supervisor): a failed warning must not fail the caller
# under set -e, hence the "|| :" on each write.
oomguard_say() {
	printf '%s\n' "$1" >&2 || :
	for oomguard_logger in /usr/bin/logger /bin/logger; do
		if [ -x "$oomguard_logger" ]; then
			"$oomguard_logger" -t oomguard -p daemon.warning "${1#oomguard: }" 2>/dev/null || :
			break
		fi
	done
}

# Run oomguard; relay what it says; never fail.  The waiter records its
# outcome under the name and file of oomguard_name and oomguard_from, for
# oomguard check (oomguard(8), STATE DIRECTORY), and on a restart learns
# the script's shell ($$), whose end ends the action: given to it alone.
oomguard_run() {
	if oomguard_out=$(OOMGUARD_NAME=${oomguard_name:-} OOMGUARD_FROM=${oomguard_from:-} \
		OOMGUARD_CALLER=$$ "$oomguard_bin" "$@" 2>&1); then
		oomguard_rc=0
	else
		oomguard_rc=$?
	fi
	if [ -n "$oomguard_out" ]; then
		printf '%s\n' "$oomguard_out" | while IFS= read -r oomguard_line; do
			# -p $$ sets the script's shell, not the daemon: say so.
			# shellcheck disable=SC2295 # $$ is digits; posh matches a quoted part literally
			case $oomguard_line in
			*"pid $$ "*) oomguard_line="${oomguard_line%%pid $$ *}the init script's shell (pid $$, whose score ${oomguard_name:-the daemon} inherits) ${oomguard_line#*pid $$ }" ;;
			esac
			oomguard_say "$oomguard_line"
		done || :
	fi
	if [ "$oomguard_rc" -ne 0 ]; then
		oomguard_say "oomguard: protect $oomguard_name: failed (exit $oomguard_rc); starting it anyway"
	fi
	return 0
}

# The file of the first place that holds the service's variables.
oomguard_whoami() {
	for oomguard_from in "/etc/default/$oomguard_name" "/etc/sysconfig/$oomguard_name" \
		"/etc/conf.d/$oomguard_name" "$PWD/conf" ''; do
		if [ -z "$oomguard_from" ] || [ -f "$oomguard_from" ]; then
			break
		fi
	done
}

oomguard_main() {
	oomguard_bin=${OOMGUARD_BIN:-}
	if [ -z "$oomguard_bin" ]; then
		for oomguard_try in /usr/sbin/oomguard /usr/bin/oomguard \
			/usr/local/sbin/oomguard /usr/local/bin/oomguard /sbin/oomguard /bin/oomguard; do
			if [ -x "$oomguard_try" ]; then
				oomguard_bin=$oomguard_try
				break
			fi
		done
	fi
	if [ -z "$oomguard_bin" ] || [ ! -x "$oomguard_bin" ]; then
		oomguard_say "oomguard: find oomguard: not installed; starting $oomguard_name without OOM protection"
		return 0
	fi
	# From init-functions.d: the rule, if any, comes from /etc/oomguard.conf,
	# only.  An OOM_SCORE_ADJ set by /etc/default/NAME (sourced before
	# init-functions by most scripts) is that file's own include's business:
	# acting on it here too would apply it twice and start two waiters.
	if [ -n "${OOMGUARD_SERVICE:-}" ]; then
		oomguard_run apply ${oomguard_restart:+"$oomguard_restart"} "$OOMGUARD_SERVICE" "$$"
		return 0
	fi
	if [ -z "${OOM_SCORE_ADJ:-}" ]; then
		oomguard_say "oomguard: read OOM_SCORE_ADJ: not set; starting $oomguard_name without OOM protection"
		return 0
	fi
	oomguard_run -n "$OOM_SCORE_ADJ" -p "$$"
	if [ -n "${OOM_PIDFILE:-}" ]; then
		oomguard_tree=
		case ${OOM_TREE:-no} in
		[Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1) oomguard_tree=-T ;;
		[Nn][Oo] | [Ff][Aa][Ll][Ss][Ee] | [Oo][Ff][Ff] | 0) ;;
		*) oomguard_say "oomguard: parse OOM_TREE '$OOM_TREE': not yes or no; using no" ;;
		esac
		oomguard_whoami
		# 60: WAIT_SECS_DEFAULT in src/num.h (tests/docs.bats checks they agree).
		oomguard_run -n "$OOM_SCORE_ADJ" -f "$OOM_PIDFILE" -w "${OOM_WAIT:-60}" -b \
			${oomguard_tree:+"$oomguard_tree"} ${oomguard_restart:+"$oomguard_restart"}
	fi
	return 0
}

# The action: $1 of an init script, RC_CMD under OpenRC; a runit or s6 run
# script has none, but runs in its service directory, which has supervise/.
oomguard_action=${RC_CMD:-${1:-}}
if [ -z "$oomguard_action" ] && [ -d ./supervise ]; then
	oomguard_action=start
fi
# The service's name, for the messages and the waiter's record: the
# table's (50-oomguard), OpenRC's, Upstart's, a run script's directory, or
# the init script's own name (sourced files share their caller's $0; the
# init-d-script framework names the script in __init_d_script_name), as
# 40-runit and 50-oomguard name it.
oomguard_name=${OOMGUARD_SERVICE:-${RC_SVCNAME:-${UPSTART_JOB:-}}}
if [ -z "$oomguard_name" ] && [ "${0##*/}" = run ] && [ -d ./supervise ]; then
	oomguard_name=${PWD##*/}
fi
if [ -z "$oomguard_name" ]; then
	oomguard_name=${__init_d_script_name:-$0}
	oomguard_name=${oomguard_name##*/}
	case $oomguard_name in
	[SK][0-9][0-9]?*) oomguard_name=${oomguard_name#???} ;;
	esac
	oomguard_name=${oomguard_name%.sh}
fi
# OpenRC's dependency scan sources every /etc/conf.d file, with the RC_CMD
# of the service that started it: that is no start of this service.
case ${0##*/} in
gendepends.sh) oomguard_action= ;;
esac
# On a restart the script sources this before its stop: the daemon running
# now is the one about to be stopped, and must not be the one waited for.
oomguard_restart=
case $oomguard_action in
start)
	oomguard_main
	;;
restart | force-reload | try-restart | condrestart | force-restart)
	oomguard_restart=-r
	oomguard_main
	;;
esac
unset oomguard_action oomguard_restart oomguard_bin oomguard_try oomguard_out oomguard_rc \
	oomguard_line oomguard_logger oomguard_tree oomguard_name oomguard_from
unset -f oomguard_say oomguard_run oomguard_whoami oomguard_main
:
