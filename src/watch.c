/* oomguard watch: keep every rule of the table applied.  One poll() loop:
 * the proc connector says when a program starts, inotify when a pidfile
 * changes, a self-pipe when a signal came.  With nothing happening it makes
 * no wakeup at all; only without the proc connector does it rescan /proc on
 * a timer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "detach.h"
#include "msg.h"
#include "notify.h"
#include "num.h"
#include "opt.h"
#include "oomguard.h"
#include "pidfile.h"
#include "proc.h"
#include "procev.h"
#include "rules.h"
#include "score.h"
#include "witness.h"

/* Writes that failed (a negative score without CAP_SYS_RESOURCE): tried
 * once per process, not at every rescan or exec event, which would fill
 * the log with the same line every few seconds for ever.  Remembered per
 * (PID, start time) without a cap: a fixed ring of 64 forgot the 65th of 80
 * refused processes and logged the same refusals again and again.  Entries
 * of exited processes are dropped before the list grows. */
struct refused {
	int pid, score;
	unsigned long long start;
};

/* What the watch knows of the processes its rules govern, for the OOM
 * witness: a kill is a rule's when its PID is one of these and the process
 * started before the kill.  Entries of processes gone are dropped before
 * the list grows. */
struct governed {
	struct witness_id id;	/* adj: in force after the watch's write */
	int score;
	char rule[WITNESS_RULE_MAX];
};

struct watch {
	const char *path;
	struct conf conf;
	int *pf_pid;			/* per rule: the process its pidfile names */
	unsigned long long *pf_start;
	struct pidview *pf_view;	/* per rule: what its pidfile was seen to do */
	int any_children;		/* some rule has children= */
	int ino, ev, interval;
	struct refused *refused;
	size_t nrefused, refused_cap;
	long long last_full, full_due;	/* full passes: at most one a second */
	long long burst_start;		/* events read since then: flood_check */
	int burst;
	int want_comm;			/* some rule looks at names: COMM events matter */
	int kmsg;			/* /dev/kmsg at its end (the OOM witness), or -1 */
	struct governed *gov;
	size_t ngov, gov_cap;
};

static int sigpipe_w = -1;

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	if (write(sigpipe_w, &c, 1) < 0) {
		/* The pipe is full: a signal is pending already. */
	}
	errno = e;
}

static int nonblock_pipe(int fds[2])
{
	int i;

	if (pipe(fds) < 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) < 0 || fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	return 0;
}

static const char *kind_word(const struct rule *r)
{
	static const char *const w[] = { "name", "comm", "exe", "pidfile" };

	return w[rule_kind(r)];
}

/* The score in force for pid, or -1 with errno set. */
static int adj_now(int pid, int *adj)
{
	int fd = proc_open(pid), sc, rc;

	if (fd < 0)
		return -1;
	rc = score_read(fd, &sc, adj);
	close(fd);
	return rc;
}

/* Drop the refusals of processes that exited (or whose PID was reused). */
static void prune_refused(struct watch *w)
{
	size_t i, k = 0;

	for (i = 0; i < w->nrefused; i++) {
		struct pstat st;
		int fd = proc_open(w->refused[i].pid), live;

		live = fd >= 0 && proc_stat(fd, &st) == 0 && st.start == w->refused[i].start;
		if (fd >= 0)
			close(fd);
		if (live)
			w->refused[k++] = w->refused[i];
	}
	w->nrefused = k;
}

static void remember_refusal(struct watch *w, const struct pinfo *p, int score)
{
	if (w->nrefused == w->refused_cap)
		prune_refused(w);
	if (w->nrefused == w->refused_cap) {
		size_t cap = w->refused_cap ? w->refused_cap * 2 : 64;
		struct refused *n = realloc(w->refused, cap * sizeof *n);

		if (!n)
			return;	/* tried again at the next event: no worse than before */
		w->refused = n;
		w->refused_cap = cap;
	}
	w->refused[w->nrefused].pid = p->pid;
	w->refused[w->nrefused].start = p->start;
	w->refused[w->nrefused++].score = score;
}

static int gone(const struct governed *g)
{
	struct pstat st;
	int fd = proc_open(g->id.pid), rc;

	if (fd < 0)
		return 1;
	rc = proc_stat(fd, &st) < 0 || st.start != g->id.start || proc_exited(&st);
	close(fd);
	return rc;
}

/* Remember that rule r governs p (at score, adj in force): one entry a PID. */
static void govern(struct watch *w, const struct pinfo *p, int score, int adj,
		   const struct rule *r)
{
	struct governed *g = NULL, *nv;
	size_t i;

	if (w->kmsg < 0)
		return;
	/* A process a protecting rule (0 or below) names by its name, not by
	 * its pidfile, is that rule's only if it is the rule's user's (root's
	 * when none): anybody may take a name, and the kill of their process
	 * must not read as the protected service's. */
	if (score <= 0 && p->uid != (r->has_user ? r->uid : 0UL)
	    && !(r->pidfile && w->pf_pid[r - w->conf.rules] == p->pid))
		return;
	for (i = 0; i < w->ngov && !g; i++)
		if (w->gov[i].id.pid == p->pid)
			g = &w->gov[i];
	if (!g && w->ngov == w->gov_cap) {
		size_t k = 0;

		for (i = 0; i < w->ngov; i++)
			if (!gone(&w->gov[i]))
				w->gov[k++] = w->gov[i];
		w->ngov = k;
	}
	/* Still three quarters full: room to grow, so that the drop above
	 * runs once for many additions, not at each. */
	if (!g && w->ngov * 4 >= w->gov_cap * 3) {
		size_t cap = w->gov_cap ? w->gov_cap * 2 : 64;

		if (!(nv = realloc(w->gov, cap * sizeof *nv)))
			return;	/* the witness knows less; the rules still hold */
		w->gov = nv;
		w->gov_cap = cap;
	}
	if (!g)
		g = &w->gov[w->ngov++];
	g->id.pid = p->pid;
	g->id.start = p->start;
	g->id.next = 0;
	g->id.adj = adj;
	g->id.uid = (long long)p->uid;
	g->score = score;
	snprintf(g->rule, sizeof g->rule, "%s", r->name);
}

/* The witness asks whose a kill was: a process governed, started before it. */
static const char *kill_owner(void *ctx, const struct oomkill *k, int *score)
{
	const struct watch *w = ctx;
	size_t i;

	for (i = 0; i < w->ngov; i++) {
		const struct governed *g = &w->gov[i];

		/* Started before the kill, and, where the kernel printed them,
		 * with the score in force and the uid that the kill shows: a PID
		 * handed on to a process of a rule after the kill is not the
		 * victim, nor is another user's process that took the PID of
		 * one governed before (entries outlive their processes). */
		if (!witness_fits(&g->id, k))
			continue;
		*score = g->score;
		return g->rule;
	}
	return NULL;
}

/* Set p to score unless it has it already: a daemon that keeps being told
 * the same thing should not fill the log. */
static void ensure(struct watch *w, const struct pinfo *p, int score, const struct rule *r,
		   const char *how)
{
	int adj, rc;
	size_t i;

	if (p->kthread || adj_now(p->pid, &adj) < 0)
		return;
	govern(w, p, score, adj, r);
	if (adj == score)
		return;
	for (i = 0; i < w->nrefused; i++)
		if (w->refused[i].pid == p->pid && w->refused[i].start == p->start
		    && w->refused[i].score == score)
			return;
	/* A short-lived process that exited meanwhile is no news. */
	rc = score_set_member(p->pid, score, p->start);
	if (rc == EXIT_OK) {
		char esc[80];

		govern(w, p, score, score, r);
		say("set pid %d (%s) OOM score %d: rule %s (%s%s)", p->pid,
		    msg_esc(esc, sizeof esc, p->comm), score, r->name, how, kind_word(r));
	} else if (rc == EXIT_FAIL)
		remember_refusal(w, p, score);
}

/* How far up children= looks: deeper than any real service tree. */
#define CHILDREN_DEPTH 32

/* A program started or renamed itself: its own rule, else children= of the
 * rule governing its nearest ancestor that has one, when the ancestor's
 * child on the way down runs another program than the ancestor.  Below
 * that child (a job's own children), only a process still carrying the
 * ancestor's score gets it: it was forked before its parent was fixed (at
 * start, or in the moment after an exec); one with a score of its own
 * keeps it. */
static void handle_pid(struct watch *w, int pid)
{
	struct pinfo p, q, cur;
	const struct rule *r;
	int depth, a, b;

	if (pinfo_read(pid, &p) < 0 || p.kthread)
		return;
	if ((r = rules_match(&w->conf, &p, w->pf_pid, w->pf_start))) {
		ensure(w, &p, r->score, r, "");
		return;
	}
	cur = p;
	for (depth = 0; depth < CHILDREN_DEPTH && cur.ppid > 1; depth++) {
		if (pinfo_read(cur.ppid, &q) < 0)
			return;
		if ((r = rules_match(&w->conf, &q, w->pf_pid, w->pf_start))) {
			if (!r->has_children || !pinfo_other_program(&cur, &q))
				return;
			/* Protection handed down (cron's jobs) goes only to
			 * the rule's user, as rule_limited() says for names. */
			if (r->children < 0 && p.uid != (r->has_user ? r->uid : 0UL))
				return;
			if (depth == 0 || (adj_now(p.pid, &a) == 0 && adj_now(q.pid, &b) == 0
					   && a == b))
				ensure(w, &p, r->children, r, "children= of ");
			return;
		}
		/* Without children= anywhere, only a rule of its own counts. */
		if (!w->any_children)
			return;
		cur = q;
	}
}

/* Read every pidfile rule's file again; apply to a process newly named. */
static void probe_pidfiles(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->conf.n; i++) {
		const struct rule *r = &w->conf.rules[i];
		struct pidwait pw;
		struct pinfo p;
		int pid;
		unsigned long long start;
		char why[8];

		if (!r->pidfile)
			continue;
		rule_pidwait(r, &pw);
		if (pidfile_probe(&pw, &w->pf_view[i], &pid, &start, why, sizeof why) != 1) {
			w->pf_pid[i] = 0;
			w->pf_start[i] = 0;
			continue;
		}
		if (pid == w->pf_pid[i] && start == w->pf_start[i])
			continue;
		w->pf_pid[i] = pid;
		w->pf_start[i] = start;
		if (pinfo_read(pid, &p) < 0 || p.start != start || !rule_fits(r, &p))
			continue;
		/* A stronger or later rule may claim the same process. */
		if (rules_match(&w->conf, &p, w->pf_pid, w->pf_start) != r)
			continue;
		if (r->tree) {
			govern(w, &p, r->score, OOMLOG_NONE, r);
			if (apply_tree_pinned(pid, start, r->score) == EXIT_OK) {
				govern(w, &p, r->score, r->score, r);
				char esc[80];

				say("set pid %d (%s) and its tree OOM score %d: rule %s (pidfile)",
				    pid, msg_esc(esc, sizeof esc, p.comm), r->score, r->name);
			}
		} else
			ensure(w, &p, r->score, r, "");
	}
}

/* Every process once: at start, after a reload, and whenever events may
 * have been lost (inotify overflow, proc connector ENOBUFS). */
static void full_pass(struct watch *w)
{
	struct pstat *v;
	size_t n, i;

	probe_pidfiles(w);
	n = proc_scan(&v);
	for (i = 0; i < n; i++)
		if (!(v[i].flags & PF_KTHREAD_FLAG))
			handle_pid(w, v[i].pid);
	free(v);
}

/* A full pass asked for by lost events (ENOBUFS, inotify overflow), which
 * any user can cause: at most one a second, the rest folded into one that
 * the main loop runs when it is due. */
static void full_pass_soon(struct watch *w)
{
	long long t = now_ms();

	if (t - w->last_full >= 1000) {
		w->last_full = t;
		w->full_due = 0;
		full_pass(w);
	} else if (!w->full_due)
		w->full_due = w->last_full + 1000;
}

/* Run the rate-limited full pass if it is due; the poll timeout until it
 * is, or -1 when none is waiting. */
static int run_due(struct watch *w)
{
	long long due;

	if (!w->full_due)
		return -1;
	due = w->full_due - now_ms();
	if (due > 0)
		return (int)due;
	w->full_due = 0;
	w->last_full = now_ms();
	full_pass(w);
	return -1;
}

/* Does an inotify event name something on the way to a pidfile?  Events
 * for other names in a watched directory (which may be one any user can
 * write) change nothing: a pidfile rule is read again only for its own. */
static int name_matters(const struct watch *w, const struct inotify_event *e)
{
	size_t i, len;

	if (!e->len)
		return 1;
	len = strlen(e->name);
	for (i = 0; i < w->conf.n; i++) {
		const char *p = w->conf.rules[i].pidfile, *c;

		for (c = p; c && (c = strstr(c, e->name)); c++)
			if (c > p && c[-1] == '/' && (c[len] == '/' || !c[len]))
				return 1;
	}
	return 0;
}

/* Watch the directory of each pidfile, or its nearest existing ancestor
 * while the directory is still to be made; re-armed after every event,
 * which follows the path down as it appears. */
static void watch_pidfile_dirs(struct watch *w)
{
	size_t i;
	const uint32_t mask = IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY
		| IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR;

	if (w->ino < 0)
		return;
	for (i = 0; i < w->conf.n; i++) {
		char dir[PATH_MAX];

		if (!w->conf.rules[i].pidfile)
			continue;
		snprintf(dir, sizeof dir, "%s", w->conf.rules[i].pidfile);
		while (path_up(dir) && inotify_add_watch(w->ino, dir, mask) < 0)
			;
	}
}

/* The table's good lines; each bad line said, and how many in *bad.  -1
 * only when a file could not be read at all. */
static int load(struct watch *w, struct conf *c, size_t *bad)
{
	int rc = conf_load(w->path, strcmp(w->path, CONF_DEFAULT) != 0, c);

	*bad = rc < 0 ? 0 : conf_say_bad(c, NULL);
	return rc;
}

/* ", N bad lines skipped" for the start and reload lines, or "". */
static const char *skipped(size_t bad, char *buf, size_t n)
{
	buf[0] = '\0';
	if (bad)
		snprintf(buf, n, ", %lu bad line%s skipped", (unsigned long)bad,
			 bad > 1 ? "s" : "");
	return buf;
}

/* A reload keeps what each pidfile was seen to do: a daemon accepted before
 * a wall-clock step must not be judged again by an mtime from before it. */
static struct pidview *carry_views(const struct watch *w, const struct conf *c)
{
	struct pidview *v = calloc(c->n + 1, sizeof *v);
	size_t i, j;

	for (i = 0; v && i < c->n; i++)
		for (j = 0; c->rules[i].pidfile && j < w->conf.n; j++)
			if (w->conf.rules[j].pidfile
			    && !strcmp(w->conf.rules[j].pidfile, c->rules[i].pidfile)) {
				v[i] = w->pf_view[j];
				break;
			}
	return v;
}

static void install(struct watch *w, struct conf *c)
{
	struct pidview *views = carry_views(w, c);
	size_t i;

	free(w->pf_pid);
	free(w->pf_start);
	free(w->pf_view);
	w->pf_view = views;
	conf_free(&w->conf);
	w->conf = *c;
	w->any_children = 0;
	w->want_comm = 0;
	for (i = 0; i < c->n; i++) {
		w->any_children |= c->rules[i].has_children;
		w->want_comm |= c->rules[i].comm != NULL || c->rules[i].has_children;
	}
	w->pf_pid = calloc(c->n + 1, sizeof *w->pf_pid);
	w->pf_start = calloc(c->n + 1, sizeof *w->pf_start);
	if (!w->pf_pid || !w->pf_start || !w->pf_view)
		die(EXIT_FAIL, "load %s: out of memory", w->path);
	/* New rules, maybe new scores: try every process again. */
	w->nrefused = 0;
	w->last_full = now_ms();
	w->full_due = 0;
	if (w->ino >= 0) {
		close(w->ino);
		w->ino = notify_fd();
	}
	watch_pidfile_dirs(w);
	full_pass(w);
}

/* Both drains return how many events they read: a flood is any user's to
 * make (renames in a watched directory they can write, a prctl loop), and
 * the main loop then pauses a little, so that events are read in big
 * batches or dropped (overflow: one rate-limited rescan) instead of one
 * wakeup each.  The count runs over wakeups, within a window: a watch as
 * fast as the flood reads a few events at each wakeup and never saw 64 in
 * one (CI, stop 26: 30 819 wakeups in 3 s for 580 608 renames). */
#define FLOOD 64
#define FLOOD_WINDOW_MS 1000
#define FLOOD_PAUSE_MS 20

/* The watch's judge: any name on the way to a pidfile, whatever the watch;
 * once one did, the rest of the batch need not be looked at. */
static int judge_names(void *ctx, const struct inotify_event *e, int so_far)
{
	return !(so_far & NOTIFY_SEEN) && name_matters(ctx, e) ? NOTIFY_SEEN : 0;
}

static int drain_inotify(struct watch *w)
{
	int what, count = notify_drain(w->ino, judge_names, w, &what);

	/* A failed read (NOTIFY_FAILED) ends the batch; the next poll tells. */
	if (!(what & (NOTIFY_OVERFLOW | NOTIFY_SEEN)))
		return count;
	watch_pidfile_dirs(w);
	if (what & NOTIFY_OVERFLOW)
		full_pass_soon(w);
	else
		probe_pidfiles(w);
	return count;
}

static void flood_pause(void)
{
	/* poll() as a sleep: nanosleep would add its own code to the static
	 * binary for nothing. */
	if (poll(NULL, 0, FLOOD_PAUSE_MS) < 0) {
		/* EINTR: a signal, which the main loop reads next. */
	}
}

/* COUNT events read at this wakeup: 64 within a second, and the watch
 * pauses; once paused in a flood, each read after takes a big batch. */
static void flood_check(struct watch *w, int count)
{
	long long t;

	if (count <= 0)
		return;
	t = now_ms();
	if (t - w->burst_start > FLOOD_WINDOW_MS) {
		w->burst = 0;
		w->burst_start = t;
	}
	w->burst += count;
	if (w->burst < FLOOD)
		return;
	flood_pause();
	w->burst = 0;
	w->burst_start = now_ms();
}

static int drain_events(struct watch *w)
{
	struct procev ev[256];
	int n, i, count = 0;

	while ((n = procev_read(w->ev, ev, 256)) > 0) {
		for (i = 0; i < n; i++) {
			/* A renaming loop sends one COMM event per rename: once
			 * per batch is enough, and none when no rule looks at
			 * names. */
			if (ev[i].type == PROCEV_COMM
			    && (!w->want_comm || (i > 0 && ev[i - 1].pid == ev[i].pid)))
				continue;
			handle_pid(w, ev[i].pid);
		}
		count += n;
		if (n < 256)
			return count;
	}
	if (n < 0) {
		if (!w->full_due)
			say("watch process events: %s; rescanning every process", strerror(errno));
		full_pass_soon(w);
	}
	return count + FLOOD;
}

/* The watch's own pidfile (-P) must be a regular file: 1 with errno set when
 * the open failed or it is something else (a FIFO with a reader, a device). */
#define EFTYPE_NOTREG EINVAL
static int pidfile_refused(int fd)
{
	struct stat sb;

	if (fd < 0)
		return 1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EFTYPE_NOTREG;
		return 1;
	}
	return 0;
}

/* The parent returns only once the daemon has applied every rule and
 * listens: an init script's start is then done, and its status right after
 * finds the pidfile.  The parent writes the pidfile, before any chdir, so
 * that a relative -P means what it says.  Returns, in the daemon, the pipe
 * end to write one byte to when ready. */
static int daemonize(const char *pidfile)
{
	int rp[2];
	pid_t pid;

	if (pipe(rp) < 0 || (pid = fork()) < 0)
		die(EXIT_FAIL, "fork watch daemon: %s", strerror(errno));
	if (pid > 0) {
		char buf[32];
		ssize_t n;
		int fd;

		close(rp[1]);
		do
			n = read(rp[0], buf, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			die(EXIT_FAIL, "start watch daemon: it exited before it was ready "
			    "(see the system log)");
		/* Never through a link, never blocked by a FIFO, only into a
		 * regular file: truncated once fstat said so. */
		fd = open(pidfile, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			  0644);
		snprintf(buf, sizeof buf, "%ld\n", (long)pid);
		if (pidfile_refused(fd) || ftruncate(fd, 0) < 0
		    || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf) || close(fd) < 0) {
			int e = errno;
			char esc[512];

			/* Without its pidfile no init script could stop it. */
			kill(pid, SIGTERM);
			die(EXIT_FAIL, "write pidfile %s: %s", msg_esc(esc, sizeof esc, pidfile),
			    e == ELOOP ? "a symbolic link: refused" : e == ENXIO || e == EFTYPE_NOTREG
			    ? "not a regular file: refused" : strerror(e));
		}
		exit(EXIT_OK);
	}
	close(rp[0]);
	fcntl(rp[1], F_SETFD, FD_CLOEXEC);
	setsid();
	detach_finish(rp[1]);
	return rp[1];
}

/* Kept equal to the SYNOPSIS line of oomguard(8). */
static const char usage[] =
	"usage: oomguard watch [-c CONFIG] [-i SECS] [-s] [-b [-P PIDFILE]]\n";

struct wopts {
	const char *pidfile;
	int background, use_syslog;
};

static void parse(int argc, char **argv, struct watch *w, struct wopts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, 0, 'c' },
		{ "interval", required_argument, 0, 'i' },
		{ "syslog", no_argument, 0, 's' },
		{ "background", no_argument, 0, 'b' },
		{ "pidfile", required_argument, 0, 'P' },
		{ 0, 0, 0, 0 }
	};
	static const char optstring[] = "+c:i:sbP:";
	int c;
	long v;

	w->path = CONF_DEFAULT;
	w->interval = 5;
	o->pidfile = "/run/oomguard.pid";
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'c': w->path = optarg; break;
		case 'P': o->pidfile = optarg; break;
		case 's': o->use_syslog = 1; break;
		case 'b': o->background = 1; break;
		case 'i':
			if (num_parse(optarg, 10, 1, 86400, &v))
				die(EXIT_USAGE, "parse interval %s: not a whole number of seconds "
				    "from 1 to 86400", optarg);
			w->interval = (int)v;
			break;
		default:
			opt_refused(argc, argv, optstring, longopts, usage, EXIT_USAGE);
		}
	}
	if (optind < argc)
		opt_usage_error(usage, EXIT_USAGE, "parse arguments", argv[optind],
				"watch takes no argument");
}

/* How long the connector has to show a probe's exec at start: a loaded
 * host answers in milliseconds; a PID namespace never does. */
#define PROBE_MS 2000

/* Signals through the self-pipe fds; the event sources; the rules applied;
 * the parent of -b told that the daemon is ready. */
static void setup(struct watch *w, struct conf *c, size_t bad, const struct wopts *o,
		  int fds[2])
{
	struct sigaction sa;
	char note[64], mode[48];
	int ready = o->background ? daemonize(o->pidfile) : -1;

	if (nonblock_pipe(fds) < 0)
		die(EXIT_FAIL, "make signal pipe: %s", strerror(errno));
	else if (o->use_syslog)
		msg_to_syslog();
	sigpipe_w = fds[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	w->ev = getenv("OOMGUARD_NO_PROC_EVENTS") ? (errno = ENOSYS, -1) : procev_open();
	if (w->ev < 0)
		say("watch process events: %s; rescanning /proc every %d s instead",
		    strerror(errno), w->interval);
	else if (procev_probe(w->ev, PROBE_MS) < 0) {
		close(w->ev);
		w->ev = -1;
		say("watch process events: none came for a probe process in %d s (a PID namespace?);"
		    " rescanning /proc every %d s instead", PROBE_MS / 1000, w->interval);
	}
	w->ino = notify_fd();
	if (w->ino < 0)
		say("watch pidfiles: inotify: %s; pidfiles are read at each rescan", strerror(errno));
	/* Before 3.5 no /dev/kmsg: check reads the kills from syslog(2). */
	w->kmsg = witness_live_open();
	install(w, c);
	/* One line says the mode, whichever it is (issue 22: a silent
	 * connector in a PID namespace looked like a working one). */
	if (w->ev >= 0)
		snprintf(mode, sizeof mode, "the proc connector");
	else
		snprintf(mode, sizeof mode, "a rescan every %d s", w->interval);
	say("watch: %lu rules from %s%s; new processes seen by %s", (unsigned long)w->conf.n, w->path,
	    skipped(bad, note, sizeof note), mode);
	if (ready >= 0 && (write(ready, "", 1) != 1 || close(ready) < 0))
		die(EXIT_FAIL, "start watch daemon: tell the parent: %s", strerror(errno));
}

/* Every signal that came: SIGHUP reloads; any other stops (0). */
static int take_signals(struct watch *w, int fd)
{
	unsigned char sig;
	struct conf c;
	size_t bad;
	char note[64];

	while (read(fd, &sig, 1) == 1) {
		if (sig != SIGHUP) {
			say("watch: stopped by signal %d", sig);
			return 0;
		}
		/* Bad lines are skipped as at start, so that a reload gives the
		 * rules a restart would; only an unreadable table keeps the old. */
		if (load(w, &c, &bad) < 0) {
			conf_free(&c);
			say("reload %s: kept the rules in force", w->path);
		} else {
			install(w, &c);
			say("reload %s: %lu rules%s", w->path, (unsigned long)w->conf.n,
			    skipped(bad, note, sizeof note));
		}
	}
	return 1;
}

/* When to wake up: the first of the deadlines run_due keeps and, without
 * the proc connector or inotify, the periodic rescan (a deadline, not a
 * timeout restarted by each event: in a busy pidfile directory the rescan
 * must still come). */
static int next_timeout(struct watch *w, long long *next)
{
	int timeout = run_due(w);
	long long left;

	if (!*next)
		return timeout;
	left = *next - now_ms();
	if (left <= 0) {
		full_pass(w);
		*next = now_ms() + w->interval * 1000LL;
		left = w->interval * 1000LL;
	}
	return timeout < 0 || left < timeout ? (int)left : timeout;
}

static void loop(struct watch *w, int sigfd)
{
	long long next = w->ev < 0 || w->ino < 0 ? now_ms() + w->interval * 1000LL : 0;

	for (;;) {
		struct pollfd p[4];
		int nfds = 0, i, count = 0, timeout;

		p[nfds].fd = sigfd;
		p[nfds++].events = POLLIN;
		if (w->ev >= 0) {
			p[nfds].fd = w->ev;
			p[nfds++].events = POLLIN;
		}
		if (w->ino >= 0) {
			p[nfds].fd = w->ino;
			p[nfds++].events = POLLIN;
		}
		if (w->kmsg >= 0) {
			p[nfds].fd = w->kmsg;
			p[nfds++].events = POLLIN;
		}
		timeout = next_timeout(w, &next);
		if (poll(p, (nfds_t)nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_FAIL, "watch: poll: %s", strerror(errno));
		}
		if (p[0].revents && !take_signals(w, sigfd))
			return;
		for (i = 1; i < nfds; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == w->ev)
				count += drain_events(w);
			else if (p[i].fd == w->ino)
				count += drain_inotify(w);
			else if (p[i].fd == w->kmsg)
				witness_live_drain(w->kmsg, kill_owner, w);
		}
		flood_check(w, count);
	}
}

int watch_main(int argc, char **argv)
{
	struct watch w;
	struct wopts o;
	struct conf c;
	int fds[2];
	size_t bad;

	memset(&w, 0, sizeof w);
	memset(&o, 0, sizeof o);
	parse(argc, argv, &w, &o);
	/* A table of bad lines only still starts a watch (that keeps nothing
	 * until the table is fixed and reloaded): as with apply, a bad line
	 * disables only itself. */
	if (load(&w, &c, &bad) < 0) {
		conf_free(&c);
		return EXIT_USAGE;
	}
	setup(&w, &c, bad, &o, fds);
	loop(&w, fds[0]);
	free(w.pf_pid);
	free(w.pf_start);
	free(w.refused);
	free(w.gov);
	free(w.pf_view);
	conf_free(&w.conf);
	return EXIT_OK;
}
