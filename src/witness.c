/* The OOM witness (witness.h).  The kernel's reports come from /dev/kmsg
 * (3.5+), where every reader has a position of its own, or else from
 * syslog(2)'s READ_ALL (2.6.32), which copies the ring buffer; never from
 * /proc/kmsg, whose reads take the messages from syslogd and klogd.  A
 * name in those lines is the victim's choice: a kill is given to a rule by
 * its PID and time only, never by the name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "proc.h"
#include "witness.h"

#define KILLS_FILE ".oom-kills"	/* the watch's record: a dot name, no service's */
#define ACK_FILE ".oom-ack"
#define ACK_MAX 8192		/* the acknowledgement, a line */
#define KILLS_KEPT 256		/* the watch's record keeps the last ones */
#define KILL_LINE 400
#define RECORDS_MAX 1000000	/* one look at a log that never stops growing */

static void boot_id(char *buf, size_t n)
{
	char path[4200];
	int len = snprintf(path, sizeof path, "%s/sys/kernel/random/boot_id", proc_root());

	/* Since 2.6.x; without it every boot looks the same, and the kills of
	 * the last one in a /var/run that is no tmpfs would count again. */
	if (len < 0 || (size_t)len >= sizeof path || proc_read_line(AT_FDCWD, path, buf, n) < 0) {
		snprintf(buf, n, "-");
		return;
	}
	buf[strcspn(buf, "\n\t")] = '\0';
}

static long long mono_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The slack allowed between a process's start time (CLOCK_BOOTTIME, in
 * ticks) and a kill's printk time (local_clock) at printk time AT: a
 * second, and 500 ppm of the time since boot, for NTP steers the one and
 * not the other (its frequency corrections stay within 500 ppm). */
static long long slack_us(long long at)
{
	return 1000000 + (at > 0 ? at / 2000 : 0);
}

/* printk's clock (local_clock) is CLOCK_MONOTONIC's, near enough: neither
 * counts a suspend. */
long long witness_wall(const struct oomkill *k)
{
	struct timespec rt;

	if (k->us < 0 || clock_gettime(CLOCK_REALTIME, &rt) < 0)
		return -1;
	/* In microseconds: whole seconds taken apart would move the time
	 * shown by one between two runs. */
	return (rt.tv_sec * 1000000LL + rt.tv_nsec / 1000 - mono_us() + k->us) / 1000000;
}

/* Add k, or give its rule to the one already known (same time and PID). */
static struct wkill *add(struct witness *w, const struct oomkill *k)
{
	struct wkill *nv;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].k.pid == k->pid && w->v[i].k.us == k->us)
			return &w->v[i];
	if (!(nv = realloc(w->v, (w->n + 1) * sizeof *nv)))
		die(EXIT_FAIL, "check: out of memory");
	w->v = nv;
	memset(&nv[w->n], 0, sizeof *nv);
	nv[w->n].k = *k;
	return &nv[w->n++];
}

/* syslog(2) lines, from READ_ALL or a file standing for it. */
static void parse_lines(struct witness *w, char *buf, size_t len)
{
	char *p = buf, *end = buf + len, *nl;
	struct oomkill k;

	/* Each line with its newline: one without (the last, cut) is no kill. */
	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end - 1;
		if (oomlog_parse_syslog(p, (size_t)(nl + 1 - p), &k))
			add(w, &k);
	}
}

/* OOMGUARD_KMSG=FILE: FILE's lines as READ_ALL would give them (tests: an
 * old kernel's log); "none": no kernel log (the tests of everything else). */
static int read_file(struct witness *w, const char *path)
{
	static char buf[1 << 20];
	int fd;
	ssize_t n;

	if (!strcmp(path, "none"))
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		return -1;
	parse_lines(w, buf, (size_t)n);
	return 0;
}

/* 2.6.32 .. 3.4: the ring buffer whole, copied (SYSLOG_ACTION_READ_ALL, 3;
 * its size: SYSLOG_ACTION_SIZE_BUFFER, 10, since 2.6.6). */
static int read_syslog(struct witness *w)
{
	int size = klogctl(10, NULL, 0), n;
	char *buf;

	if (size <= 0)
		size = 1 << 17;
	if (!(buf = malloc((size_t)size)))
		die(EXIT_FAIL, "check: out of memory");
	n = klogctl(3, buf, size);
	if (n >= 0)
		parse_lines(w, buf, (size_t)n);
	free(buf);
	return n < 0 ? -1 : 0;
}

/* A line of the watch's record: printk time, PID, uid, oom_score_adj,
 * memcg, name, rule, score; the name and the rule escaped (no tab, no
 * newline). */
static int kill_line(char *buf, size_t n, const struct oomkill *k, const char *rule, int score)
{
	char comm[OOMLOG_COMM_MAX * 4], r[WITNESS_RULE_MAX * 4];

	return snprintf(buf, n, "%lld\t%d\t%lld\t%d\t%d\t%s\t%s\t%d\n", k->us, k->pid, k->uid,
			k->adj, k->memcg, msg_esc(comm, sizeof comm, k->comm),
			msg_esc(r, sizeof r, rule && *rule ? rule : "-"), score);
}

static int kill_parse(char *line, struct wkill *out)
{
	char *f[8], *p = line;
	long v[5];
	int i;
	unsigned long long us;

	for (i = 0; i < 8; i++) {
		f[i] = p;
		if (!(p = strchr(p, i < 7 ? '\t' : '\0')))
			return -1;
		*p++ = '\0';
		if (i == 7)
			break;
	}
	memset(out, 0, sizeof *out);
	if (unum_parse(f[0], (unsigned long long)-1 >> 1, &us)
	    || num_parse(f[1], 10, 1, PID_LIMIT, &v[0]) || uid_or_none(f[2], &out->k.uid)
	    || num_parse(f[3], 10, OOMLOG_NONE, SCORE_MAX, &v[2]) || num_parse(f[4], 10, 0, 1, &v[3])
	    || num_parse(f[7], 10, SCORE_MIN, SCORE_MAX, &v[4]))
		return -1;
	out->k.us = (long long)us;
	out->k.pid = (int)v[0];
	out->k.adj = (int)v[2];
	out->k.memcg = (int)v[3];
	snprintf(out->k.comm, sizeof out->k.comm, "%s", msg_unesc(f[5]));
	if (strcmp(f[6], "-"))
		snprintf(out->rule, sizeof out->rule, "%s", msg_unesc(f[6]));
	out->score = (int)v[4];
	return 0;
}

/* The watch's record: "boot BOOT_ID", then a kill a line, oldest first.
 * Into buf; the offset of its first kill line, or -1 (none, or another
 * boot's, whose kills are not this boot's). */
static long kills_read(char *buf, size_t size, const char *boot)
{
	long len = state_file_read(KILLS_FILE, buf, size);
	size_t blen = strlen(boot);

	if (len < 6 + (long)blen || strncmp(buf, "boot\t", 5) || strncmp(buf + 5, boot, blen)
	    || buf[5 + blen] != '\n')
		return -1;
	return 6 + (long)blen;
}

static void load_kills(struct witness *w, const char *boot)
{
	static char buf[KILLS_KEPT * KILL_LINE + 128];
	long off = kills_read(buf, sizeof buf, boot);
	char *p, *nl;
	struct wkill wk, *got;

	for (p = off < 0 ? NULL : buf + off; p && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (kill_parse(p, &wk) < 0)
			continue;
		/* The watch gave it by identity when it happened. */
		got = add(w, &wk.k);
		snprintf(got->rule, sizeof got->rule, "%s", wk.rule);
		got->score = wk.score;
	}
}

/* One line less in the record's kills (body): the oldest of no rule's, so
 * that a user whose processes are killed again and again cannot push a
 * protected service's kill out; else the oldest. */
static char *drop_one(char *body)
{
	char *line, *nl, *f;
	int tabs;

	for (line = body; (nl = strchr(line, '\n')); line = nl + 1) {
		for (f = line, tabs = 0; f < nl && tabs < 6; f++)
			tabs += *f == '\t';
		if (tabs == 6 && !strncmp(f, "-\t", 2)) {
			memmove(line, nl + 1, strlen(nl + 1) + 1);
			return body;
		}
	}
	nl = strchr(body, '\n');
	return nl ? nl + 1 : body + strlen(body);
}

/* Append a kill to the watch's record, which keeps the last KILLS_KEPT. */
static void kills_append(const struct oomkill *k, const char *rule, int score)
{
	static char old[KILLS_KEPT * KILL_LINE + 128], out[sizeof old + KILL_LINE];
	char boot[64], *p, *q;
	long off;
	int len, lines = 0;

	boot_id(boot, sizeof boot);
	off = kills_read(old, sizeof old, boot);
	len = snprintf(out, sizeof out, "boot\t%s\n", boot);
	for (p = off < 0 ? "" : old + off, q = p; *q; q++)
		lines += *q == '\n';
	for (; lines >= KILLS_KEPT && *p; lines--)
		p = drop_one(p);
	len += snprintf(out + len, sizeof out - (size_t)len, "%s", p);
	len += kill_line(out + len, sizeof out - (size_t)len, k, rule, score);
	state_file_put(KILLS_FILE, out, (size_t)len);
}

static void live_record(const struct oomkill *k, witness_lookup *lookup, void *ctx)
{
	char comm[OOMLOG_COMM_MAX * 4];
	const char *rule;
	int score = 0;

	rule = lookup ? lookup(ctx, k, &score) : NULL;
	if (rule)
		say("OOM killer killed pid %d (%s): rule %s (score %d)", k->pid,
		    msg_esc(comm, sizeof comm, k->comm), rule, score);
	else
		say("OOM killer killed pid %d (%s): no rule's process", k->pid,
		    msg_esc(comm, sizeof comm, k->comm));
	kills_append(k, rule, score);
}

/* One record a read; EPIPE: records were overwritten under this reader,
 * whose position has moved on to the oldest one left (printk.c). */
static void read_kmsg(int fd, struct witness *w, witness_lookup *lookup, void *ctx)
{
	char rec[8192];
	struct oomkill k;
	long i;

	for (i = 0; i < RECORDS_MAX; i++) {
		ssize_t n = read(fd, rec, sizeof rec);

		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n <= 0)
			return;
		if (!oomlog_parse_kmsg(rec, (size_t)n, &k))
			continue;
		if (w)
			add(w, &k);
		else
			live_record(&k, lookup, ctx);
	}
}

/* Kills the kernel counted since boot (vmstat's oom_kill, 4.13+: global
 * and memory cgroup kills alike), or -1. */
static long kills_counted(void)
{
	char path[4200];
	long total;
	int len = snprintf(path, sizeof path, "%s/vmstat", proc_root());

	if (len < 0 || (size_t)len >= sizeof path
	    || proc_field(AT_FDCWD, path, "\noom_kill ", 10, &total) < 0)
		return -1;
	return total;
}

/* The acknowledgement: "BOOT_ID ACK_US COUNTED PIDS", this boot's only.
 * A kill up to ACK_US is acknowledged; one with no time (no printk.time)
 * when its PID is among PIDS (",PID,PID,", or "-"): by position, a log
 * that lost its first lines would hand the acknowledgement on to new ones.
 * COUNTED: the kernel's count then, so that the kills the log loses after
 * they were acknowledged are not unseen ones. */
static long apply_ack(struct witness *w, const char *boot)
{
	char buf[ACK_MAX], *f[4], *p = buf, pid[16];
	unsigned long long v[2];
	size_t i;
	int k;

	if (state_file_read(ACK_FILE, buf, sizeof buf) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	for (k = 0; k < 4; k++) {
		f[k] = p;
		p += strcspn(p, "\t");
		if (*p)
			*p++ = '\0';
	}
	if (strcmp(f[0], boot) || unum_parse(f[1], (unsigned long long)-1 >> 1, &v[0])
	    || unum_parse(f[2], (unsigned long long)-1 >> 1, &v[1]))
		return -1;
	w->ack_us = (long long)v[0];
	for (i = 0; i < w->n; i++) {
		snprintf(pid, sizeof pid, ",%d,", w->v[i].k.pid);
		if (w->v[i].k.us < 0 ? strstr(f[3], pid) != NULL : w->v[i].k.us <= w->ack_us)
			w->v[i].acked = 1;
	}
	return (long)v[1];
}

/* The kills counted that no log holds and no acknowledgement covers. */
static long count_unseen(const struct witness *w, long total, long acked_total)
{
	long known = 0;
	size_t i;

	if (total < 0)
		return -1;
	for (i = 0; i < w->n; i++)
		known += acked_total < 0 || !w->v[i].acked;
	total -= acked_total < 0 ? 0 : acked_total;
	return total > known ? total - known : 0;
}

static int by_time(const void *a, const void *b)
{
	long long x = ((const struct wkill *)a)->k.us, y = ((const struct wkill *)b)->k.us;

	return x < y ? -1 : x > y;
}

void witness_load(struct witness *w)
{
	const char *env = getenv("OOMGUARD_KMSG");
	char boot[64];
	int fd, rc = 0;

	memset(w, 0, sizeof *w);
	w->ack_us = -1;
	boot_id(boot, sizeof boot);
	if (env && *env)
		rc = read_file(w, env);
	else if ((fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) >= 0) {
		read_kmsg(fd, w, NULL, NULL);
		close(fd);
	} else if (errno == ENOENT)
		rc = read_syslog(w);	/* before 3.5 */
	else
		rc = -1;
	w->read_err = rc < 0 ? errno : 0;
	if (!env || strcmp(env, "none"))
		load_kills(w, boot);
	if (w->n)
		qsort(w->v, w->n, sizeof *w->v, by_time);
	w->counted = env && !strcmp(env, "none") ? -1 : kills_counted();
	w->unseen = count_unseen(w, w->counted, apply_ack(w, boot));
	/* A log not read (not root: dmesg_restrict) lost nothing: unknown. */
	if (w->read_err)
		w->unseen = -1;
}

static long long ticks_us(unsigned long long ticks)
{
	long tck = sysconf(_SC_CLK_TCK);

	return tck > 0 ? (long long)(ticks * 1000000ULL / (unsigned long long)tck) : -1;
}

/* The offset of CLOCK_BOOTTIME, which process start times follow, from
 * CLOCK_MONOTONIC, which printk's clock keeps near: the time spent
 * suspended (0 on a server; the kernels before 2.6.39, which have no
 * CLOCK_BOOTTIME, counted no suspend in start times either). */
static long long suspended_us(void)
{
	struct timespec b, m;

	if (clock_gettime(7 /* CLOCK_BOOTTIME */, &b) < 0 || clock_gettime(CLOCK_MONOTONIC, &m) < 0)
		return 0;
	return (b.tv_sec - m.tv_sec) * 1000000LL + (b.tv_nsec - m.tv_nsec) / 1000;
}

/* The same PID and, where the kernel printed them, the same uid (5.3+,
 * RHEL 6) and score (5.4+); started before the kill and, for one set
 * before a successor, killed before the successor started (slack_us each,
 * for the two clocks), so that a PID handed on between the two is not
 * taken for it. */
int witness_fits(const struct witness_id *id, const struct oomkill *k)
{
	long long at = k->us >= 0 ? k->us : mono_us(), off = suspended_us(),
		  slack = slack_us(at);

	return id->pid == k->pid && id->start && ticks_us(id->start) - off <= at + slack
	       /* No time in the log (no printk.time): "now" bounds nothing. */
	       && !(id->next && k->us >= 0 && ticks_us(id->next) - off + slack < at)
	       && !(id->adj != OOMLOG_NONE && k->adj != OOMLOG_NONE && k->adj != id->adj)
	       && !(id->uid >= 0 && k->uid >= 0 && k->uid != id->uid);
}

/* Was the recorded process the one killed?  It fits (witness_fits), and
 * is not alive now as itself (then the PID was its from its start until
 * now, and the kill took another), nor dead before the kill, as a later
 * process at its PID shows. */
static int was_it(const struct witness_id *id, const struct oomkill *k)
{
	long long at = k->us >= 0 ? k->us : mono_us();
	struct pstat st;
	int fd;

	if (!witness_fits(id, k))
		return 0;
	if ((fd = proc_open(id->pid)) < 0)
		return 1;
	if (proc_stat(fd, &st) < 0)
		st.start = 0;
	close(fd);
	if (st.start == id->start)
		return proc_exited(&st);
	return !st.start || k->us < 0 || ticks_us(st.start) - suspended_us() + slack_us(at) >= at;
}

/* The record's process, or one it set before (restarts since). */
static int recorded(const struct state_rec *s, const struct oomkill *k)
{
	/* "done": the score is the one in force; any other outcome, not. */
	struct witness_id id = { s->pid, strcmp(s->outcome, "done") ? OOMLOG_NONE : s->score,
			    s->start, 0, s->uid };
	int i;

	if (was_it(&id, k))
		return 1;
	id.next = s->pid ? s->start : 0;
	for (i = 0; i < s->nprev; i++) {
		id.pid = s->prev_pid[i];
		id.start = s->prev_start[i];
		id.uid = s->prev_uid[i];
		id.adj = OOMLOG_NONE;
		if (was_it(&id, k))
			return 1;
		id.next = s->prev_start[i];
	}
	return 0;
}

void witness_attribute(struct witness *w, const struct state_rec *sv, size_t ns)
{
	size_t i, j;

	for (i = 0; i < w->n; i++)
		for (j = 0; j < ns && !w->v[i].rule[0]; j++)
			if (recorded(&sv[j], &w->v[i].k)) {
				snprintf(w->v[i].rule, sizeof w->v[i].rule, "%s", sv[j].name);
				w->v[i].score = sv[j].score;
			}
}

int witness_ack(struct witness *w)
{
	char boot[64], line[ACK_MAX];
	long long last = -1;
	size_t i;
	int len, pids;

	boot_id(boot, sizeof boot);
	for (i = 0; i < w->n; i++)
		if (w->v[i].k.us > last)
			last = w->v[i].k.us;
	len = snprintf(line, sizeof line, "%s\t%lld\t%ld\t", boot, last < 0 ? 0 : last,
		       w->counted < 0 ? 0 : w->counted);
	pids = len;
	/* The timeless ones by PID, as many as the line holds: one left out
	 * stays unacknowledged, never the other way round. */
	for (i = 0; i < w->n; i++) {
		if (w->v[i].k.us < 0 && len < (int)sizeof line - 16)
			len += snprintf(line + len, sizeof line - (size_t)len, ",%d", w->v[i].k.pid);
		w->v[i].acked = w->v[i].k.us >= 0 || len < (int)sizeof line - 16;
	}
	len += snprintf(line + len, sizeof line - (size_t)len, len > pids ? ",\n" : "-\n");
	w->unseen = 0;
	return state_file_put(ACK_FILE, line, (size_t)len);
}

void witness_free(struct witness *w)
{
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

int witness_live_open(void)
{
	const char *env = getenv("OOMGUARD_KMSG");
	struct stat sb;
	int fd;

	if (env && *env)
		return -1;	/* a test's log, or none: nothing lives there */
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	/* Only what happens from now on: the kills before are check's to read. */
	if (fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode) || lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void witness_live_drain(int fd, witness_lookup *lookup, void *ctx)
{
	read_kmsg(fd, NULL, lookup, ctx);
}
