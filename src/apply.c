/* Setting and showing the scores of running processes (-p, -T). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "msg.h"
#include "oomguard.h"
#include "proc.h"
#include "score.h"

/* The worse of two results: a refusal outranks a vanished process. */
static int worse(int a, int b)
{
	if (a == EXIT_FAIL || b == EXIT_FAIL)
		return EXIT_FAIL;
	return a ? a : b;
}

/* A descriptor the scan kept: the oom_score_adj of a process whose parent
 * it had not read yet. */
struct held {
	int pid, fd;
};

struct tree {
	const int *pids;
	size_t npids;
	int score, pass, rc, added;
	unsigned long long *rootstart;	/* 0: not pinned yet */
	struct held *held;
	size_t nheld, capheld, maxheld;
};

/* Is p root number j?  A root is pinned by its start time: the caller's,
 * else what the first pass found at its PID. */
static int is_root(struct tree *t, size_t j, const struct pstat *p)
{
	if (!p || p->pid != t->pids[j]
	    || !(t->rootstart[j] ? p->start == t->rootstart[j] : !t->pass))
		return 0;
	t->rootstart[j] = p->start;
	return 1;
}

/* Marks: 0 out of the tree, 1 in it, 2 in it and set, ROOT a root not set
 * yet; WAIT out of it unless mark_tree finds otherwise, its descriptor kept
 * by the scan (set_held).  A rescan copies the marks of the processes it
 * has seen before. */
#define SET 2
#define ROOT 3
#define WAIT (-1)

/* Is p, the process at c's parent PID, c's parent?  Not if it started
 * after c: that PID changed hands since c's parent had it (c was then
 * reparented, to init or a subreaper, both older).  Else a process that
 * took the PID of an outsider's exited parent would bring the outsider's
 * orphans into the tree. */
static int parent_of(const struct pstat *p, const struct pstat *c)
{
	return p && p->start <= c->start;
}

/* Mark every descendant of the marked entries.
 * Children mostly have higher PIDs than parents, so this converges in a
 * pass or two; PID wrap-around only costs another pass. */
static void mark_tree(struct pstat *v, size_t n)
{
	size_t i;
	int changed = 1;

	while (changed) {
		changed = 0;
		for (i = 0; i < n; i++) {
			struct pstat *parent;

			if (v[i].mark > 0 || v[i].ppid <= 0)
				continue;
			parent = proc_find(v, n, v[i].ppid);
			if (parent_of(parent, &v[i]) && parent->mark > 0) {
				v[i].mark = 1;
				changed = 1;
			}
		}
	}
}

/* Keep fd for after the scan; -1 once the budget is spent, or out of
 * memory (the process is then set by PID, if it is a member). */
static int hold(struct tree *t, int pid, int fd)
{
	if (t->nheld >= t->maxheld)
		return -1;
	if (t->nheld == t->capheld) {
		size_t cap = t->capheld ? t->capheld * 2 : 64;
		struct held *h = realloc(t->held, cap * sizeof *h);

		if (!h)
			return -1;
		t->held = h;
		t->capheld = cap;
	}
	t->held[t->nheld].pid = pid;
	t->held[t->nheld++].fd = fd;
	return 0;
}

/* Is p's parent yet to be known: a higher PID, which the scan reads later,
 * or a process whose own parent is yet to be known? */
static int unknown_parent(const struct pstat *p, const struct pstat *parent)
{
	return p->ppid > p->pid || (parent && parent->mark == WAIT);
}

/* A scan sets a member as it reads it, through the oom_score_adj opened
 * just before its stat (no second open, no second look at its start
 * time): one whose parent is marked already, which the PID order makes
 * nearly all of them.  A child with a lower PID than its parent (PIDs
 * wrapped at pid_max: 32768 by default, more only with many CPUs or where
 * systemd raises it) comes before it: its descriptor is
 * kept (WAIT) until the tree is known, and so are those of its children
 * that come before the parent.  Roots are set after the scan. */
static void visit(void *ctx, int adjfd, struct pstat *v, size_t n)
{
	struct tree *t = ctx;
	struct pstat *p = &v[n], *parent;
	size_t j;
	int r;

	for (j = 0; j < t->npids; j++)
		if (is_root(t, j, p)) {
			p->mark = ROOT;
			break;
		}
	parent = p->mark ? NULL : proc_find(v, n, p->ppid);
	if (!parent_of(parent, p))
		parent = NULL;
	if (!parent || parent->mark <= 0) {
		if (!p->mark && adjfd >= 0 && unknown_parent(p, parent)
		    && hold(t, p->pid, adjfd) == 0)
			p->mark = WAIT;
		else if (adjfd >= 0)
			close(adjfd);
		return;
	}
	p->mark = SET;
	t->added = 1;
	/* Members that exit meanwhile are not errors, nor news. */
	r = score_set_member_fd(adjfd, p, t->score);
	if (r != EXIT_GONE)
		t->rc = worse(t->rc, r);
}

/* Set the members whose descriptor the scan kept; close the others'. */
static void set_held(struct tree *t, struct pstat *v, size_t n)
{
	size_t i;

	for (i = 0; i < t->nheld; i++) {
		struct pstat *p = proc_find(v, n, t->held[i].pid);
		int r;

		if (!p || p->mark != 1) {
			close(t->held[i].fd);
			continue;
		}
		p->mark = SET;
		t->added = 1;
		if ((r = score_set_member_fd(t->held[i].fd, p, t->score)) != EXIT_GONE)
			t->rc = worse(t->rc, r);
	}
	t->nheld = 0;
}

/* How many descriptors a scan may keep: what RLIMIT_NOFILE leaves free,
 * those open now counted (ours and any the caller left open, wherever
 * they are), less 32 for the scan's own (the /proc directory, a stat, an
 * oom_score_adj, /proc/stat) and the writes by PID after it, with room to
 * spare; at most 65536 (the memory of the list).  None when the count is
 * unknown (no /proc/self/fd). */
static size_t hold_max(void)
{
	struct rlimit rl;
	DIR *d = opendir("/proc/self/fd");
	unsigned long long used = 0, left;

	if (!d)
		return 0;
	while (readdir(d))
		used++;
	closedir(d);
	/* The count took in ".", ".." and the directory's own descriptor. */
	used = used > 3 ? used - 3 : 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < used + 32)
		return 0;
	left = rl.rlim_cur - used - 32;
	return left > 65536 ? 65536 : (size_t)left;
}

/* Set every marked process not set yet, by PID, pinned by its start time. */
static void set_marked(struct tree *t, struct pstat *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int r;

		if (v[i].mark <= 0 || v[i].mark == SET)
			continue;
		t->added = 1;
		/* Members that exit meanwhile are not errors, nor news (a
		 * tree often holds zombies); named roots are errors. */
		if (v[i].mark == ROOT)
			t->rc = worse(t->rc, score_set(v[i].pid, t->score, v[i].start));
		else if ((r = score_set_member(v[i].pid, t->score, v[i].start)) != EXIT_GONE)
			t->rc = worse(t->rc, r);
		v[i].mark = SET;
	}
}

/* Has the host forked since *forks was read (or is either count unknown)?
 * *forks becomes the count now. */
static int forked_since(long *forks)
{
	long now;
	int moved;

	/* gVisor's /proc/stat says "processes 0", always: no count. */
	if (proc_forks(&now) < 0 || now == 0)
		now = -1;
	moved = now < 0 || now != *forks;
	*forks = now;
	return moved;
}

/* Scan, mark, apply; rescan while a scan finds members not yet set, since
 * a process may fork between our scan and the write to its parent.  But
 * only if one did: the kernel counts a fork as it makes the child visible,
 * so a count that did not move from just before the scan listed /proc to
 * just after the last write means no process the scan did not see, and no
 * PID that changed hands.  (A fork that began before a parent's write and
 * ends after the last look, count or listing, copies the old score either
 * way.)  A rescan reads only the processes it has not seen
 * (proc_scan_with).  Roots are pinned by their start time: the caller's
 * (0: unknown), else the first scan's. */
static int apply_tree(const int *pids, size_t npids, int score,
		      const unsigned long long *starts)
{
	struct tree t = { pids, npids, score, 0, EXIT_OK, 1, NULL, NULL, 0, 0, 0 };
	struct pstat *prev = NULL;
	size_t j, nprev = 0;
	long forks = -1;
	int err = 0;

	t.maxheld = hold_max();
	t.rootstart = calloc(npids, sizeof *t.rootstart);
	if (!t.rootstart)
		die(EXIT_FAIL, "scan processes: out of memory");
	for (j = 0; starts && j < npids; j++)
		t.rootstart[j] = starts[j];
	forked_since(&forks);
	for (t.pass = 0; t.pass < 16; t.pass++) {
		struct pstat *v;
		size_t n;

		t.added = 0;
		n = proc_scan_with(&v, prev, nprev, visit, &t, &err);
		for (j = 0; j < npids; j++) {
			struct pstat *root = proc_find(v, n, pids[j]);

			if (is_root(&t, j, root)) {
				if (root->mark != SET)
					root->mark = ROOT;
			} else if (!t.pass)
				t.rc = worse(t.rc, score_set(pids[j], score, t.rootstart[j]));
		}
		mark_tree(v, n);
		set_held(&t, v, n);
		set_marked(&t, v, n);
		free(prev);
		prev = v;
		nprev = n;
		/* Done when this pass set nothing, or nothing forked since it
		 * began. */
		if (!forked_since(&forks) || !t.added)
			break;
	}
	if (err) {
		say("scan processes: %s", strerror(err));
		t.rc = worse(t.rc, EXIT_FAIL);
	}
	free(prev);
	free(t.held);
	free(t.rootstart);
	return t.rc;
}

int apply_pids(const int *pids, size_t n, int score, int tree)
{
	size_t i;
	int rc = EXIT_OK;

	score_warn_unkillable(score);
	if (tree)
		return apply_tree(pids, n, score, NULL);
	for (i = 0; i < n; i++)
		rc = worse(rc, score_set(pids[i], score, 0));
	return rc;
}

/* One process found by its pidfile, pinned by its start time. */
int apply_tree_pinned(int pid, unsigned long long start, int score)
{
	return apply_tree(&pid, 1, score, &start);
}

/* choom's words, so that scripts reading choom's output read ours. */
int show_pids(const int *pids, size_t n)
{
	size_t i;
	int rc = EXIT_OK;

	for (i = 0; i < n; i++) {
		int sc, adj, r = score_get(pids[i], &sc, &adj);

		if (r == EXIT_OK) {
			printf("pid %d's current OOM score: %d\n", pids[i], sc);
			printf("pid %d's current OOM score adjust value: %d\n", pids[i], adj);
		}
		rc = worse(rc, r);
	}
	return rc;
}
