/* Setting and showing the scores of running processes (-p, -T). */
#include <stdio.h>
#include <stdlib.h>
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

struct tree {
	const int *pids;
	size_t npids;
	int score, pass, rc, added;
	unsigned long long *rootstart;	/* 0: not pinned yet */
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
 * yet.  A rescan copies the marks of the processes it has seen before. */
#define SET 2
#define ROOT 3

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

			if (v[i].mark || v[i].ppid <= 0)
				continue;
			parent = proc_find(v, n, v[i].ppid);
			if (parent && parent->mark) {
				v[i].mark = 1;
				changed = 1;
			}
		}
	}
}

/* A scan sets a member as it reads it, through the oom_score_adj opened
 * just before its stat (no second open, no second look at its start
 * time): one whose parent is marked already, which the PID order makes
 * nearly all of them.  Roots, and the few children with a lower PID than
 * their parent, are set after the scan. */
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
	if (!parent || !parent->mark) {
		if (adjfd >= 0)
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

/* Set every marked process not set yet, by PID, pinned by its start time. */
static void set_marked(struct tree *t, struct pstat *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int r;

		if (!v[i].mark || v[i].mark == SET)
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

/* Scan, mark, apply; rescan while a scan finds members not yet set, since
 * a process may fork between our scan and the write to its parent.  A
 * rescan reads only the processes it has not seen (proc_scan_with).  Roots
 * are pinned by their start time: the caller's (0: unknown), else the
 * first scan's. */
static int apply_tree(const int *pids, size_t npids, int score,
		      const unsigned long long *starts)
{
	struct tree t = { pids, npids, score, 0, EXIT_OK, 1, NULL };
	struct pstat *prev = NULL;
	size_t j, nprev = 0;

	t.rootstart = calloc(npids, sizeof *t.rootstart);
	if (!t.rootstart)
		die(EXIT_FAIL, "scan processes: out of memory");
	for (j = 0; starts && j < npids; j++)
		t.rootstart[j] = starts[j];
	for (t.pass = 0; t.added && t.pass < 16; t.pass++) {
		struct pstat *v;
		size_t n;

		t.added = 0;
		n = proc_scan_with(&v, prev, nprev, visit, &t);
		for (j = 0; j < npids; j++) {
			struct pstat *root = proc_find(v, n, pids[j]);

			if (is_root(&t, j, root)) {
				if (root->mark != SET)
					root->mark = ROOT;
			} else if (!t.pass)
				t.rc = worse(t.rc, score_set(pids[j], score, t.rootstart[j]));
		}
		mark_tree(v, n);
		set_marked(&t, v, n);
		free(prev);
		prev = v;
		nprev = n;
	}
	free(prev);
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
