#ifndef OOMGUARD_PIDFILE_H
#define OOMGUARD_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct pidwait {
	const char *path;
	const char *exe;	/* --exe: required executable, or NULL */
	const char *comm;	/* --name: required process name, or NULL */
	int timeout;		/* seconds, 0 = forever */
	int background, tree;
	int restart;		/* --restart: never the instance running when the
				 * wait began, the one an init script's restart stops */
	int caller;		/* --restart: the script's shell (0: unknown); once
				 * it has ended, an instance it left running counts */
	unsigned long long caller_start;	/* its start time (pidfile_wait) */
	int root_only;		/* trust a file only root can write, or none */
};

/* What the file says, and which file says it: a daemon's new write changes
 * one of these at least (a new inode when written by rename, a new size or
 * PID when rewritten in place).  Its mtime is kept apart (pidview): it
 * tells a new write too, but means nothing across a clock step. */
struct pidkey {
	dev_t dev;
	ino_t ino;
	off_t size;
	int pid;
};

/* What a reader remembers between its looks at one pidfile: when it began
 * (CLOCK_BOOTTIME, the clock of process start times), when it last looked
 * and the wall clock's offset then, and the file as its latest version was
 * first seen, with that version's bound: no process that started later is
 * the one it means.  The bound is fixed at the look that first sees the
 * version, so that every later look judges the same file the same way,
 * across wall-clock steps and reloads.  Zeroed means "not begun".  Without
 * a clock (no CLOCK_BOOTTIME and no btime in /proc/stat) no time is
 * compared. */
struct pidview {
	int begun, known;	/* known: key, mtim, bound and ahead are set */
	int clocked;	/* times can be compared */
	int ahead;	/* the version's mtime was ahead of the clock when first seen */
	int first_version;	/* the version known was seen at the first look */
	int caller_gone;	/* --restart: the script doing it has ended */
	long long began, last, offset, slack;	/* ns */
	long long bound;	/* boot ns */
	struct pidkey key;
	struct timespec mtim;
};

/* Wait as the pidwait says, set the score: an exit code of msg.h. */
int pidfile_wait(const struct pidwait *w, int score);
/* Look once: 1 and the process (pid, start time) when the pidfile names a
 * usable one now; 0 and why not, in why[0..n).  v carries what earlier looks
 * saw (NULL: this is the only look). */
int pidfile_probe(const struct pidwait *w, struct pidview *v, int *pid,
		  unsigned long long *start, char *why, size_t n);
/* The same rules for a process named otherwise (a PID): alive, a process,
 * running w->exe and named w->comm when given.  0 and its real uid, or -1
 * and why ("names pid N, which ..."). */
int pidfile_proc_judge(int pid, const struct pidwait *w, uid_t *uid, char *why, size_t n);

/* The identity rule for a record of the state directory written before
 * records held a start time: did the process (start time in ticks) start
 * after the record was written (its mtime)? */
int pidfile_started_after(unsigned long long start, const struct timespec *written);

#endif
