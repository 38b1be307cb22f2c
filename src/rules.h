#ifndef OOMGUARD_RULES_H
#define OOMGUARD_RULES_H

#include <limits.h>

#include "conf.h"
#include "pidfile.h"

/* What the rules look at in a process. */
struct pinfo {
	int pid, ppid;
	unsigned long long start;
	unsigned long uid;
	int kthread;
	char comm[32];
	char exe[PATH_MAX];		/* "" when unreadable */
};

int pinfo_read(int pid, struct pinfo *p);
/* A child that runs another program than its parent: its exe differs, or,
 * for scripts run by the same interpreter, its name.  A fork that did not
 * exec has both of its parent's. */
int pinfo_other_program(const struct pinfo *child, const struct pinfo *parent);

/* The pidfile wait that rule r asks for: its pidfile=, exe=, comm=,
 * wait= and tree=; the caller sets background and restart. */
void rule_pidwait(const struct rule *r, struct pidwait *w);

/* How a rule finds its processes, strongest first; a process matched by
 * several rules takes the strongest kind, and among equals the later rule. */
enum { KIND_NONE, KIND_COMM, KIND_EXE, KIND_PIDFILE };
int rule_kind(const struct rule *r);

/* 1 when SCORE from rule r may go only to processes of *uid: a negative
 * score found by comm= or exe=. */
int rule_limited(const struct rule *r, int score, unsigned long *uid);

/* Does the exe=/comm=/user= part of r hold for p (pidfile aside)?  A
 * limited rule (rule_limited) fits only processes of its user. */
int rule_fits(const struct rule *r, const struct pinfo *p);

/* The rule governing p, or NULL.  pidfile_pid[i] and pidfile_start[i] say
 * which process rule i's pidfile names now (0: none). */
const struct rule *rules_match(const struct conf *c, const struct pinfo *p,
			       const int *pidfile_pid, const unsigned long long *pidfile_start);

#endif
