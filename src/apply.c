/* Setting and showing the scores of running processes (-p, -T). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
	struct pstat *walked;	/* written by the walk before the scan took over */
	size_t nwalked;
};

/* A root's pin once a walk said why it is not set: no process has it. */
#define ROOT_SAID (~0ULL)

/* Did the walk write p (same PID, same start) before the scan took over? */
static int walked_before(struct tree *t, const struct pstat *p)
{
	const struct pstat *w = proc_find(t->walked, t->nwalked, p->pid);

	return w && w->start == p->start;
}

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
	if (walked_before(t, p)) {
		if (adjfd >= 0)
			close(adjfd);
		return;
	}
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
		if (walked_before(t, p)) {
			close(t->held[i].fd);
			continue;
		}
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
		if (walked_before(t, &v[i])) {
			v[i].mark = SET;
			continue;
		}
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

/* The top-down walk of -T: from each root down through the children files
 * of every thread (/proc/PID/task/TID/children; Linux 3.5+ with
 * CONFIG_PROC_CHILDREN), so that a tree costs what the tree costs, not
 * what the host does.  Each child listed is opened as the scan opens a
 * process (its oom_score_adj, then its stat) and taken only if that stat
 * names the member as its parent and is not older than it; the member's
 * read-back, after its children were read, proves that it lived (held its
 * PID) all along: else its children are dropped.  A child listed that is
 * gone, or another's, when opened means the file may have skipped one
 * (the kernel does not promise a list while children exit): read again. */
struct member {
	struct pstat st;
	int fd;		/* oom_score_adj opened before st was read; -1: none */
	int state;	/* NEW, DONE (written or tried; alive), GONE */
};
#define NEW 0
#define DONE 1
#define GONE 2

struct walk {
	int procfd, score, rc;
	struct member *m;
	size_t n, cap, nfds, maxfds, limit;
	size_t *slot, nslot;		/* PID -> member index + 1 */
	size_t *todo, ntodo, captodo;
	int *kids;
	size_t nkids, capkids;
	int found;			/* a pass took a new member */
};

static size_t *slot_of(struct walk *w, int pid)
{
	size_t h = (size_t)pid * 2654435761u & (w->nslot - 1);

	while (w->slot[h] && w->m[w->slot[h] - 1].st.pid != pid)
		h = (h + 1) & (w->nslot - 1);
	return &w->slot[h];
}

/* The index + 1 of the member at pid; 0: none. */
static size_t member_at(struct walk *w, int pid)
{
	return w->nslot ? *slot_of(w, pid) : 0;
}

/* Members first .. n are members now: in the table, and to be visited. */
static int commit(struct walk *w, size_t first)
{
	size_t i;

	if (w->n * 2 > w->nslot) {
		size_t k, ns = w->nslot ? w->nslot : 64;
		size_t *old = w->slot, nold = w->nslot;

		while (w->n * 2 > ns)
			ns *= 2;
		if (!(w->slot = calloc(ns, sizeof *w->slot)))
			return -1;
		w->nslot = ns;
		for (k = 0; k < nold; k++)
			if (old[k])
				*slot_of(w, w->m[old[k] - 1].st.pid) = old[k];
		free(old);
	}
	for (i = first; i < w->n; i++) {
		if (w->ntodo == w->captodo) {
			size_t c = w->captodo ? w->captodo * 2 : 64, *t = realloc(w->todo, c * sizeof *t);

			if (!t)
				return -1;
			w->todo = t;
			w->captodo = c;
		}
		*slot_of(w, w->m[i].st.pid) = i + 1;
		w->todo[w->ntodo++] = i;
	}
	return 0;
}

/* Drop members first .. n: their parent was not proven alive. */
static void drop(struct walk *w, size_t first)
{
	while (w->n > first)
		if (w->m[--w->n].fd >= 0) {
			close(w->m[w->n].fd);
			w->nfds--;
		}
}

/* Room for one more member; -1: out of memory. */
static int room(struct walk *w)
{
	size_t cap = w->cap ? w->cap * 2 : 64;
	struct member *m;

	if (w->n < w->cap)
		return 0;
	if (!(m = realloc(w->m, cap * sizeof *m)))
		return -1;
	w->m = m;
	w->cap = cap;
	return 0;
}

/* Child pid of member i, as listed: 0 taken (or a member already), 1 gone
 * or another's by now, -1 out of memory or descriptors. */
static int consider(struct walk *w, size_t i, int pid, size_t first)
{
	struct member *c;
	size_t k, at = member_at(w, pid);
	int fd = -1;

	/* A member gone: its PID may be a new child's. */
	if (at && w->m[at - 1].state != GONE)
		return 0;
	/* Read again: those of the reads before. */
	for (k = first; k < w->n; k++)
		if (w->m[k].st.pid == pid)
			return 0;
	if (room(w) < 0)
		return -1;
	c = &w->m[w->n];
	if (w->nfds < w->maxfds)
		fd = proc_open_adj(w->procfd, pid);
	if (proc_stat_pid(w->procfd, pid, &c->st) < 0 || c->st.ppid != w->m[i].st.pid
	    || !parent_of(&w->m[i].st, &c->st)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return e == EMFILE || e == ENFILE || e == ENOMEM ? -1 : 1;
	}
	c->fd = fd;
	c->state = NEW;
	w->nfds += fd >= 0;
	w->n++;
	return 0;
}

/* Member i's children (every thread's when nthreads is not 1), each one
 * new appended from w->n on; read again while one was gone or another's,
 * 16 times at most.  0, or -1: leave it to the whole scan. */
static int collect(struct walk *w, size_t i, int nthreads)
{
	size_t first = w->n, k;
	int tries, churn = 1;

	for (tries = 0; churn && tries < 16; tries++) {
		churn = 0;
		w->nkids = 0;
		if (proc_children(w->procfd, w->m[i].st.pid, nthreads, &w->kids, &w->nkids,
				  &w->capkids) < 0)
			return errno == ENOENT ? 0 : -1;	/* gone: no children */
		/* A first read lists each child once. */
		for (k = 0; k < w->nkids && churn >= 0; k++) {
			int r = consider(w, i, w->kids[k], tries ? first : w->n);

			churn = r < 0 ? -1 : churn | r;
		}
		if (churn < 0)
			return -1;
	}
	return churn ? -1 : 0;
}

/* Is member i alive (its PID still its own), by a stat read now? */
static int alive_now(struct walk *w, size_t i)
{
	struct pstat st;

	return proc_stat_pid(w->procfd, w->m[i].st.pid, &st) == 0 && st.start == w->m[i].st.start;
}

/* Member i's children read again (a written member, or one written by
 * PID): any new one is kept if i is alive after their stats were read. */
static int again(struct walk *w, size_t i)
{
	size_t first = w->n;

	if (collect(w, i, 0) < 0)
		return -1;
	if (w->n > first && !alive_now(w, i))
		drop(w, first);
	w->found |= w->n > first;
	return commit(w, first);
}

static void count(struct walk *w, int r)
{
	/* Members that exit meanwhile are not errors, nor news. */
	if (r != EXIT_GONE)
		w->rc = worse(w->rc, r);
}

/* A new member: written through its descriptor, its children read, then
 * its read-back; without a descriptor, by PID pinned by its start time. */
static int visit_new(struct walk *w, size_t i)
{
	struct score_half h;
	size_t first = w->n;
	int alive, r;

	w->m[i].state = DONE;
	if (w->m[i].fd < 0) {
		count(w, r = score_set_member(w->m[i].st.pid, w->score, w->m[i].st.start));
		if (r == EXIT_GONE)
			w->m[i].state = GONE;
		return r == EXIT_GONE ? 0 : again(w, i);
	}
	w->nfds--;
	if (score_half_write(&h, w->m[i].fd, &w->m[i].st, w->score) == EXIT_GONE) {
		w->m[i].state = GONE;
		return 0;
	}
	r = collect(w, i, w->m[i].st.nthreads);
	count(w, score_half_done(&h, &w->m[i].st, &alive));
	if (!alive) {
		w->m[i].state = GONE;
		drop(w, first);
	}
	return r < 0 ? -1 : commit(w, first);
}

/* Visit the members to visit, the latest found first (so that few
 * descriptors are held at once); past the limit, the whole scan is
 * cheaper. */
static int drain(struct walk *w)
{
	while (w->ntodo) {
		size_t i = w->todo[--w->ntodo];

		if (w->n > w->limit)
			return -1;
		if ((w->m[i].state == NEW ? visit_new(w, i) : again(w, i)) < 0)
			return -1;
	}
	return 0;
}

/* Root pid, pinned by *start (0: by what its stat says now, which *start
 * becomes): set by PID, as -p does, then walked from.  One that cannot be
 * is said here, once: *start becomes ROOT_SAID. */
static int walk_root(struct walk *w, int pid, unsigned long long *start)
{
	struct pstat st;
	int r;

	if (member_at(w, pid))
		return 0;
	if (proc_stat_pid(w->procfd, pid, &st) < 0 || (*start && st.start != *start)) {
		w->rc = worse(w->rc, score_set(pid, w->score, *start));
		*start = ROOT_SAID;
		return 0;
	}
	*start = st.start;
	w->rc = worse(w->rc, r = score_set(pid, w->score, st.start));
	if (r == EXIT_GONE) {
		*start = ROOT_SAID;
		return 0;
	}
	if (room(w) < 0)
		return -1;
	w->m[w->n].st = st;
	w->m[w->n].fd = -1;
	w->m[w->n++].state = DONE;
	return commit(w, w->n - 1);
}

/* Can -T walk down here?  Asked of the roots' own files, once a run (a
 * root's thread directory without a children file: no); never with
 * OOMGUARD_NO_CHILDREN=1 (tests of the whole scan on this kernel). */
static int children_files(int procfd, const int *pids, size_t n)
{
	static int known = -1;
	const char *env = getenv("OOMGUARD_NO_CHILDREN");
	char name[64];
	size_t j;

	if (env && !strcmp(env, "1"))
		return 0;
	for (j = 0; known < 0 && j < n; j++) {
		snprintf(name, sizeof name, "%d/task/%d/children", pids[j], pids[j]);
		if (faccessat(procfd, name, F_OK, 0) == 0) {
			known = 1;
			break;
		}
		snprintf(name, sizeof name, "%d/task/%d", pids[j], pids[j]);
		if (errno == ENOENT && faccessat(procfd, name, F_OK, 0) == 0)
			known = 0;
	}
	return known > 0;
}

/* The members written (or tried), sorted by PID, for the whole scan that
 * takes over: it does not write them again.  NULL when there are none, or
 * no memory (then it does). */
static struct pstat *walked(struct walk *w, size_t *n)
{
	struct pstat *v = malloc((w->n ? w->n : 1) * sizeof *v);
	size_t i;

	*n = 0;
	for (i = 0; v && i < w->n; i++) {
		if (w->m[i].state == NEW && w->m[i].fd >= 0)
			close(w->m[i].fd);
		if (w->m[i].state == DONE)
			v[(*n)++] = w->m[i].st;
	}
	if (v)
		proc_sort(v, *n);
	return v;
}

/* The walk's passes: from the roots, then, while the host forked since the
 * last pass began and that pass found a new member, every member's children
 * again (a child forked between its parent's write and the reading of its
 * children file, which it missed, is listed now).  0 done; -1 the
 * whole scan is to take over. */
static int walk_passes(struct walk *w, struct tree *t)
{
	long forks = -1;
	size_t j, i, n;
	int pass, rc = 0;

	forked_since(&forks);
	for (j = 0; rc == 0 && j < t->npids; j++)
		rc = walk_root(w, t->pids[j], &t->rootstart[j]) < 0 ? -1 : drain(w);
	for (pass = 1; rc == 0 && pass < 16 && forked_since(&forks); pass++) {
		w->found = 0;
		for (i = 0, n = w->n; rc == 0 && i < n; i++)
			if (w->m[i].state == DONE)
				rc = again(w, i) < 0 ? -1 : drain(w);
		if (!w->found)
			break;
	}
	return rc;
}

/* -T by the top-down walk, where there are children files.  0: done, the
 * verdict in t->rc.  -1: the whole scan is to do it (no children files; a
 * tree past 1/64 of the host's processes; a list that kept changing); the
 * roots it said are said, and t->walked holds the members written.  A
 * member walked costs about 10 system calls a pass, a process scanned 5:
 * the walk gives up early, so that a large tree pays at most about 3 % more
 * than the scan alone (bench/tree.sh; 1/32 cost 4 %). */
static int walk_tree(struct tree *t)
{
	struct walk w;
	struct stat sb;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.procfd = open(proc_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0)
		return -1;
	if (children_files(w.procfd, t->pids, t->npids)) {
		w.score = t->score;
		w.rc = EXIT_OK;
		w.maxfds = t->maxheld;
		/* /proc's link count: the host's processes, plus a few. */
		w.limit = fstat(w.procfd, &sb) == 0 && sb.st_nlink / 64 > 64 ? sb.st_nlink / 64 : 64;
		rc = walk_passes(&w, t);
		t->rc = w.rc;
		if (rc < 0)
			t->walked = walked(&w, &t->nwalked);
	}
	close(w.procfd);
	free(w.m);
	free(w.slot);
	free(w.todo);
	free(w.kids);
	return rc;
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
	struct tree t = { pids, npids, score, 0, EXIT_OK, 1, NULL, NULL, 0, 0, 0, NULL, 0 };
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
	if (walk_tree(&t) == 0) {
		free(t.rootstart);
		return t.rc;
	}
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
			} else if (!t.pass && t.rootstart[j] != ROOT_SAID)
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
	free(t.walked);
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
