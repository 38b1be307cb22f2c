#ifndef OOMGUARD_PIDFILE_H
#define OOMGUARD_PIDFILE_H

struct pidwait {
	const char *path;
	const char *exe;	/* --exe: required executable, or NULL */
	const char *comm;	/* --name: required process name, or NULL */
	int timeout;		/* seconds, 0 = forever */
	int background, tree;
};

int pidfile_wait(const struct pidwait *w, int score);

#endif
