# shellcheck shell=sh
# Sourced by tests/run and tests/mutants: every process a run starts ends
# with the run.  The run moves itself into a cgroup of its own, which every
# process it starts inherits, whatever it does after: setsid, a double fork,
# a PID namespace, a move into a memory cgroup (another hierarchy), an
# env -i.  At the end, whatever is still in that cgroup besides the run
# itself is a leftover: named, killed and counted as a failure where it was
# made (issue 25: a watch of a mutant's scratch tree ran on for 32 minutes).
#
#   og_run_enter NAME    into a new cgroup NAME.PID under this shell's own
#                        (cgroup v1 "pids" hierarchy, else cgroup2); sets
#                        OG_RUN_CG, empty when no cgroup could be had
#   og_run_leftovers     prints "not ok - leftover process PID: ARGS" for
#                        each, kills them all; sets OG_RUN_LEFT (their count)
#   og_run_leave         back into the parent cgroup; removes NAME.PID

# og_run_mount TYPE OPTION: the mount point of a cgroup hierarchy from
# mountinfo (fields: 5 mount point, then " - TYPE SOURCE OPTIONS").
og_run_mount() {
	while read -r _ _ _ _ mnt rest; do
		case " ${rest#* - } " in
		" $1 "*)
			case ",${rest##* }," in *",$2,"*) printf '%s\n' "$mnt" && return 0 ;; esac
			;;
		esac
	done </proc/self/mountinfo
	return 1
}

# og_run_own PREFIX: this shell's path in the hierarchy whose line in
# /proc/self/cgroup starts with PREFIX ("N:pids:" or "0::").
og_run_own() {
	while IFS= read -r line; do
		case $line in
		[0-9]*":$1:"*)
			printf '%s\n' "${line#*:"$1":}"
			return 0
			;;
		esac
	done </proc/self/cgroup
	return 1
}

og_run_enter() {
	OG_RUN_CG=
	OG_RUN_PARENT=
	if mnt=$(og_run_mount cgroup pids) && own=$(og_run_own pids); then
		:
	elif mnt=$(og_run_mount cgroup2 rw) && own=$(og_run_own ''); then
		:
	else
		printf '# leftovers: no cgroup hierarchy to hold this run; not checked\n'
		return 0
	fi
	OG_RUN_PARENT=$mnt${own%/}
	if mkdir "$OG_RUN_PARENT/$1.$$" 2>/dev/null &&
		echo "$$" >"$OG_RUN_PARENT/$1.$$/cgroup.procs"; then
		OG_RUN_CG=$OG_RUN_PARENT/$1.$$
	else
		rmdir "$OG_RUN_PARENT/$1.$$" 2>/dev/null
		printf '# leftovers: cannot make a cgroup in %s; not checked\n' "$OG_RUN_PARENT"
	fi
	return 0
}

# og_run_args PID: its command line, NULs as blanks, bytes other than
# printable ASCII as "?", at most 200 of them (a test's process may have
# any name: a terminal gets none of its bytes raw).
og_run_args() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | LC_ALL=C tr -c '[:print:]' '?' | cut -c 1-200
}

# og_run_procs: the PIDs in the run's cgroup but this shell's, read with
# builtins only (a reader forked for it would be listed itself).
og_run_procs() {
	OG_RUN_PROCS=
	while read -r p; do
		[ "$p" = "$$" ] || OG_RUN_PROCS="$OG_RUN_PROCS $p"
	done <"$OG_RUN_CG/cgroup.procs"
}

# Call it from this shell, not from a pipeline or $(...): their processes
# are the run's too.
og_run_leftovers() {
	OG_RUN_LEFT=0
	[ -n "$OG_RUN_CG" ] || return 0
	og_run_procs
	# Named and killed first, then swept: killing a supervisor may leave
	# its children to init for a moment, still in the cgroup.
	for p in $OG_RUN_PROCS; do
		OG_RUN_LEFT=$((OG_RUN_LEFT + 1))
		printf 'not ok - leftover process %s: %s\n' "$p" "$(og_run_args "$p")"
		kill -9 "$p" 2>/dev/null
	done
	n=0
	while [ "$n" -lt 50 ]; do
		og_run_procs
		[ -n "$OG_RUN_PROCS" ] || break
		# shellcheck disable=SC2086 # a list of PIDs
		kill -9 $OG_RUN_PROCS 2>/dev/null
		sleep 0.1
		n=$((n + 1))
	done
	return 0
}

og_run_leave() {
	[ -n "$OG_RUN_CG" ] || return 0
	echo "$$" >"$OG_RUN_PARENT/cgroup.procs" 2>/dev/null
	rmdir "$OG_RUN_CG" 2>/dev/null
	OG_RUN_CG=
	return 0
}
