#ifndef OOMGUARD_RULES_H
#define OOMGUARD_RULES_H

#include "conf.h"

/* What the rules look at in a process. */
struct pinfo {
	int pid, ppid;
	unsigned long long start;
	unsigned long uid;
	int kthread;
	char comm[32];
	char exe[4096];		/* "" when unreadable */
};

int pinfo_read(int pid, struct pinfo *p);

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
