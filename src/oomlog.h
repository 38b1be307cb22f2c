#ifndef OOMGUARD_OOMLOG_H
#define OOMGUARD_OOMLOG_H

/* The kernel's OOM kill reports, parsed (pure: no I/O, for the unit tests
 * and the fuzzer).  A kill is the "Killed process N (COMM) ..." line that
 * mm/oom_kill.c prints for every victim since 2.6.32, alone or after an
 * "Out of memory: " or "Memory cgroup out of memory: " prefix (5.x).  The
 * COMM is the victim's choice, any 15 bytes: no field is taken from it. */
#include <stddef.h>

#define OOMLOG_NONE (-32768)	/* oom_score_adj not printed (before 5.x) */
#define OOMLOG_COMM_MAX 64	/* 15 bytes, each escaped as \xHH at most */

struct oomkill {
	long long us;		/* printk time, microseconds after boot; -1 unknown */
	int pid;
	long long uid;		/* -1: not printed (before 4.x, but RHEL 6) */
	int adj;		/* oom_score_adj at the kill, or OOMLOG_NONE */
	int memcg;		/* a memory cgroup's limit, not the whole host */
	char comm[OOMLOG_COMM_MAX];	/* raw (oomlog_parse_kmsg undoes \xHH) */
};

/* One message (the text of one log record, without its prefix): 1 and *k
 * (us left as it was) when it reports a kill, else 0. */
int oomlog_parse_msg(const char *msg, size_t len, struct oomkill *k);
/* One record as read(2) gives it from /dev/kmsg: "PRI,SEQ,USEC,FLAGS;TEXT\n"
 * then " KEY=VALUE\n" lines; without the newline after TEXT, 0 (cut short).
 * Only the kernel's own records (facility 0: a writer to /dev/kmsg cannot
 * claim it) are kills.  The name comes back unescaped, raw.  1 and *k, else 0. */
int oomlog_parse_kmsg(const char *rec, size_t len, struct oomkill *k);
/* One line of syslog(2)'s READ_ALL with its newline: "<PRI>[SECS.USECS]
 * TEXT\n", the time there only with printk.time; without the newline, 0
 * (cut short).  1 and *k, else 0. */
int oomlog_parse_syslog(const char *line, size_t len, struct oomkill *k);

#endif
