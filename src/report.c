/* oomguard check for monitors: the Monitoring Plugins format (Nagios,
 * Icinga, NRPE), the Prometheus text format 0.0.4 (node_exporter's textfile
 * collector) and JSON, each with the escaping its grammar asks for.  Process
 * names are anybody's bytes: every field goes through one of the escapers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "report.h"

static const char *const states[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* Every status check gives, in the order of its man page, with its state
 * on a protected rule (score below 0) and on any other: a protected rule
 * that does not hold is critical; any other fault is a warning. */
static const struct {
	const char *name;
	char prot, other;
} statuses[] = {
	{ "ok", 0, 0 }, { "idle", 0, 0 }, { "unchecked", 0, 0 },
	{ "not running", 2, 1 }, { "stale", 2, 1 }, { "differs", 2, 1 },
	{ "risk", 1, 1 }, { "spawner", 1, 1 }, { "claimed", 1, 1 }, { "gone", 1, 1 },
	{ "bad line", 3, 3 },
	/* OOM kills (not in oomguard_rule_status: oomguard_oom_kills_total
	 * counts them): of a process a rule protected (score 0 or below), one
	 * it raised, one acknowledged, one of no rule's, those the log lost. */
	{ "killed", 2, 2 }, { "intended", 0, 0 }, { "acknowledged", 0, 0 },
	{ "unattributed", 0, 0 }, { "unseen", 1, 1 }
};
#define NSTATUSES (sizeof statuses / sizeof *statuses)
#define NPROC_STATUSES 11	/* those of a rule's processes: up to "bad line" */

int report_format(const char *name)
{
	static const char *const names[] = { "text", "tsv", "nagios", "prom", "json" };
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static char *tmp_path;		/* the output, while it is not yet in place */
static const char *out_path;

/* No temporary file is left behind by an error: exit() would not remove it. */
static void drop_tmp(void)
{
	if (tmp_path)
		unlink(tmp_path);
}

static void oom(void)
{
	drop_tmp();
	die(EXIT_FAIL, "check: out of memory");
}

static char *dup_or_die(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		oom();
	return d;
}

void report_add(struct report_rows *rs, const char *rule, int pid, const char *comm,
		int want, int now, const char *status, const char *detail)
{
	struct report_row *v = realloc(rs->v, (rs->n + 1) * sizeof *v), *r;

	if (!v)
		oom();
	rs->v = v;
	r = &v[rs->n++];
	r->rule = dup_or_die(rule);
	r->comm = dup_or_die(comm);
	r->status = dup_or_die(status);
	r->detail = dup_or_die(detail);
	r->pid = pid;
	r->want = want;
	r->now = now;
	r->killed_at = -1;
	r->killed_adj = REPORT_NONE;
}

void report_free(struct report_rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].rule);
		free(rs->v[i].comm);
		free(rs->v[i].status);
		free(rs->v[i].detail);
	}
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fUL;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0fUL;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07UL;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the NUL at the end stops here too */
			return 0;
		cp = cp << 6 | (s[i] & 0x3fUL);
	}
	if ((len == 3 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff)
	    || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

enum esc { ESC_TEXT, ESC_LABEL, ESC_PROM, ESC_JSON };

/* One escaper, four grammars; control bytes are C0 and DEL.
 * - ESC_TEXT, plugin output: one line per row, and '|' starts performance
 *   data, so control bytes, '|', '\' and bytes that are not UTF-8 are
 *   written \xHH ('\' as \\).
 * - ESC_LABEL, a performance-data label: a quote is doubled (the
 *   guidelines' rule); '=', which may not appear at all, '|', control bytes
 *   and bytes that are not UTF-8 become '_'.
 * - ESC_PROM, a Prometheus label value: \\, \" and \n, and UTF-8 only, so
 *   a byte that is not becomes U+FFFD.
 * - ESC_JSON, a JSON string (RFC 8259): \" and \\, control bytes as \n, \t
 *   ... or \u00HH, and a byte that is not UTF-8 as U+FFFD: JSON text is
 *   Unicode, and a byte has no escape of its own. */
static void put_esc(const char *s, enum esc how)
{
	static const char *const special[] = { "|\\", "='|", "\\\"\n", "\\\"" };
	static const char from[] = "\b\f\n\r\t", to[] = "bfnrt";
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_seq(p);
		unsigned c = *p;
		int ctl = len == 1 && (c < 0x20 || c == 0x7f);
		const char *e = len == 1 ? strchr(from, (int)c) : NULL;

		if (len > 1 || (len == 1 && !strchr(special[how], (int)c)
				&& (!ctl || how == ESC_PROM)))
			fwrite(p, 1, len, stdout);
		else if (how == ESC_TEXT && c == '\\')
			fputs("\\\\", stdout);
		else if (how == ESC_TEXT)
			printf("\\x%02x", c);
		else if (how == ESC_LABEL)
			fputs(c == '\'' ? "''" : "_", stdout);
		else if (!len)
			fputs(how == ESC_PROM ? "\xef\xbf\xbd" : "\\ufffd", stdout);
		else if (c == '\n' || !ctl)
			printf("\\%c", c == '\n' ? 'n' : (int)c);
		else if (e)
			printf("\\%c", to[e - from]);
		else
			printf("\\u%04x", c);
		p += len ? len : 1;
	}
}

/* A performance-data label, quoted unless plain. */
static void nagios_label(const char *prefix, const char *s)
{
	int quote = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789_.-") != strlen(s);

	printf(" %s%s", quote ? "'" : "", prefix);
	put_esc(s, ESC_LABEL);
	fputs(quote ? "'=" : "=", stdout);
}

static void json_str(const char *s)
{
	fputs("\"", stdout);
	put_esc(s, ESC_JSON);
	fputs("\"", stdout);
}

static int row_state(const struct report_row *r)
{
	size_t i;

	for (i = 0; i < NSTATUSES; i++)
		if (!strcmp(r->status, statuses[i].name))
			return r->want < 0 ? statuses[i].prot : statuses[i].other;
	return NAGIOS_UNKNOWN;
}

/* The rows of one rule follow each other: the group from row i, its state
 * (the worst of its rows) and the row that decided it. */
struct group {
	size_t first, n, worst;
	int state, any_ok;
};

static void group_at(const struct report_rows *rs, size_t i, struct group *g)
{
	memset(g, 0, sizeof *g);
	g->first = g->worst = i;
	for (; i < rs->n && !strcmp(rs->v[i].rule, rs->v[g->first].rule); i++) {
		int st = row_state(&rs->v[i]);

		if (st > g->state) {
			g->state = st;
			g->worst = i;
		}
		g->any_ok |= !strcmp(rs->v[i].status, "ok");
		g->n++;
	}
}

/* The value in force a rule's perfdata gives: its deciding row's, or the
 * first one read, or U (undetermined) when it governs no process now. */
static void nagios_value(const struct report_rows *rs, const struct group *g)
{
	size_t i;
	int now = rs->v[g->worst].now;

	for (i = g->first; now == REPORT_NONE && i < g->first + g->n; i++)
		now = rs->v[i].now;
	if (now == REPORT_NONE)
		printf("U;;;%d;%d", SCORE_MIN, SCORE_MAX);
	else
		printf("%d;;;%d;%d", now, SCORE_MIN, SCORE_MAX);
}

static void nagios_row(const struct report_row *r)
{
	printf("%s: ", states[row_state(r)]);
	put_esc(*r->rule ? r->rule : "(no rule)", ESC_TEXT);
	if (r->pid) {
		printf(": pid %d (", r->pid);
		put_esc(r->comm, ESC_TEXT);
		fputs(")", stdout);
	}
	if (r->want != REPORT_NONE)
		printf(", wanted %d", r->want);
	if (r->now != REPORT_NONE)
		printf(", in force %d", r->now);
	fputs(": ", stdout);
	put_esc(r->status, ESC_TEXT);
	if (*r->detail) {
		fputs(": ", stdout);
		put_esc(r->detail, ESC_TEXT);
	}
	fputs("\n", stdout);
}

/* The summary names the failing rules, critical ones first. */
static int nagios_summary(const struct report_rows *rs, size_t *count)
{
	struct group g;
	size_t i;
	int st, worst = NAGIOS_OK, named = 0;

	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (g.state > worst)
			worst = g.state;
	}
	printf("OOMGUARD %s - ", states[worst]);
	for (st = NAGIOS_UNKNOWN; st > NAGIOS_OK; st--)
		for (i = 0; i < rs->n; i += g.n) {
			group_at(rs, i, &g);
			if (g.state != st)
				continue;
			fputs(named++ ? ", " : "", stdout);
			put_esc(*rs->v[g.worst].rule ? rs->v[g.worst].rule : "(no rule)", ESC_TEXT);
			fputs(" ", stdout);
			put_esc(rs->v[g.worst].status, ESC_TEXT);
		}
	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (!*rs->v[i].rule)
			continue;	/* the host's OOM kills: no rule */
		count[0]++;
		count[g.state ? 3 : g.any_ok ? 1 : 2]++;
	}
	printf("%s%lu rules: %lu ok, %lu idle, %lu bad", named ? "; " : "",
	       (unsigned long)count[0], (unsigned long)count[1], (unsigned long)count[2],
	       (unsigned long)count[3]);
	return worst;
}

static int print_nagios(const struct report_rows *rs)
{
	static const char *const labels[] = { "rules", "ok", "idle", "bad" };
	size_t count[4] = { 0, 0, 0, 0 }, i;
	struct group g;
	int worst = nagios_summary(rs, count);

	fputs(" |", stdout);
	for (i = 0; i < 4; i++)
		printf(" %s=%lu;;;;", labels[i], (unsigned long)count[i]);
	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (rs->v[i].want == REPORT_NONE)
			continue;	/* a bad line has no score */
		nagios_label("score_", rs->v[i].rule);
		nagios_value(rs, &g);
	}
	fputs("\n", stdout);
	for (i = 0; i < rs->n; i++)
		nagios_row(&rs->v[i]);
	return worst;
}

static void prom_family_of(const char *name, const char *help, const char *type)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_family(const char *name, const char *help)
{
	prom_family_of(name, help, "gauge");
}

static void prom_rule(const char *metric, const char *rule)
{
	printf("%s{rule=\"", metric);
	put_esc(rule, ESC_PROM);
	fputs("\"", stdout);
}

static int kill_row(const struct report_row *r)
{
	return r->killed_at != -1 || !strcmp(r->status, "killed") || !strcmp(r->status, "intended")
	       || !strcmp(r->status, "acknowledged") || !strcmp(r->status, "unattributed");
}

/* OOM kills since boot, per rule (0 for none: a counter that appears only
 * after its first kill hides that first kill from rate()), then those of no
 * rule, then those the log lost.  A ring buffer that wraps with no watch
 * running to record it lowers the count: a reset, to Prometheus. */
static void prom_kills(const struct report_rows *rs)
{
	struct group g;
	size_t i, j;
	long none = 0, unseen = 0;

	prom_family_of("oomguard_oom_kills_total", "OOM kills since boot of processes the "
		       "rule covered, as known (the kernel log, the watch's record).", "counter");
	for (i = 0; i < rs->n; i += g.n) {
		int n = 0;

		group_at(rs, i, &g);
		for (j = g.first; j < g.first + g.n; j++)
			n += kill_row(&rs->v[j]);
		if (!*rs->v[i].rule) {
			none += n;
			for (j = g.first; j < g.first + g.n; j++)
				if (!strcmp(rs->v[j].status, "unseen"))
					unseen += strtol(rs->v[j].detail, NULL, 10);
			continue;
		}
		if (rs->v[i].want == REPORT_NONE && !n)
			continue;	/* a bad line */
		prom_rule("oomguard_oom_kills_total", rs->v[i].rule);
		printf("} %d\n", n);
	}
	prom_family_of("oomguard_oom_kills_unattributed_total", "OOM kills since boot of "
		       "processes no rule is known to have covered.", "counter");
	printf("oomguard_oom_kills_unattributed_total %ld\n", none);
	prom_family("oomguard_oom_kills_unseen", "OOM kills the kernel counted that its log "
		    "lost before they were read, not acknowledged.");
	printf("oomguard_oom_kills_unseen %ld\n", unseen);
}

static void prom_statuses(const struct report_rows *rs)
{
	struct group g;
	size_t i, j, s;

	prom_family("oomguard_rule_status", "Rows of the rule in this status: one per process, "
		    "or one for none.");
	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (!*rs->v[i].rule)
			continue;
		for (s = 0; s < NPROC_STATUSES; s++) {
			int n = 0;

			for (j = g.first; j < g.first + g.n; j++)
				n += !strcmp(rs->v[j].status, statuses[s].name);
			prom_rule("oomguard_rule_status", rs->v[i].rule);
			printf(",status=\"%s\"} %d\n", statuses[s].name, n);
		}
	}
}

static int print_prom(const struct report_rows *rs)
{
	struct group g;
	size_t i;
	int worst = NAGIOS_OK;

	prom_family("oomguard_rule_ok", "1 if the rule holds (ok, idle or unchecked), else 0.");
	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (g.state > worst)
			worst = g.state;
		if (!*rs->v[i].rule)
			continue;	/* the host's OOM kills: below */
		prom_rule("oomguard_rule_ok", rs->v[i].rule);
		printf("} %d\n", g.state == NAGIOS_OK);
	}
	prom_family("oomguard_score_adj", "The oom_score_adj of each process the rule governs.");
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].pid && rs->v[i].now != REPORT_NONE && *rs->v[i].rule) {
			prom_rule("oomguard_score_adj", rs->v[i].rule);
			printf(",pid=\"%d\"} %d\n", rs->v[i].pid, rs->v[i].now);
		}
	prom_family("oomguard_score_wanted", "The score the rule sets.");
	for (i = 0; i < rs->n; i += g.n) {
		group_at(rs, i, &g);
		if (rs->v[i].want == REPORT_NONE)
			continue;	/* a bad line wants nothing */
		prom_rule("oomguard_score_wanted", rs->v[i].rule);
		printf("} %d\n", rs->v[i].want);
	}
	prom_statuses(rs);
	prom_kills(rs);
	prom_family("oomguard_check_timestamp_seconds", "When the check ran.");
	printf("oomguard_check_timestamp_seconds %lld\n", (long long)time(NULL));
	return worst;
}

static void json_num(const char *key, int v)
{
	printf(",\"%s\":", key);
	if (v == REPORT_NONE)
		fputs("null", stdout);
	else
		printf("%d", v);
}

static int print_json(const struct report_rows *rs)
{
	size_t i;
	int worst = NAGIOS_OK;

	fputs("[", stdout);
	for (i = 0; i < rs->n; i++) {
		const struct report_row *r = &rs->v[i];

		if (row_state(r) > worst)
			worst = row_state(r);
		fputs(i ? ",\n{\"rule\":" : "\n{\"rule\":", stdout);
		if (*r->rule)
			json_str(r->rule);
		else
			fputs("null", stdout);
		json_num("pid", r->pid ? r->pid : REPORT_NONE);
		fputs(",\"command\":", stdout);
		if (r->pid)
			json_str(r->comm);
		else
			fputs("null", stdout);
		json_num("want", r->want);
		json_num("now", r->now);
		fputs(",\"status\":", stdout);
		json_str(r->status);
		fputs(",\"detail\":", stdout);
		if (*r->detail)
			json_str(r->detail);
		else
			fputs("null", stdout);
		if (kill_row(r)) {
			fputs(",\"killed_at\":", stdout);
			if (r->killed_at >= 0)
				printf("%lld", r->killed_at);
			else
				fputs("null", stdout);
			json_num("killed_score_adj", r->killed_adj);
		}
		fputs("}", stdout);
	}
	fputs(rs->n ? "\n]\n" : "]\n", stdout);
	return worst;
}

int report_print(enum report_format fmt, const struct report_rows *rs)
{
	int worst;

	if (fmt == REPORT_NAGIOS)
		return print_nagios(rs);
	worst = fmt == REPORT_PROM ? print_prom(rs) : print_json(rs);
	return worst == NAGIOS_OK ? EXIT_OK : EXIT_FAIL;
}

void report_unknown(const char *why)
{
	fputs("OOMGUARD UNKNOWN - ", stdout);
	put_esc(why, ESC_TEXT);
	fputs("\n", stdout);
	exit(NAGIOS_UNKNOWN);
}

void report_nagios_empty(const char *why)
{
	fputs("OOMGUARD WARNING - ", stdout);
	put_esc(why, ESC_TEXT);
	fputs(" | rules=0;;;; ok=0;;;; idle=0;;;; bad=0;;;;\n", stdout);
}

static int cap_fd = -1, saved_err = -1;

void report_capture_begin(void)
{
	int p[2];

	if (pipe(p) < 0)
		return;
	/* Non-blocking: a table that says more than a pipe holds loses lines
	 * rather than hanging the check. */
	saved_err = dup(2);
	if (saved_err < 0 || fcntl(p[1], F_SETFL, O_NONBLOCK) < 0 || dup2(p[1], 2) < 0) {
		close(p[0]);
		close(p[1]);
		if (saved_err >= 0)
			close(saved_err);
		saved_err = -1;
		return;
	}
	close(p[1]);
	cap_fd = p[0];
}

const char *report_capture_end(void)
{
	static char buf[4096];
	ssize_t n;
	char *line;

	if (cap_fd < 0 || dup2(saved_err, 2) < 0)
		return NULL;
	close(saved_err);
	/* Every write to the pipe is done: one read takes what it holds. */
	n = read(cap_fd, buf, sizeof buf - 1);
	close(cap_fd);
	cap_fd = -1;
	if (n <= 0)
		return NULL;
	if (write(2, buf, (size_t)n) < 0) {
		/* stderr is gone: the line still goes to stdout */
	}
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	/* The last line, without its "oomguard: ". */
	line = strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf;
	return strstr(line, ": ") ? strstr(line, ": ") + 2 : line;
}

/* O_EXCL|O_NOFOLLOW: a name another user planted in the directory, file
 * or symlink, is never opened; the collector reads only *.prom, and the
 * temporary name ends in .tmp. */
const char *report_output_open(const char *path)
{
	static char why[PATH_MAX + 100];
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0, fd = -1, i, err;
	size_t size = strlen(path) + 40;

	if (!(tmp_path = malloc(size)))
		die(EXIT_FAIL, "open output %s: out of memory", path);
	errno = EISDIR;		/* FILE ends in '/' */
	for (i = 0; path[dirlen] && i < 100 && fd < 0; i++) {
		snprintf(tmp_path, size, "%.*s.%s.%ld.%d.tmp", dirlen, path, path + dirlen,
			 (long)getpid(), i);
		fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd >= 0 && fflush(stdout) == 0 && dup2(fd, 1) >= 0) {
		close(fd);
		out_path = path;
		return NULL;
	}
	err = errno;
	snprintf(why, sizeof why, "open output %.*s: %s", PATH_MAX,
		 path[dirlen] ? tmp_path : path, strerror(err));
	if (fd >= 0) {
		close(fd);
		unlink(tmp_path);
	}
	free(tmp_path);
	tmp_path = NULL;	/* perhaps a name another made: never unlink it */
	return why;
}

void report_output_done(void)
{
	int err;

	if (fflush(stdout) == 0 && !ferror(stdout)
	    && (!tmp_path || (fsync(1) == 0 && rename(tmp_path, out_path) == 0))) {
		free(tmp_path);
		tmp_path = NULL;
		return;
	}
	err = errno;
	drop_tmp();
	die(EXIT_FAIL, "write %s: %s", out_path ? out_path : "standard output", strerror(err));
}
