# shellcheck shell=sh
# Conditions on a process for wait_for (tests/wait.sh), POSIX sh, for
# identity.bats and the scripts it runs in PID namespaces of their own.

# The waiter PID has its inotify watch (fdinfo lists it once added).
armed() { grep -qs '^inotify wd:' /proc/"$1"/fdinfo/*; }

# aged PID [TICKS]: PID started TICKS/100 s ago or more, 50 ms by default
# (start time and uptime, both in 1/100 s): the instance a restart stops is
# never younger, and a crash that late is told from the write before it
# (oomguard(8), PIDFILE IDENTITY).
aged() {
	[ $(($(cut -d' ' -f1 /proc/uptime | tr -d .) - $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20))) -ge "${2:-5}" ]
}
