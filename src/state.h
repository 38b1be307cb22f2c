#ifndef OOMGUARD_STATE_H
#define OOMGUARD_STATE_H

/* The last outcome of each named service's pidfile waiter, one file per
 * service in a root-only directory (/run/oomguard), for oomguard check:
 * a detached waiter's only other voice is syslog, which a minimal host
 * does not run. */
#include <stddef.h>
#include <time.h>

#define STATE_NAME_MAX 64
#define STATE_PREV 16

struct state_rec {
	char name[STATE_NAME_MAX];
	char outcome[12];	/* waiting done refused timeout failed */
	char from[256];		/* the file that asked: /etc/default/NAME */
	char detail[600];
	int waiter, pid, score;
	/* The process's start time (ticks since boot, /proc/PID/stat), or 0:
	 * a record written before it was kept, whose own mtime is then the
	 * latest the process may have started. */
	unsigned long long start;
	/* The processes set before this one, newest first: a restart must
	 * not make the OOM kill of the last instance anybody's (witness.h). */
	int nprev, prev_pid[STATE_PREV];
	unsigned long long prev_start[STATE_PREV];
	/* The real uid of each (the process's, then the earlier ones'), -1
	 * when not known: a record written before it was kept. */
	long long uid, prev_uid[STATE_PREV];
	struct timespec mtim;
};

/* Name this process's records: the service, and the file of its rule.
 * Without it (or with a name that is no plain file name) nothing is
 * recorded.  NULL name: from OOMGUARD_NAME and OOMGUARD_FROM, which the
 * hook sets for its waiter only. */
void state_name(const char *name, const char *from);
/* Record, atomically, replacing the last record (msg_esc'd values); start:
 * pid's start time, 0 with no process. */
void state_put(const char *outcome, int pid, unsigned long long start, int score,
	       const char *detail);
/* The directory's own files (a dot name, never a service's): NAME put
 * whole (0, or -1 and said), or read whole into buf, NUL-terminated (its
 * length, or -1). */
int state_file_put(const char *name, const char *data, size_t len);
long state_file_read(const char *name, char *buf, size_t size);
/* Say a detached waiter's failure where an administrator still looks when
 * nothing listens on /dev/log: the kernel log (dmesg). Never blocks. */
void state_kmsg(const char *line);
/* The records, sorted by name, in *v (to free) and *n: 0, or -1 when the
 * directory is refused (and said). */
int state_load(struct state_rec **v, size_t *n);

#endif
