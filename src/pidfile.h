#ifndef OOMGUARD_PIDFILE_H
#define OOMGUARD_PIDFILE_H

#include <stddef.h>

struct pidwait {
	const char *path;
	const char *exe;	/* --exe: required executable, or NULL */
	const char *comm;	/* --name: required process name, or NULL */
	int timeout;		/* seconds, 0 = forever */
	int background, tree;
};

/* Wait as the pidwait says, set the score: an exit code of msg.h. */
int pidfile_wait(const struct pidwait *w, int score);
/* Look once: 1 and the process (pid, start time) when the pidfile names a
 * usable one now; 0 and why not, in why[0..n). */
int pidfile_probe(const struct pidwait *w, int *pid, unsigned long long *start, char *why,
		  size_t n);

#endif
