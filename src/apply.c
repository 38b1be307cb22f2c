/* Setting and showing the scores of running processes (-p, -T). */
#include <stdio.h>
#include <stdlib.h>

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

struct done {
	int pid;
	unsigned long long start;
};

static int seen(const struct done *d, size_t n, const struct pstat *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].pid == p->pid && d[i].start == p->start)
			return 1;
	return 0;
}

/* Mark every descendant of the marked entries (mark: 1 = in the tree).
 * Children mostly have higher PIDs than parents, so this converges in a
 * pass or two; PID wrap-around only costs another pass. */
static void mark_tree(struct pstat *v, size_t n, char *mark)
{
	size_t i;
	int changed = 1;

	while (changed) {
		changed = 0;
		for (i = 0; i < n; i++) {
			struct pstat *parent;

			if (mark[i] || v[i].ppid <= 0)
				continue;
			parent = proc_find(v, n, v[i].ppid);
			if (parent && mark[parent - v]) {
				mark[i] = 1;
				changed = 1;
			}
		}
	}
}

struct tree {
	const int *pids;
	size_t npids;
	int score;
	struct done *done;	/* every member set so far, pinned */
	size_t ndone, cap;
};

/* Set every marked process not set yet; 1 when there was one. */
static int set_marked(struct tree *t, const struct pstat *v, size_t n, const char *mark,
		      int *rc)
{
	size_t i, j;
	int added = 0;

	for (i = 0; i < n; i++) {
		int r;

		if (!mark[i] || seen(t->done, t->ndone, &v[i]))
			continue;
		if (t->ndone == t->cap) {
			struct done *nd;

			t->cap = t->cap ? t->cap * 2 : 64;
			nd = realloc(t->done, t->cap * sizeof *nd);
			if (!nd)
				die(EXIT_FAIL, "scan processes: out of memory");
			t->done = nd;
		}
		t->done[t->ndone].pid = v[i].pid;
		t->done[t->ndone++].start = v[i].start;
		added = 1;
		/* Members that exit meanwhile are not errors, nor news (a
		 * tree often holds zombies); named roots are errors. */
		for (j = 0; j < t->npids; j++)
			if (t->pids[j] == v[i].pid)
				break;
		r = j < t->npids ? score_set(v[i].pid, t->score, v[i].start)
				 : score_set_member(v[i].pid, t->score, v[i].start);
		if (r != EXIT_GONE || j < t->npids)
			*rc = worse(*rc, r);
	}
	return added;
}

/* Scan, mark, apply; repeat while a scan finds members not yet set, since a
 * process may fork between our scan and the write to its parent.  Roots are
 * pinned by their start time: the caller's (0: unknown), else the first
 * scan's. */
static int apply_tree(const int *pids, size_t npids, int score,
		      const unsigned long long *starts)
{
	struct tree t = { pids, npids, score, NULL, 0, 0 };
	unsigned long long *rootstart = calloc(npids, sizeof *rootstart);
	size_t j;
	int rc = EXIT_OK, pass, added = 1;

	if (!rootstart)
		die(EXIT_FAIL, "scan processes: out of memory");
	for (j = 0; starts && j < npids; j++)
		rootstart[j] = starts[j];
	for (pass = 0; added && pass < 16; pass++) {
		struct pstat *v;
		size_t n = proc_scan(&v);
		char *mark = calloc(n + 1, 1);

		if (!mark)
			die(EXIT_FAIL, "scan processes: out of memory");
		for (j = 0; j < npids; j++) {
			struct pstat *root = proc_find(v, n, pids[j]);

			if (root && (rootstart[j] ? root->start == rootstart[j] : !pass)) {
				rootstart[j] = root->start;
				mark[root - v] = 1;
			} else if (!pass) {
				rc = worse(rc, score_set(pids[j], score, rootstart[j]));
			}
		}
		mark_tree(v, n, mark);
		added = set_marked(&t, v, n, mark, &rc);
		free(mark);
		free(v);
	}
	free(t.done);
	free(rootstart);
	return rc;
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
