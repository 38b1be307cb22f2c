/* oomguard check: for each rule, the processes it governs now, the value
 * in force, and OK or why the rule does not hold.  Exit 0 only when every
 * rule holds.  The formats for monitors are in report.c. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "msg.h"
#include "num.h"
#include "oomguard.h"
#include "pidfile.h"
#include "proc.h"
#include "report.h"
#include "rules.h"
#include "score.h"
#include "state.h"
#include "witness.h"

/* No score could be read: outside -1000..1000 and the legacy scale. */
#define ADJ_UNKNOWN (SCORE_MIN - 1)

struct report {
	enum report_format fmt;
	int bad;
	int cap;	/* CAP_SYS_RESOURCE here: 1, 0, -1 unknown */
	int watch;	/* a watch of this table runs */
	int killed;	/* a protected process was OOM-killed, unacknowledged */
	struct report_rows rows;
	struct witness wit;
};

/* check's exit status for an OOM kill of a protected process not yet
 * acknowledged: the nagios format's CRITICAL, in every format. */
#define CHECK_KILLED 2

/* Statuses that leave a rule holding: a kill of a process whose rule
 * raised it (it was meant to die first), or one acknowledged. */
static int fine(const char *status)
{
	static const char *const ok[] = { "ok", "idle", "unchecked", "acknowledged",
					  "unattributed", "intended" };
	size_t i;

	for (i = 0; i < sizeof ok / sizeof *ok; i++)
		if (!strcmp(status, ok[i]))
			return 1;
	return 0;
}

static void row(struct report *rep, const struct rule *r, const struct pinfo *p, int now,
		const char *status, const char *detail)
{
	char pid[16] = "-", val[16] = "-", want[16] = "-", comm[80], name[4 * CONF_NAME_MAX],
	     det[4096];

	/* Every field, escaped here: a process name, a program's path, a
	 * pidfile's may hold a tab, a newline or ESC, and escaped the tsv keeps
	 * its seven fields, the text its one line per row, and a terminal
	 * gets no control sequence. */
	msg_esc(comm, sizeof comm, p ? p->comm : "-");
	msg_esc(name, sizeof name, *r->name ? r->name : "-");
	msg_esc(det, sizeof det, *detail ? detail : "-");
	if (p)
		snprintf(pid, sizeof pid, "%d", p->pid);
	if (p && now != ADJ_UNKNOWN)
		snprintf(val, sizeof val, "%d", now);
	if (r->score != REPORT_NONE)
		snprintf(want, sizeof want, "%d", r->score);
	if (!fine(status))
		rep->bad = 1;
	if (rep->fmt > REPORT_TSV)
		report_add(&rep->rows, r->name, p ? p->pid : 0, p ? p->comm : NULL, r->score,
			   p && now != ADJ_UNKNOWN ? now : REPORT_NONE, status, detail);
	else if (rep->fmt == REPORT_TSV)
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, pid, comm,
		       want, val, status, det);
	else
		printf("%-16s %7s %-15s %5s %5s  %s%s%s\n", name, pid, comm,
		       want, val, status, *detail ? ": " : "", *detail ? det : "");
}

/* Children of p that run another program and inherit its protection: with
 * a protected spawner (cron, sshd, apache), they are the hogs.  Another
 * program, as watch's children= judges it: another exe, or for scripts of
 * the same interpreter another name; a fork that did not exec has both. */
static int inheriting(const struct pinfo *p, int score, struct pstat *v, size_t n, int *example)
{
	size_t i;
	int count = 0;

	for (i = 0; i < n; i++) {
		struct pinfo c;
		int fd, sc, adj;

		if (v[i].ppid != p->pid || pinfo_read(v[i].pid, &c) < 0
		    || !pinfo_other_program(&c, p))
			continue;
		fd = proc_open(c.pid);
		if (fd >= 0 && score_read(fd, &sc, &adj) == 0 && adj == score) {
			if (!count)
				*example = c.pid;
			count++;
		}
		if (fd >= 0)
			close(fd);
	}
	return count;
}

/* Why a value differs, when it can be known; the guess when it cannot. */
static const char *differs_why(const struct report *rep, const struct rule *r, int adj,
			       int want)
{
	if (want < 0 && want < adj && rep->cap == 0)
		return ": lowering a score needs CAP_SYS_RESOURCE, which root lacks here "
		       "(CapEff of /proc/self/status: a container?)";
	if (!r->pidfile && !rep->watch)
		return ": no oomguard watch of this table runs, and only the watch keeps "
		       "exe= and comm= rules";
	if (rep->watch)
		return ": changed after the watch set it (the watch sets a process when it "
		       "starts, execs, or its pidfile changes; SIGHUP it to set every "
		       "process again)";
	return " (set after it started? an EACCES dropped by the init system?)";
}

static void judge(struct report *rep, const struct rule *r, const struct pinfo *p, int want,
		  struct pstat *v, size_t n)
{
	char detail[320] = "";
	int fd = proc_open(p->pid), sc = 0, adj = ADJ_UNKNOWN, kids, example = 0;
	unsigned long uid;

	if (fd >= 0) {
		if (score_read(fd, &sc, &adj) < 0)
			adj = ADJ_UNKNOWN;
		close(fd);
	}
	if (adj == ADJ_UNKNOWN)
		row(rep, r, p, adj, "gone", "exited while being checked");
	else if (adj != want) {
		snprintf(detail, sizeof detail, "the value in force is %d, not %d%s", adj,
			 want, differs_why(rep, r, adj, want));
		row(rep, r, p, adj, "differs", detail);
	} else if (want == SCORE_MIN)
		row(rep, r, p, adj, "risk", "-1000: unkillable, and every child inherits it; "
		    "prefer -999..-900");
	else if (want < 0 && !r->has_children && (kids = inheriting(p, want, v, n, &example)))	{
		snprintf(detail, sizeof detail, "%d children (e.g. pid %d) inherit the protection; "
			 "add children=SCORE", kids, example);
		row(rep, r, p, adj, "spawner", detail);
	} else if (rule_limited(r, want, &uid)) {
		snprintf(detail, sizeof detail, "negative by name: uid %lu only; "
			 "see oomguard.conf(5)", uid);
		row(rep, r, p, adj, "ok", detail);
	} else
		row(rep, r, p, adj, "ok", "");
}

static void check_rule(struct report *rep, const struct conf *c, size_t idx,
		       const int *pf_pid, const unsigned long long *pf_start,
		       struct pstat *v, size_t n)
{
	const struct rule *r = &c->rules[idx];
	struct pinfo q;
	size_t i;
	int found = 0;

	if (rule_kind(r) == KIND_NONE) {
		row(rep, r, NULL, 0, "unchecked", "no pidfile=, exe= or comm= to find its "
		    "processes by; the init hook applies it at start");
		return;
	}
	if (r->pidfile && !pf_pid[idx]) {
		char why[200], detail[520];
		struct pidwait w;
		int pid;
		unsigned long long start;

		rule_pidwait(r, &w);
		pidfile_probe(&w, NULL, &pid, &start, why, sizeof why);
		snprintf(detail, sizeof detail, "pidfile %s %s", r->pidfile, why);
		row(rep, r, NULL, 0, "not running", detail);
		return;
	}
	for (i = 0; i < n; i++) {
		struct pinfo p;

		if ((v[i].flags & PF_KTHREAD_FLAG) || pinfo_read(v[i].pid, &p) < 0)
			continue;
		if (rules_match(c, &p, pf_pid, pf_start) != r)
			continue;
		judge(rep, r, &p, r->score, v, n);
		found = 1;
	}
	if (!found && r->pidfile && pinfo_read(pf_pid[idx], &q) == 0 && !rule_fits(r, &q)) {
		/* pidfile_probe checked exe= and comm=; user= is left. */
		char why[300];

		snprintf(why, sizeof why, "pidfile %s names pid %d, whose user is %lu, not %lu",
			 r->pidfile, q.pid, q.uid, r->uid);
		row(rep, r, NULL, 0, "not running", why);
	} else if (!found)
		row(rep, r, NULL, 0, r->pidfile ? "claimed" : "idle", r->pidfile
		    ? "the process its pidfile names is governed by another rule"
		    : "no process matches now");
}

static void kill_rows(struct report *rep, const char *name);

/* The services that a hook in /etc/default (or the like) protects, with no
 * rule here: their pidfile waiter's last outcome (state.h), and the value
 * in force now in the process it found. */
static void check_state(struct report *rep, const struct conf *c, const struct state_rec *v,
			size_t n)
{
	struct rule r;
	struct pinfo p;
	size_t i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < n; i++) {
		const struct state_rec *s = &v[i];
		char detail[900], now[80] = "";
		int fd, sc, adj = ADJ_UNKNOWN, live = s->pid && pinfo_read(s->pid, &p) == 0;
		int stale = 0;

		if (conf_find(c, s->name))
			continue;
		/* The PID set may have changed hands since: another process that
		 * holds it now is not the service, whatever its value. */
		if (live && (s->start ? p.start != s->start
			     : pidfile_started_after(p.start, &s->mtim))) {
			snprintf(now, sizeof now, "; pid %d is another process now", s->pid);
			stale = 1;
			live = 0;
		} else if (s->pid && !live)
			snprintf(now, sizeof now, "; it has exited since");
		if (live && (fd = proc_open(s->pid)) >= 0) {
			if (score_read(fd, &sc, &adj) < 0)
				adj = ADJ_UNKNOWN;
			close(fd);
		}
		snprintf(r.name, sizeof r.name, "%s", s->name);
		r.score = s->score;
		snprintf(detail, sizeof detail, "%s: %s%s", s->from, s->detail, now);
		row(rep, &r, live ? &p : NULL, adj, live ? (adj == s->score ? "ok" : "differs")
		    : stale ? "stale" : "not running", detail);
		/* Its kills follow its row: one group a service, for nagios
		 * and prom alike (a series given twice is dropped). */
		kill_rows(rep, s->name);
	}
}

/* A kill, as a row: the rule's name and score, the victim's PID and name
 * as the kernel printed them, and when. */
static void kill_row(struct report *rep, struct wkill *wk, const char *status, const char *why)
{
	struct rule r;
	struct pinfo p;
	char detail[400], when[64] = "at a time the log does not give (no printk.time)",
	     adj[64] = "", uid[40] = "";
	long long t = witness_wall(&wk->k);
	time_t tt = (time_t)t;
	struct tm tm;

	memset(&r, 0, sizeof r);
	memset(&p, 0, sizeof p);
	snprintf(r.name, sizeof r.name, "%s", wk->rule);
	r.score = wk->rule[0] ? wk->score : REPORT_NONE;
	p.pid = wk->k.pid;
	snprintf(p.comm, sizeof p.comm, "%.*s", (int)sizeof p.comm - 1, wk->k.comm);
	/* UTC: localtime_r and strftime would bring musl's time zone code
	 * into the static binary (12 KB), for an hour's offset. */
	if (t >= 0 && gmtime_r(&tt, &tm))
		snprintf(when, sizeof when, "at %04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (wk->k.adj != OOMLOG_NONE)
		snprintf(adj, sizeof adj, ", oom_score_adj %d at the kill", wk->k.adj);
	if (wk->k.uid >= 0)
		snprintf(uid, sizeof uid, ", uid %lld", wk->k.uid);
	snprintf(detail, sizeof detail, "OOM-killed %s%s%s%s%s", when, adj, uid,
		 wk->k.memcg ? ", by a memory cgroup's limit" : "", why);
	wk->shown = 1;
	row(rep, &r, &p, ADJ_UNKNOWN, status, detail);
	if (rep->fmt > REPORT_TSV) {
		rep->rows.v[rep->rows.n - 1].killed_at = t;
		rep->rows.v[rep->rows.n - 1].killed_adj = wk->k.adj == OOMLOG_NONE ? REPORT_NONE
							   : wk->k.adj;
	}
}

/* The kills given to rule NAME ("" for all that are left): after its rows,
 * so that a monitor sees them as the rule's. */
static void kill_rows(struct report *rep, const char *name)
{
	size_t i;

	for (i = 0; i < rep->wit.n; i++) {
		struct wkill *wk = &rep->wit.v[i];

		if (wk->shown || (*name && strcmp(wk->rule, name)) || (!*name && !wk->rule[0]))
			continue;
		if (wk->acked)
			kill_row(rep, wk, "acknowledged", "");
		else if (wk->score > 0)
			kill_row(rep, wk, "intended", ": the rule raised it to die first");
		else {
			rep->killed = 1;
			kill_row(rep, wk, "killed", "; once seen: oomguard check --ack");
		}
	}
}

/* The kills no rule's process is known for, and those the log lost. */
static void host_kill_rows(struct report *rep)
{
	struct rule r;
	char detail[300];
	size_t i;

	kill_rows(rep, "");
	for (i = 0; i < rep->wit.n; i++)
		if (!rep->wit.v[i].shown)
			kill_row(rep, &rep->wit.v[i], "unattributed",
				 rep->wit.v[i].acked ? " (acknowledged)" : ": no process a rule set had "
				 "this PID then");
	if (rep->wit.unseen <= 0)
		return;
	memset(&r, 0, sizeof r);
	r.score = REPORT_NONE;
	snprintf(detail, sizeof detail, "%ld OOM kills not seen (log wrapped): the kernel "
		 "counted them (oom_kill in /proc/vmstat), its log no longer holds them; once "
		 "seen: oomguard check --ack", rep->wit.unseen);
	row(rep, &r, NULL, ADJ_UNKNOWN, "unseen", detail);
}

/* The bad lines of the table, after the rules: a row each, named by
 * FILE:LINE (unique, where a service name may be given twice). */
static void bad_rows(struct report *rep, const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nbad; i++) {
		const struct conf_bad *b = &c->bad[i];

		if (rep->fmt > REPORT_TSV)
			report_add(&rep->rows, b->where, 0, NULL, REPORT_NONE, REPORT_NONE,
				   "bad line", b->why);
		else if (rep->fmt == REPORT_TSV)
			printf("%s\t-\t-\t-\t-\tbad line\t%s\n", b->where, b->why);
		else
			printf("%-16s %7s %-15s %5s %5s  bad line: %s\n", b->where, "-", "-",
			       "-", "-", b->why);
	}
}

/* Does "--WORD" (or "--WORD=...") abbreviate --NAME, as getopt_long takes it? */
static int long_is(const char *arg, const char *name)
{
	size_t n = strcspn(arg + 2, "=");

	return n && !strncmp(arg + 2, name, n);
}

/* The table a watch's arguments name (after "watch"): watch's grammar,
 * "+c:i:sbP:" and its long names. */
static const char *watch_config(int argc, char **argv)
{
	const char *cfg = CONF_DEFAULT;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--"); i++) {
		char *a = argv[i], *eq = strchr(a, '=');
		int takes = long_is(a, "config") || long_is(a, "interval") || long_is(a, "pidfile");

		if (a[1] == '-') {
			if (takes && !eq)
				i++;
			if (long_is(a, "config"))
				cfg = eq ? eq + 1 : i < argc ? argv[i] : cfg;
			continue;
		}
		for (a++; *a && !strchr("ciP", *a); a++)
			;
		if (*a && !a[1])
			i++;
		if (*a == 'c')
			cfg = a[1] ? a + 1 : i < argc ? argv[i] : cfg;
	}
	return cfg;
}

/* Is PID a watch of root's over the table WANT (resolved)? */
static int watch_of(int pid, const char *want)
{
	char args[4096], *argv[64], path[PATH_MAX + 64], got[PATH_MAX];
	const char *cfg;
	int fd = proc_open(pid), len = -1, argc = 0, k;
	uid_t uid = 1;

	if (fd >= 0) {
		len = proc_uid(fd, &uid) < 0 ? -1 : proc_read(fd, "cmdline", args, sizeof args);
		close(fd);
	}
	if (len <= 0 || uid != 0)
		return 0;
	for (k = 0; k < len && argc < 63; k += (int)strlen(args + k) + 1)
		argv[argc++] = args + k;
	argv[argc] = NULL;
	if (argc < 2 || strcmp(argv[1], "watch"))
		return 0;
	cfg = watch_config(argc - 1, argv + 1);
	/* A relative -c is the watch's own working directory's. */
	if (cfg[0] == '/')
		snprintf(path, sizeof path, "%s", cfg);
	else
		snprintf(path, sizeof path, "%s/%d/cwd/%s", proc_root(), pid, cfg);
	return realpath(path, got) && !strcmp(got, want);
}

/* A watch of this table: found among the processes (root's, named oomguard,
 * "watch" its first argument, -c the same file), not through a pidfile, so
 * that one in the foreground under runit, s6 or Upstart counts too. */
static int watch_runs(const char *table, const struct pstat *v, size_t n)
{
	char want[PATH_MAX];
	size_t i;

	if (!realpath(table, want))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i].comm, "oomguard") && watch_of(v[i].pid, want))
			return 1;
	return 0;
}

struct check_opts {
	const char *path, *output;
	int named, ack;
	enum report_format fmt;
};

/* A bad command line or table: one line; in the nagios format, UNKNOWN. */
static void give_up(enum report_format fmt, int code, const char *why)
{
	say("%s", why);
	if (fmt == REPORT_NAGIOS)
		report_unknown(why);
	exit(code);
}

/* The first fault is kept until every option is read, so that a
 * --format=nagios after it still gets its UNKNOWN. */
static void parse_opts(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, 0, 'c' },
		{ "format", required_argument, 0, 'F' },
		{ "output", required_argument, 0, 'o' },
		{ "ack", no_argument, 0, 'A' },
		{ 0, 0, 0, 0 }
	};
	char why[320] = "";
	int c, f;

	memset(o, 0, sizeof *o);
	o->path = CONF_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:o:", longopts, NULL)) != -1) {
		/* musl leaves optind past argc when the last option lacks its value. */
		const char *word = optind - 1 < argc ? argv[optind - 1] : "?";
		char shortopt[3] = { '-', (char)optopt, '\0' };

		if (c == 'c')
			o->path = optarg, o->named = 1;
		else if (c == 'o')
			o->output = optarg;
		else if (c == 'A')
			o->ack = 1;
		else if (c == 'F' && (f = report_format(optarg)) >= 0)
			o->fmt = (enum report_format)f;
		else if (*why)
			continue;
		else if (c == 'F')
			snprintf(why, sizeof why, "parse check format %.200s: unknown "
				 "(known: text, tsv, nagios, prom, json)", optarg);
		else
			snprintf(why, sizeof why, "parse check option %.200s: %s",
				 strncmp(word, "--", 2) && optopt ? shortopt : word,
				 c == ':' ? "needs a value" : "unknown");
	}
	if (!*why && optind < argc)
		snprintf(why, sizeof why, "parse check argument %.200s: check takes only options",
			 argv[optind]);
	if (*why)
		give_up(o->fmt, EXIT_USAGE, why);
}

/* Another user's /proc/PID/exe cannot be read: its rules would look idle,
 * which a monitor would take for OK. */
static void need_root(enum report_format fmt)
{
	char why[120];

	if (geteuid() == 0)
		return;
	snprintf(why, sizeof why, "check as uid %lu: not root: the processes of other "
		 "users cannot be identified", (unsigned long)geteuid());
	give_up(fmt, EXIT_USAGE, why);
}

static void probe_pidfiles(const struct conf *c, int *pf_pid, unsigned long long *pf_start)
{
	size_t k;

	for (k = 0; k < c->n; k++) {
		struct pidwait w;
		char why[8];

		if (!c->rules[k].pidfile)
			continue;
		rule_pidwait(&c->rules[k], &w);
		if (pidfile_probe(&w, NULL, &pf_pid[k], &pf_start[k], why, sizeof why) != 1)
			pf_pid[k] = 0;
	}
}

/* The table, or the end: the nagios format repeats on stdout, which is all
 * that NRPE passes on, the reason conf_load gave on stderr. */
static void load(const struct check_opts *o, struct conf *c)
{
	const char *why;
	int rc;

	if (o->fmt != REPORT_NAGIOS) {
		if (conf_load(o->path, o->named, c) < 0)
			exit(EXIT_USAGE);
		return;
	}
	report_capture_begin();
	rc = conf_load(o->path, o->named, c);
	why = report_capture_end();
	if (rc < 0)
		report_unknown(why ? why : "read the table: refused");
}

/* No rule, no bad line, no service a hook recorded: a header and exit 0
 * would read "all is well"
 * on a host where nothing is protected.  One line in WHY instead (said),
 * and exit 1 (WARNING for nagios). */
static int empty(const struct check_opts *o, const struct conf *c, size_t recorded, char *why,
		 size_t n)
{
	char e[512];

	if (c->n || c->nbad || c->refused || recorded)
		return 0;
	snprintf(why, n, "check %s: no rules, in it or its .d directory: add one with "
		 "oomguard protect, see oomguard.conf(5)", msg_esc(e, sizeof e, o->path));
	say("%s", why);
	return 1;
}

/* The rows: every rule, every service a hook recorded (and no rule names),
 * then every bad line.  The number of records. */
static size_t check_all(struct report *rep, const struct conf *c, const char *path, int ack)
{
	int *pf_pid = calloc(c->n + 1, sizeof *pf_pid);
	unsigned long long *pf_start = calloc(c->n + 1, sizeof *pf_start);
	struct state_rec *sv;
	struct pstat *v;
	size_t n, k, ns;

	if (!pf_pid || !pf_start)
		die(EXIT_FAIL, "check: out of memory");
	probe_pidfiles(c, pf_pid, pf_start);
	rep->bad |= state_load(&sv, &ns) < 0;
	if (rep->fmt == REPORT_TEXT && (c->n || c->nbad || ns))
		printf("%-16s %7s %-15s %5s %5s  %s\n", "RULE", "PID", "COMMAND", "WANT", "NOW",
		       "STATUS");
	n = proc_scan(&v);
	rep->cap = proc_cap_resource();
	rep->watch = watch_runs(path, v, n);
	witness_load(&rep->wit);
	if (rep->wit.read_err)
		say("check: read the kernel log: %s: its OOM kills are not shown",
		    strerror(rep->wit.read_err));
	witness_attribute(&rep->wit, sv, ns);
	if (ack && witness_ack(&rep->wit) < 0)
		give_up(rep->fmt, EXIT_FAIL, "check --ack: the acknowledgement could not be recorded");
	for (k = 0; k < c->n; k++) {
		check_rule(rep, c, k, pf_pid, pf_start, v, n);
		kill_rows(rep, c->rules[k].name);
	}
	check_state(rep, c, sv, ns);
	host_kill_rows(rep);
	bad_rows(rep, c);
	free(sv);
	free(v);
	free(pf_pid);
	free(pf_start);
	witness_free(&rep->wit);
	return ns;
}

/* 0 when every rule holds; 1 when one does not, a file was refused or
 * the table is empty; 2 for a bad line.  Nagios: its states. */
static int verdict(const struct report *rep, const struct conf *c, const char *none)
{
	int rc = rep->bad ? EXIT_FAIL : EXIT_OK;

	if (rep->fmt == REPORT_NAGIOS && none) {
		report_nagios_empty(none + 6);	/* past "check " */
		return NAGIOS_WARNING;
	}
	if (rep->fmt == REPORT_NAGIOS)
		return report_print(rep->fmt, &rep->rows);
	if (rep->fmt > REPORT_TSV && report_print(rep->fmt, &rep->rows) != EXIT_OK)
		rc = EXIT_FAIL;
	return c->nbad ? EXIT_USAGE : rep->killed ? CHECK_KILLED : rc;
}

int check_main(int argc, char **argv)
{
	struct check_opts o;
	struct report rep;
	struct conf c;
	char none[700];
	const char *why;
	int rc, is_empty;

	parse_opts(argc, argv, &o);
	if (o.fmt > REPORT_TSV)
		need_root(o.fmt);
	load(&o, &c);
	if (o.output && (why = report_output_open(o.output)))
		give_up(o.fmt, EXIT_FAIL, why);
	memset(&rep, 0, sizeof rep);
	rep.fmt = o.fmt;
	/* A file refused as untrusted (said on stderr) is a rule not held. */
	rep.bad = c.refused > 0;
	/* Empty: no rule, no bad line, and no service a hook has recorded. */
	is_empty = empty(&o, &c, check_all(&rep, &c, o.path, o.ack), none, sizeof none);
	rep.bad |= is_empty;
	rc = verdict(&rep, &c, is_empty ? none : NULL);
	conf_free(&c);
	report_free(&rep.rows);
	report_output_done();
	return rc;
}
