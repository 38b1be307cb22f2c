/* Matching processes against the rules of the table (watch and check). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "proc.h"
#include "rules.h"

int pinfo_read(int pid, struct pinfo *p)
{
	struct pstat st;
	uid_t uid;
	ssize_t n;
	size_t len;
	int fd = proc_open(pid);

	if (fd < 0)
		return -1;
	if (proc_stat(fd, &st) < 0 || proc_uid(fd, &uid) < 0) {
		close(fd);
		return -1;
	}
	p->pid = st.pid;
	p->ppid = st.ppid;
	p->start = st.start;
	p->uid = (unsigned long)uid;
	p->kthread = (st.flags & PF_KTHREAD_FLAG) != 0;
	memcpy(p->comm, st.comm, sizeof p->comm);
	n = readlinkat(fd, "exe", p->exe, sizeof p->exe - 1);
	close(fd);
	p->exe[n > 0 ? n : 0] = '\0';
	/* After a package upgrade replaced the binary, the link reads
	 * "/usr/sbin/mysqld (deleted)": the daemon is still the same one. */
	len = strlen(p->exe);
	if (len > 10 && !strcmp(p->exe + len - 10, " (deleted)"))
		p->exe[len - 10] = '\0';
	return 0;
}

int rule_kind(const struct rule *r)
{
	if (r->pidfile)
		return KIND_PIDFILE;
	if (r->exe)
		return KIND_EXE;
	if (r->comm)
		return KIND_COMM;
	return KIND_NONE;
}

/* Any user can name a process after a protected one: a symbolic link
 * named mysqld, prctl(PR_SET_NAME), or the protected binary itself run
 * with LD_PRELOAD code.  So a negative score found by name (comm=, exe=)
 * goes only to processes of the rule's user= (root without one); raising
 * hogs stays open to everyone.  A pidfile rule names its process by a file
 * root trusts, and is not limited. */
int rule_limited(const struct rule *r, int score, unsigned long *uid)
{
	if (score >= 0 || r->pidfile || (!r->exe && !r->comm))
		return 0;
	*uid = r->has_user ? r->uid : 0;
	return 1;
}

int rule_fits(const struct rule *r, const struct pinfo *p)
{
	unsigned long uid;

	if (p->kthread)
		return 0;
	if (rule_limited(r, r->score, &uid) && p->uid != uid)
		return 0;
	if (r->exe && strcmp(r->exe, p->exe))
		return 0;
	if (r->comm && strcmp(r->comm, p->comm))
		return 0;
	if (r->has_user && r->uid != p->uid)
		return 0;
	return 1;
}

const struct rule *rules_match(const struct conf *c, const struct pinfo *p,
			       const int *pidfile_pid, const unsigned long long *pidfile_start)
{
	const struct rule *best = NULL;
	int best_kind = KIND_NONE;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct rule *r = &c->rules[i];
		int kind = rule_kind(r);

		if (kind == KIND_NONE || kind < best_kind)
			continue;
		if (kind == KIND_PIDFILE
		    && (pidfile_pid[i] != p->pid || pidfile_start[i] != p->start))
			continue;
		if (!rule_fits(r, p))
			continue;
		best = r;
		best_kind = kind;
	}
	return best;
}

void rule_pidwait(const struct rule *r, struct pidwait *w)
{
	memset(w, 0, sizeof *w);
	w->path = r->pidfile;
	w->exe = r->exe;
	w->comm = r->comm;
	w->timeout = r->wait >= 0 ? r->wait : WAIT_SECS_DEFAULT;
	w->tree = r->tree;
}

int pinfo_other_program(const struct pinfo *child, const struct pinfo *parent)
{
	return strcmp(child->exe, parent->exe) || strcmp(child->comm, parent->comm);
}
