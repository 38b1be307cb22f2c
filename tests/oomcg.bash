# shellcheck shell=sh
# shellcheck disable=SC2034 # CG_* are read by the files that source this one
# A memory cgroup to run a real OOM kill in, for tests/oom.bats (after
# `load common`) and tests/demo.sh.  POSIX sh, so that both can source it;
# every name starts with cg_ or CG_.
#
#   cg_usable                 0 if a memory cgroup can be made here; else 1 and
#                             CG_WHY says what is missing, in one line
#   cg_create DIR LIMIT_MIB   make the cgroup (CG), limit it, no swap, OOM killer
#                             on; DIR/in-cg becomes CG_IN: `$CG_IN PROG...` joins
#                             the cgroup at the baseline score, then execs PROG
#   cg_kills                  the cgroup's oom_kill counter
#   cg_alive PID              PID exists and is not a zombie
#   cg_hogs DIR N MIB         start N hogs in the cgroup, each growing by 2 MiB
#                             steps to MIB (then holding it: DIR/hogI.pid)
#   cg_settle                 wait until every hog holds its memory or is gone
#   cg_reap                   reap the hogs: CG_KILLED of them were killed by
#                             SIGKILL before cg_reap, CG_HELD held on (ended now)
#   cg_episode DIR N MIB PID  cg_hogs, cg_settle, cg_reap: one OOM episode;
#                             CG_KILLS is the cgroup's OOM kills in it, and
#                             CG_ALIVE yes or no for PID after it (1: the hogs
#                             neither held nor died)
#   cg_destroy                kill every process in the cgroup, remove it
#
# Scores: everything joins at CG_BASE, the kit sets the daemon to CG_PROTECT.
# Here (root without CAP_SYS_RESOURCE) that is +500 and 0; on a real server
# OOMGUARD_E2E_BASELINE=0 OOMGUARD_E2E_PROTECT=-500 gives the same ordering.

CG_BASE=${OOMGUARD_E2E_BASELINE:-500}
CG_PROTECT=${OOMGUARD_E2E_PROTECT:-0}
CG_HOG=${CG_HOG:-${TOP:-.}/bin/hog}
CG=
CG_VER=
CG_IN=
CG_HOGS=
CG_KILLED=0
CG_HELD=0
CG_ODD=0

# Where a child memory cgroup can be made: sets CG_PARENT and CG_VER.
cg_usable() {
	CG_WHY=
	if [ "$(id -u)" != 0 ]; then
		CG_WHY="not root: making a memory cgroup needs root"
		return 1
	fi
	case $CG_BASE$CG_PROTECT in
	*[!0-9-]* | '')
		CG_WHY="OOMGUARD_E2E_BASELINE=$CG_BASE and OOMGUARD_E2E_PROTECT=$CG_PROTECT: not integers"
		return 1
		;;
	esac
	if [ "$CG_PROTECT" -ge "$CG_BASE" ]; then
		CG_WHY="OOMGUARD_E2E_PROTECT=$CG_PROTECT is not below OOMGUARD_E2E_BASELINE=$CG_BASE"
		return 1
	fi
	# CAP_SYS_RESOURCE is capability 24.
	cg_caps=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	if [ "$CG_PROTECT" -lt 0 ] && [ $((0x${cg_caps:-0} >> 24 & 1)) = 0 ]; then
		CG_WHY="OOMGUARD_E2E_PROTECT=$CG_PROTECT is negative, and this process lacks CAP_SYS_RESOURCE to set it"
		return 1
	fi
	if [ ! -x "$CG_HOG" ]; then
		CG_WHY="$CG_HOG is missing: run make bin/hog"
		return 1
	fi
	# cgroup v1: the memory hierarchy, mounted on its own.
	CG_PARENT=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$CG_PARENT" ] && [ -w "$CG_PARENT" ] && [ -e "$CG_PARENT/memory.limit_in_bytes" ]; then
		CG_VER=1
		return 0
	fi
	# cgroup v2: a cgroup2 mount whose root hands the memory controller down.
	CG_PARENT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$CG_PARENT" ] && grep -qw memory "$CG_PARENT/cgroup.controllers" 2>/dev/null; then
		if ! grep -qw memory "$CG_PARENT/cgroup.subtree_control" 2>/dev/null; then
			echo +memory >"$CG_PARENT/cgroup.subtree_control" 2>/dev/null || :
		fi
		if grep -qw memory "$CG_PARENT/cgroup.subtree_control" 2>/dev/null; then
			CG_VER=2
			return 0
		fi
		CG_WHY="cgroup2 at $CG_PARENT has the memory controller but cannot hand it to a child cgroup"
		return 1
	fi
	CG_WHY="no memory cgroup controller: neither cgroup v1 memory nor cgroup2 with memory is mounted"
	return 1
}

cg_write() {
	if ! printf '%s\n' "$2" >"$CG/$1"; then
		CG_WHY="write $2 to $CG/$1 failed"
		return 1
	fi
}

cg_create() {
	cg_usable || return 1
	CG=$CG_PARENT/oomguard-e2e.$$.$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	if ! mkdir "$CG"; then
		CG_WHY="mkdir $CG failed"
		CG=
		return 1
	fi
	cg_bytes=$(($2 * 1024 * 1024))
	if [ "$CG_VER" = 1 ]; then
		cg_write memory.limit_in_bytes "$cg_bytes" || return 1
		# Swap must not hide the pressure: memory+swap gets the same limit.
		if [ -e "$CG/memory.memsw.limit_in_bytes" ]; then
			cg_write memory.memsw.limit_in_bytes "$cg_bytes" || return 1
		fi
		cg_write memory.swappiness 0 || return 1
		# The cgroup's own OOM killer must act (a 1 here would freeze the hogs).
		cg_write memory.oom_control 0 || return 1
		if ! grep -qx 'oom_kill_disable 0' "$CG/memory.oom_control"; then
			CG_WHY="$CG: the OOM killer stays disabled"
			return 1
		fi
		if ! grep -q '^oom_kill ' "$CG/memory.oom_control"; then
			CG_WHY="$CG/memory.oom_control has no oom_kill counter (kernel older than 4.13)"
			return 1
		fi
		CG_PROCS=$CG/cgroup.procs
	else
		cg_write memory.max "$cg_bytes" || return 1
		if [ -e "$CG/memory.swap.max" ]; then
			cg_write memory.swap.max 0 || return 1
		fi
		# One victim at a time, so that we see whom the kernel chose.
		if [ -e "$CG/memory.oom.group" ]; then
			cg_write memory.oom.group 0 || return 1
		fi
		CG_PROCS=$CG/cgroup.procs
	fi
	CG_IN=$1/in-cg
	cat >"$CG_IN" <<EOF
#!/bin/sh
# Join the test's memory cgroup at the baseline score, then become PROG.
echo \$\$ >'$CG_PROCS' || exit 125
echo $CG_BASE >/proc/self/oom_score_adj || exit 125
exec "\$@"
EOF
	chmod 755 "$CG_IN"
}

cg_kills() {
	if [ "$CG_VER" = 1 ]; then
		awk '$1 == "oom_kill" { print $2 }' "$CG/memory.oom_control"
	else
		awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events"
	fi
}

cg_alive() {
	[ -e "/proc/$1/stat" ] || return 1
	cg_state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$cg_state" ] && [ "$cg_state" != Z ] && [ "$cg_state" != X ]
}

cg_hogs() {
	mkdir -p "$1"
	CG_HOGS=
	CG_HOGDIR=$1
	cg_i=1
	while [ "$cg_i" -le "$2" ]; do
		"$CG_IN" "$CG_HOG" -s 2 -d 1 -p "$1/hog$cg_i.pid" "$3" </dev/null >/dev/null 2>&1 3>&- &
		CG_HOGS="$CG_HOGS $!"
		cg_i=$((cg_i + 1))
	done
}

# Every hog holds its memory (has written its pidfile) or is gone; 20 s at most.
cg_settle() {
	cg_tries=1000
	while [ "$cg_tries" -gt 0 ]; do
		cg_busy=0
		cg_i=1
		for cg_p in $CG_HOGS; do
			if cg_alive "$cg_p" && [ ! -e "$CG_HOGDIR/hog$cg_i.pid" ]; then
				cg_busy=1
			fi
			cg_i=$((cg_i + 1))
		done
		[ "$cg_busy" = 0 ] && return 0
		sleep 0.02
		cg_tries=$((cg_tries - 1))
	done
	return 1
}

cg_episode() {
	cg_k0=$(cg_kills)
	cg_hogs "$1" "$2" "$3"
	cg_settle || return 1
	CG_KILLS=$(($(cg_kills) - cg_k0))
	CG_ALIVE=no
	if cg_alive "$4"; then
		CG_ALIVE=yes
	fi
	cg_reap
}

cg_reap() {
	CG_KILLED=0
	CG_HELD=0
	CG_ODD=0
	cg_gone=
	for cg_p in $CG_HOGS; do
		cg_alive "$cg_p" || cg_gone="$cg_gone $cg_p "
	done
	for cg_p in $CG_HOGS; do
		case $cg_gone in
		*" $cg_p "*)
			cg_rc=0
			wait "$cg_p" || cg_rc=$?
			if [ "$cg_rc" = 137 ]; then
				CG_KILLED=$((CG_KILLED + 1))
			else
				CG_ODD=$((CG_ODD + 1))
			fi
			;;
		*)
			kill -9 "$cg_p" 2>/dev/null || :
			wait "$cg_p" 2>/dev/null || :
			CG_HELD=$((CG_HELD + 1))
			;;
		esac
	done
	CG_HOGS=
}

# Kill everything in the cgroup (again and again: a supervisor may restart a
# child between two reads), then remove it.  Safe to call twice.
cg_destroy() {
	[ -n "$CG" ] && [ -d "$CG" ] || return 0
	cg_tries=250
	while [ "$cg_tries" -gt 0 ]; do
		cg_pids=$(cat "$CG_PROCS" 2>/dev/null)
		if [ -z "$cg_pids" ]; then
			rmdir "$CG" 2>/dev/null && break
		else
			if [ -e "$CG/cgroup.kill" ]; then
				echo 1 >"$CG/cgroup.kill" 2>/dev/null || :
			fi
			# shellcheck disable=SC2086 # a list of PIDs
			kill -9 $cg_pids 2>/dev/null || :
		fi
		sleep 0.02
		cg_tries=$((cg_tries - 1))
	done
	# Our own background jobs: reap them, so no zombie is left behind.
	for cg_p in $CG_HOGS; do wait "$cg_p" 2>/dev/null || :; done
	CG_HOGS=
	if [ -d "$CG" ]; then
		echo "cg_destroy: $CG could not be removed; still in it: $(tr '\n' ' ' <"$CG_PROCS" 2>/dev/null)" >&2
		return 1
	fi
	CG=
}
