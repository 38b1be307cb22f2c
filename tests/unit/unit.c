/* Unit tests for the pure parsers; TAP output, read by tests/run. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "msg.h"
#include "num.h"
#include "oomlog.h"
#include "proc.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d %s\n", cond ? "" : "not ", n, what);
}

static void score_ok(const char *s, int want)
{
	int v = 12345;
	char name[96];

	snprintf(name, sizeof name, "score '%s' parses to %d", s, want);
	ok(score_parse(s, &v) == NULL && v == want, name);
}

static void score_bad(const char *s, const char *why)
{
	int v;
	const char *got = score_parse(s, &v);
	char name[96];

	/* One wording for a bad score everywhere (num.h). */
	snprintf(name, sizeof name, "score '%s' is refused: %s", s, why);
	ok(got && !strcmp(got, why), name);
}

static void test_scores(void)
{
	score_ok("0", 0);
	score_ok("-1000", -1000);
	score_ok("1000", 1000);
	score_ok("+5", 5);
	score_ok("010", 10);	/* decimal, unlike the kernel's base 0 */
	score_bad("", SCORE_BAD);
	score_bad("12abc", SCORE_BAD);
	score_bad("0x", SCORE_BAD);
	score_bad("0x10", SCORE_BAD);
	score_bad(" 5", SCORE_BAD);
	score_bad("5 ", SCORE_BAD);
	score_bad("-", SCORE_BAD);
	score_bad("1001", SCORE_BAD);
	score_bad("-1001", SCORE_BAD);
	score_bad("99999999999999999999", SCORE_BAD);
	score_bad("-99999999999999999999", SCORE_BAD);
}

static void test_pids(void)
{
	int v;

	ok(!pid_parse("1", &v) && v == 1, "pid 1 parses");
	ok(!pid_parse("4194304", &v) && v == 4194304, "pid 4194304 parses");
	ok(pid_parse("0", &v) != NULL, "pid 0 is refused");
	ok(pid_parse("4194305", &v) != NULL, "pid above PID_MAX_LIMIT is refused");
	ok(pid_parse("-5", &v) != NULL, "negative pid is refused");
	ok(pid_parse("+5", &v) != NULL, "signed pid is refused");
	ok(pid_parse("12x", &v) != NULL, "pid with junk is refused");
}

/* unum_parse: a record's start time, a user ID; digits only. */
static void test_unum(void)
{
	unsigned long long v;

	ok(!unum_parse("18446744073709551615", ULLONG_MAX, &v) && v == ULLONG_MAX,
	   "unum: the highest unsigned long long");
	ok(unum_parse("18446744073709551616", ULLONG_MAX, &v) != NULL, "unum: past it refused");
	ok(!unum_parse("0", 5, &v) && v == 0, "unum: 0");
	ok(unum_parse("6", 5, &v) != NULL, "unum: above max refused");
	ok(unum_parse("-1", ULLONG_MAX, &v) != NULL, "unum: a sign refused (strtoull wraps it)");
	ok(unum_parse(" 1", ULLONG_MAX, &v) != NULL, "unum: a blank refused");
	ok(unum_parse("", ULLONG_MAX, &v) != NULL, "unum: empty refused");
	ok(unum_parse("1x", ULLONG_MAX, &v) != NULL, "unum: junk refused");
}

/* A record's uid (state.c, witness.c): -1 for none, else uid_parse's. */
static void test_uid_or_none(void)
{
	long long v = 7;

	ok(!uid_or_none("-1", &v) && v == -1, "uid_or_none: -1 is none");
	ok(!uid_or_none("0", &v) && v == 0, "uid_or_none: 0");
	ok(!uid_or_none("4294967294", &v) && v == 4294967294LL, "uid_or_none: the highest uid");
	ok(uid_or_none("4294967295", &v) != NULL, "uid_or_none: (uid_t)-1 refused");
	ok(uid_or_none("-2", &v) != NULL, "uid_or_none: another negative refused");
	ok(uid_or_none("", &v) != NULL, "uid_or_none: empty refused");
}

/* fs/proc/base.c: oom_adj = score * 17 / 1000, 1000 <-> 15; and back. */
static void test_mapping(void)
{
	static const int score[] = { -1000, -999, -500, -1, 0, 1, 500, 999, 1000 };
	static const int adj[] = { -17, -16, -8, 0, 0, 0, 8, 15, 15 };
	size_t i;
	char name[64];

	for (i = 0; i < sizeof score / sizeof *score; i++) {
		snprintf(name, sizeof name, "score %d maps to oom_adj %d", score[i], adj[i]);
		ok(score_to_adj(score[i]) == adj[i], name);
	}
	ok(adj_to_score(-17) == -1000, "oom_adj -17 reads as -1000");
	ok(adj_to_score(-8) == -470, "oom_adj -8 reads as -470");
	ok(adj_to_score(0) == 0, "oom_adj 0 reads as 0");
	ok(adj_to_score(8) == 470, "oom_adj 8 reads as 470");
	ok(adj_to_score(15) == 1000, "oom_adj 15 reads as 1000");
}

static void test_stat(void)
{
	struct pstat st;
	const char *line = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 "
			   "1 2 0 0 20 0 1 0 987654 12345678 321 18446744073709551615\n";

	ok(proc_parse_stat(line, &st) == 0, "stat with ') ' in comm parses");
	ok(st.pid == 4242 && st.ppid == 17 && st.state == 'S', "stat pid, ppid, state");
	ok(!strcmp(st.comm, "a) b (c)"), "stat comm keeps parentheses and blanks");
	ok(st.start == 987654 && st.rss == 321, "stat starttime and rss");
	ok(st.flags == 4194560, "stat flags");
	ok(st.nthreads == 1, "stat num_threads");
	ok(proc_parse_stat("4242 (x) S", &st) < 0, "truncated stat is refused");
	ok(proc_parse_stat("garbage", &st) < 0, "garbage stat is refused");
	ok(proc_parse_stat("1 (x) S 0 1 1 0 -1 2097216 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
			   &st) == 0 && (st.flags & PF_KTHREAD_FLAG), "kernel thread flag seen");
}

static int line_ok(const char *text, struct rule *r)
{
	static char buf[512];
	const char *word = "", *why = "";

	snprintf(buf, sizeof buf, "%s", text);
	return conf_parse_line(buf, r, &word, &why);
}

static void line_bad(const char *text, const char *want_word, const char *name)
{
	char buf[512];
	struct rule r;
	const char *word = "", *why = "";

	snprintf(buf, sizeof buf, "%s", text);
	ok(conf_parse_line(buf, &r, &word, &why) == -1 && !strcmp(word, want_word), name);
}

static void test_conf(void)
{
	struct rule r;

	ok(line_ok("", &r) == 0, "conf: empty line is nothing");
	ok(line_ok("   # a comment", &r) == 0, "conf: comment line is nothing");
	ok(line_ok("mysql -900", &r) == 1 && !strcmp(r.name, "mysql") && r.score == -900
	   && !r.pidfile && !r.tree && r.wait == -1, "conf: name and score");
	ok(line_ok("mysql\t-900  pidfile=/run/mysqld/mysqld.pid tree=yes wait=30 # why",
		   &r) == 1 && !strcmp(r.pidfile, "/run/mysqld/mysqld.pid") && r.tree == 1
	   && r.wait == 30, "conf: options and a trailing comment");
	ok(line_ok("postgresql@15-main 100 exe=/usr/bin/x comm=postgres", &r) == 1
	   && !strcmp(r.exe, "/usr/bin/x") && !strcmp(r.comm, "postgres"), "conf: exe= and comm=");
	line_bad("mysql", "mysql", "conf: a name without a score is refused");
	line_bad("my/sql -5", "my/sql", "conf: a name with a slash is refused");
	line_bad("mysql -1001", "-1001", "conf: a score out of range is refused");
	line_bad("mysql 1001", "1001", "conf: a score above 1000 is refused");
	ok(line_ok("mysql 1000", &r) == 1 && r.score == 1000
	   && line_ok("mysql -1000", &r) == 1 && r.score == -1000, "conf: -1000 and 1000 are scores");
	line_bad("mysql 5 pidfile=run/x.pid", "pidfile=run/x.pid", "conf: relative pidfile refused");
	line_bad("mysql 5 tree=maybe", "tree=maybe", "conf: tree= takes yes or no");
	line_bad("mysql 5 wait=-1", "wait=-1", "conf: negative wait refused");
	line_bad("mysql 5 colour=red", "colour=red", "conf: unknown option refused");
	line_bad("mysql 5 pidfile=/a pidfile=/b", "pidfile=/b", "conf: an option given twice is refused");
	line_bad("mysql 5 tree", "tree", "conf: a bare word is not an option");
	line_bad("mysql 5 comm=abcdefghijklmnop", "comm=abcdefghijklmnop", "conf: comm= longer than 15 refused");
	/* In a 32-bit build too (gcc -m32: a long is 32 bits there). */
	ok(line_ok("db 5 user=0", &r) == 1 && r.has_user && r.uid == 0, "conf: user=0");
	ok(line_ok("db 5 user=65534", &r) == 1 && r.uid == 65534UL, "conf: user=65534");
	ok(line_ok("db 5 user=4294967294", &r) == 1 && r.uid == 4294967294UL,
	   "conf: user=4294967294, the highest user ID");
	line_bad("db 5 user=4294967295", "user=4294967295", "conf: user=4294967295 ((uid_t)-1) refused");
	line_bad("db 5 user=99999999999999999999", "user=99999999999999999999",
		 "conf: a user ID past any long refused");
	line_bad("db 5 user=-1", "user=-1", "conf: a negative user ID refused");
}

static void pidline_ok(const char *buf, size_t len, int want, const char *name)
{
	int v = -1;

	ok(pidline_parse(buf, len, 32768, &v) == NULL && v == want, name);
}

static void pidline_bad(const char *buf, size_t len, const char *why, const char *name)
{
	int v = -1;
	const char *got = pidline_parse(buf, len, 32768, &v);

	ok(got && !strcmp(got, why) && v == -1, name);
}

/* Pidfile first lines, with pid_max 32768. */
static void test_pidline(void)
{
	static const char nul[] = "12\0\n";

	pidline_ok("1234\n", 5, 1234, "pidline: PID and newline");
	pidline_ok("1234", 4, 1234, "pidline: PID at the end of the file");
	pidline_ok(" \t1234 \t\n", 10, 1234, "pidline: blanks around the PID");
	pidline_ok("1234\nnext line\n", 15, 1234, "pidline: only the first line counts");
	pidline_ok("2\n", 2, 2, "pidline: 2 is the lowest PID");
	pidline_ok("32768\n", 6, 32768, "pidline: pid_max itself");
	pidline_ok("007\n", 4, 7, "pidline: leading zeros are decimal");
	pidline_ok("12345\n", 3, 123, "pidline: only len bytes are read");
	pidline_bad("", 0, "empty", "pidline: empty file");
	pidline_bad("\n", 1, "no PID on the first line", "pidline: empty first line");
	pidline_bad("   ", 3, "no PID on the first line", "pidline: blanks only");
	pidline_bad("0\n", 2, "PID out of range", "pidline: 0 is refused");
	pidline_bad("1\n", 2, "PID out of range", "pidline: 1 (init) is refused");
	pidline_bad("32769\n", 6, "PID out of range", "pidline: above pid_max is refused");
	pidline_bad("99999999999\n", 12, "PID out of range", "pidline: 99999999999 is refused");
	pidline_bad("99999999999999999999999999999999\n", 33, "PID out of range",
		    "pidline: a huge number does not overflow");
	pidline_bad("-5\n", 3, "not a decimal PID", "pidline: -5 is refused");
	pidline_bad("+5\n", 3, "not a decimal PID", "pidline: +5 is refused");
	pidline_bad("123abc\n", 7, "not a decimal PID", "pidline: 123abc is refused");
	pidline_bad("12 34\n", 6, "not a decimal PID", "pidline: two numbers are refused");
	pidline_bad("0x20\n", 5, "not a decimal PID", "pidline: hexadecimal is refused");
	pidline_bad("1234\r\n", 6, "not a decimal PID", "pidline: a carriage return is refused");
	pidline_bad(nul, sizeof nul - 1, "not a decimal PID", "pidline: a NUL byte is refused");
	pidline_bad("\x7f" "ELF", 4, "not a decimal PID", "pidline: binary junk is refused");
}

static void esc_is(const char *in, size_t size, const char *want, const char *name)
{
	char out[64];

	ok(!strcmp(msg_esc(out, size, in), want), name);
}

/* msg_esc: what every name, command line and path is printed through. */
static void test_esc(void)
{
	esc_is("mysqld", 64, "mysqld", "esc: printable ASCII unchanged");
	esc_is("a\nb\tc\rd", 64, "a\\nb\\tc\\rd", "esc: newline, tab, CR by name");
	esc_is("\033[2J", 64, "\\x1b[2J", "esc: ESC as \\x1b");
	esc_is("a\\b", 64, "a\\\\b", "esc: a backslash doubled");
	esc_is("\x7f\x9b\xff", 64, "\\x7f\\x9b\\xff", "esc: DEL, C1 CSI, 8-bit as \\xHH");
	esc_is("abcdefghij", 8, "abcd...", "esc: cut with ... within size");
	esc_is("\033\033", 8, "\\x1b...", "esc: an escape never cut in half");
}

/* msg_unesc: a record of the state directory read back. */
static void test_unesc(void)
{
	char out[64], back[64];

	msg_esc(out, sizeof out, "a\nb\tc\\d\033[2J\xff");
	snprintf(back, sizeof back, "%s", out);
	ok(!strcmp(msg_unesc(back), "a\nb\tc\\d\033[2J\xff"), "unesc: undoes esc");
	snprintf(back, sizeof back, "%s", "\\q \\x4 end\\");
	ok(!strcmp(msg_unesc(back), "\\q \\x4 end\\"), "unesc: an unknown escape is kept");
}


/* The OOM killer's kill lines (src/oomlog.c).  Each era's text is a real
 * line where one was found (/work/notes/oomformats.md has the sources),
 * else built from that era's format string (said so); the transport
 * around it is the kernel's: a /dev/kmsg record "3,SEQ,USEC,-;TEXT\n"
 * (devkmsg_read) and a syslog(2) READ_ALL line "<3>[%5lu.%06lu] TEXT\n". */
struct kwant {
	int pid;
	long uid;
	int adj, memcg;
	const char *comm;	/* raw bytes, as the process set its name */
};

typedef int (*oomparse)(const char *, size_t, struct oomkill *);

static int kill_eq(const struct oomkill *k, const struct kwant *w)
{
	return k->pid == w->pid && k->uid == w->uid && k->adj == w->adj
	       && k->memcg == w->memcg && !strcmp(k->comm, w->comm);
}

static int kill_is(oomparse f, const char *s, size_t len, const struct kwant *w, long long us)
{
	struct oomkill k;

	memset(&k, 0x55, sizeof k);
	k.us = -7;
	return f(s, len, &k) == 1 && kill_eq(&k, w) && k.us == us;
}

static int kill_no(oomparse f, const char *s, size_t len)
{
	struct oomkill k;

	return f(s, len, &k) == 0;
}

static int msg_no(const char *s)
{
	return kill_no(oomlog_parse_msg, s, strlen(s));
}

/* Cut at every byte: each cut refused or read exactly right, never a
 * number cut short ("oom_score_adj:10" of 1000). */
static int cuts_safe(oomparse f, const char *s, const struct kwant *w, long long us)
{
	size_t len;
	struct oomkill k;

	for (len = 0; len < strlen(s); len++) {
		k.us = -7;
		if (f(s, len, &k) && (!kill_eq(&k, w) || k.us != us))
			return 0;
	}
	return 1;
}

static void kmsg_of(char *buf, size_t size, const char *text, long long us)
{
	snprintf(buf, size, "3,4242,%lld,-;%s\n", us, text);
}

static void syslog_of(char *buf, size_t size, const char *text, long long us)
{
	snprintf(buf, size, "<3>[%5lld.%06lld] %s\n", us / 1000000, us % 1000000, text);
}

/* One kill line in every form: the text alone, a /dev/kmsg record and a
 * syslog(2) line, and both cut at every byte. */
static void kill_line(const char *text, long long us, const struct kwant *w, const char *era)
{
	char rec[640], name[160];

	snprintf(name, sizeof name, "oomlog %s: the text read", era);
	ok(kill_is(oomlog_parse_msg, text, strlen(text), w, -7), name);
	kmsg_of(rec, sizeof rec, text, us);
	snprintf(name, sizeof name, "oomlog %s: the /dev/kmsg record read", era);
	ok(kill_is(oomlog_parse_kmsg, rec, strlen(rec), w, us), name);
	snprintf(name, sizeof name, "oomlog %s: the /dev/kmsg record cut anywhere: refused or right", era);
	ok(cuts_safe(oomlog_parse_kmsg, rec, w, us), name);
	syslog_of(rec, sizeof rec, text, us);
	snprintf(name, sizeof name, "oomlog %s: the syslog(2) line read", era);
	ok(kill_is(oomlog_parse_syslog, rec, strlen(rec), w, us), name);
	snprintf(name, sizeof name, "oomlog %s: the syslog(2) line cut anywhere: refused or right", era);
	ok(cuts_safe(oomlog_parse_syslog, rec, w, us), name);
}

/* A line that is not a kill, in every form. */
static void not_kill(const char *text, const char *name)
{
	char rec[640], what[160];
	int no;

	kmsg_of(rec, sizeof rec, text, 1000001);
	no = kill_no(oomlog_parse_msg, text, strlen(text)) && kill_no(oomlog_parse_kmsg, rec, strlen(rec));
	syslog_of(rec, sizeof rec, text, 1000001);
	snprintf(what, sizeof what, "oomlog: not a kill: %s", name);
	ok(no && kill_no(oomlog_parse_syslog, rec, strlen(rec)), what);
}

/* 2.6.32 and before: mm/oom_kill.c __oom_kill_task(), "Killed process %d
 * (%s)\n" (zybsyzlz/linux-2.6.32 @ ec78931d).  No real paste of it was
 * found: this one is built from the format, with the PID, name and time
 * of the real 2.6.30-rc7 report below (linux-mm, Satoru Moriya, 26 May
 * 2009, <4A1BBEB3.1010701@hitachi.com>). */
static void test_oomlog_2632(void)
{
	static const struct kwant w = { 2801, -1, OOMLOG_NONE, 0, "big_memory" };

	kill_line("Killed process 2801 (big_memory)", 740625544, &w, "2.6.32");
	/* Real, 2.6.30-rc7 (above): the victim had oom_adj -17 and no
	 * "Killed process" line followed. */
	not_kill("Memory cgroup out of memory: kill process 2801 (big_memory) score 0 or a child",
		 "2.6.32's \"kill process ... or a child\"");
	not_kill("Task in /important killed as a result of limit of /important",
		 "2.6.32's memcg \"Task in ... killed\"");
}

/* 2.6.33 .. 2.6.35: "Killed process %d (%s) vsz:%lukB, anon-rss:%lukB,
 * file-rss:%lukB\n" (linux-mm patches against mmotm-2.6.32, and David
 * Rientjes's "[patch 15/18] oom: remove unnecessary code and cleanup",
 * 6 Jun 2010, which removed it).  No real paste found: built. */
static void test_oomlog_2633(void)
{
	static const struct kwant w = { 2801, -1, OOMLOG_NONE, 0, "big_memory" };

	kill_line("Killed process 2801 (big_memory) vsz:1034240kB, anon-rss:250112kB, file-rss:412kB",
		  100000001, &w, "2.6.33 vsz");
}

/* RHEL 6 (2.6.32-*.el6): "Killed process %d, UID %d, (%s) total-vm:..." */
static void test_oomlog_rhel6(void)
{
	/* https://github.com/cPanelSSP/SSP/issues/76 (2.6.32-573.12.1.el6) */
	static const struct kwant a = { 11726, 498, OOMLOG_NONE, 0, "mysqld" };
	/* https://github.com/Soltra/plugin-crits/issues/1 (CentOS 6, 2015) */
	static const struct kwant b = { 29591, 500, OOMLOG_NONE, 0, "python2.7" };

	kill_line("Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, "
		  "file-rss:768kB", 2858609598568LL, &a, "RHEL 6 mysqld");
	kill_line("Killed process 29591, UID 500, (python2.7) total-vm:3446192kB, "
		  "anon-rss:2751508kB, file-rss:20kB", 5000000, &b, "RHEL 6 python2.7");
	not_kill("Out of memory: Kill process 29591 (python2.7) score 658 or sacrifice child",
		 "RHEL 6's \"Kill process ... or sacrifice child\"");
	/* RHEL 6's vm.would_have_oomkilled (functor/linux-2.6.32-642.6.2.el6). */
	not_kill("Would have killed process 4242 (x). But continuing instead.",
		 "RHEL 6's \"Would have killed process\"");
}

/* 2.6.36 .. 4.4: "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB,
 * file-rss:%lukB\n" (AndreiLux/ref-3.10 @ 0c51414c). */
static void test_oomlog_2636(void)
{
	/* https://github.com/alibaba-archive/alicloud-duplicity/issues/3 */
	static const struct kwant a = { 21518, -1, OOMLOG_NONE, 0, "python2" };
	/* https://github.com/systemd/systemd/issues/6966 */
	static const struct kwant b = { 7748, -1, OOMLOG_NONE, 0, "python" };
	/* linux-mm, "Out of memory (oom_kill_allocating_task)" report, 3.x */
	static const struct kwant c = { 6345, -1, OOMLOG_NONE, 0, "sleep" };

	kill_line("Killed process 21518 (python2) total-vm:13345928kB, anon-rss:12721928kB, "
		  "file-rss:4kB", 35881895792304LL, &a, "3.x python2");
	kill_line("Killed process 7748 (python) total-vm:12907828kB, anon-rss:11500204kB, "
		  "file-rss:0kB", 1000, &b, "3.x python");
	kill_line("Killed process 6345 (sleep) total-vm:1736kB, anon-rss:44kB, file-rss:200kB",
		  1000, &c, "3.x sleep");
	not_kill("Out of memory: Kill process 21518 (python2) score 752 or sacrifice child",
		 "3.x \"Kill process ... or sacrifice child\"");
	not_kill("Out of memory (oom_kill_allocating_task): Kill process 6344 (sh) score 0 or "
		 "sacrifice child", "3.x oom_kill_allocating_task's \"Kill process\"");
	/* pr_err("Kill process %d (%s) sharing same memory\n"), 2.6.38 .. 4.x */
	not_kill("Kill process 4243 (python2) sharing same memory", "\"sharing same memory\"");
}

/* RHEL 7 (3.10.0-*.el7): shmem-rss from 4.5, and later builds print
 * "Killed process %d (%s), UID %u, total-vm:..." */
static void test_oomlog_rhel7(void)
{
	/* OOMAnalyser's 3.10.0-514.6.1.el7 example (CarstenGrohmann/OOMAnalyser) */
	static const struct kwant a = { 6576, -1, OOMLOG_NONE, 0, "mysqld" };
	/* https://github.com/linux-test-project/ltp/issues/1080 */
	static const struct kwant b = { 42453, 0, OOMLOG_NONE, 0, "memcg_test_1" };

	kill_line("Killed process 6576 (mysqld) total-vm:33914892kB, anon-rss:20629004kB, "
		  "file-rss:0kB, shmem-rss:0kB", 1000, &a, "RHEL 7 mysqld");
	kill_line("Killed process 42453 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, "
		  "file-rss:164kB, shmem-rss:0kB", 1000, &b, "RHEL 7 UID after the name");
	not_kill("Memory cgroup out of memory: Kill process 42453 (memcg_test_1) score 0 or "
		 "sacrifice child", "RHEL 7 memcg \"Kill process\"");
}

/* 4.5 .. 5.0: ", shmem-rss:%lukB" added (0x88888888/linux-4.19-comments
 * @ 0c8fdfc7); oom_reaper's report from 4.6; memory.oom.group's kills
 * (4.19) print the same line. */
static void test_oomlog_45(void)
{
	/* https://github.com/genular/pandora/issues/49 */
	static const struct kwant a = { 27438, -1, OOMLOG_NONE, 0, "R" };
	/* linux-mm, memory.oom.group review, 2018 (4.19-rc) */
	static const struct kwant b = { 1217, -1, OOMLOG_NONE, 0, "allocate" };

	kill_line("Killed process 27438 (R) total-vm:38349780kB, anon-rss:1041924kB, file-rss:4kB, "
		  "shmem-rss:0kB", 1000, &a, "4.x R");
	kill_line("Killed process 1217 (allocate) total-vm:2052344kB, anon-rss:1704036kB, "
		  "file-rss:0kB, shmem-rss:0kB", 52869439, &b, "4.19 oom.group member");
	not_kill("oom_reaper: reaped process 27438 (R), now anon-rss:0kB, file-rss:0kB, "
		 "shmem-rss:0kB", "\"oom_reaper: reaped process\"");
	not_kill("oom_reaper: unable to reap pid:27438 (R)", "\"oom_reaper: unable to reap\"");
	not_kill("Tasks in /A1 are going to be killed due to memory.oom.group set",
		 "\"Tasks in ... are going to be killed\"");
	not_kill("oom killer 1217 (allocate) has mm pinned by 1 (systemd)", "\"has mm pinned by\"");
}

/* 5.1 .. 5.2: "%s: Killed process %d (%s) total-vm:... shmem-rss:%lukB\n"
 * (bbbe48029720, "mm, oom: remove 'prefer children over parent'"). */
static void test_oomlog_51(void)
{
	/* https://github.com/docker/for-linux/issues/1001 */
	static const struct kwant a = { 15784, -1, OOMLOG_NONE, 0, "python3" };
	static const struct kwant b = { 15925, -1, OOMLOG_NONE, 0, "(resolved)" };
	/* linux-mm, Tetsuo Handa, memcg oom.group (5.1-rc) */
	static const struct kwant c = { 9188, -1, OOMLOG_NONE, 1, "a.out" };

	kill_line("Out of memory: Killed process 15784 (python3) total-vm:11964kB, "
		  "anon-rss:4288kB, file-rss:3028kB, shmem-rss:0kB", 518050606, &a, "5.1 python3");
	kill_line("Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, "
		  "anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB", 518061172, &b,
		  "5.1 a name in parentheses");
	kill_line("Memory cgroup out of memory: Killed process 9188 (a.out) total-vm:14456kB, "
		  "anon-rss:10324kB, file-rss:504kB, shmem-rss:0kB", 37128158, &c, "5.1 memcg");
	not_kill("oom_reaper: reaped process 15784 (python3), now anon-rss:0kB, file-rss:0kB, "
		 "shmem-rss:0kB", "5.1 \"oom_reaper: reaped process\"");
}

/* 5.3: ", UID:%u" added (8ac3f8fe91a2, with akpm's UID:%u fix).  Built
 * from the format, with the numbers of the patch's own example. */
static void test_oomlog_53(void)
{
	static const struct kwant w = { 2739, 0, OOMLOG_NONE, 0, "abuse_the_ram" };

	kill_line("Out of memory: Killed process 2739 (abuse_the_ram) total-vm:133880028kB, "
		  "anon-rss:129754836kB, file-rss:0kB, shmem-rss:0kB, UID:0", 1000, &w, "5.3 UID");
}

/* 5.4 .. 6.x: " pgtables:%lukB oom_score_adj:%hd" added (70cb6d267790;
 * Rtoax/linux-5.10.13 @ 01ef1814, Android common 6.1). */
static void test_oomlog_54(void)
{
	/* Ilya Dryomov, "mm/oom: fix pgtables units mismatch", 11 Dec 2019:
	 * 5.4.0's pgtables in bytes, then fixed. */
	static const struct kwant a = { 1878, 1000, 0, 0, "python" };
	/* Yugabyte, "Understanding the OOM event logs" */
	static const struct kwant b = { 2475067, 1011, 900, 0, "postgres" };
	/* AKS node, 5.15 (oomformats.md: find_string 36916436728) */
	static const struct kwant c = { 68061, 0, 872, 1, "stress" };
	/* OOMAnalyser's 5.13.0-19-generic example */
	static const struct kwant d = { 651, 0, 0, 0, "unattended-upgr" };

	kill_line("Out of memory: Killed process 1878 (python) total-vm:869012kB, anon-rss:604572kB, "
		  "file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:1269760kB oom_score_adj:0", 1000, &a,
		  "5.4.0 pgtables in bytes");
	kill_line("Out of memory: Killed process 2475067 (postgres) total-vm:2484556kB, "
		  "anon-rss:143224kB, file-rss:0kB, shmem-rss:452kB, UID:1011 pgtables:588kB "
		  "oom_score_adj:900", 1000, &b, "5.x postgres");
	kill_line("Memory cgroup out of memory: Killed process 68061 (stress) total-vm:4195088kB, "
		  "anon-rss:2884696kB, file-rss:288kB, shmem-rss:0kB, UID:0 pgtables:5696kB "
		  "oom_score_adj:872", 8341856870LL, &c, "5.15 memcg");
	kill_line("Out of memory: Killed process 651 (unattended-upgr) total-vm:108020kB, "
		  "anon-rss:8380kB, file-rss:12548kB, shmem-rss:0kB, UID:0 pgtables:104kB "
		  "oom_score_adj:0", 1000, &d, "5.13 a 15-byte name");
	not_kill("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd.scope,"
		 "mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=/kubepods.slice,task=stress,"
		 "pid=68061,uid=0", "5.x \"oom-kill:constraint=\"");
	not_kill("Out of memory: OOM victim 651 (unattended-upgr) is already exiting. Skip killing "
		 "the task", "5.x \"OOM victim ... is already exiting\"");
	not_kill("Out of memory and no killable processes...", "\"no killable processes\"");
}

/* 5.1 on, vm.oom_kill_allocating_task=1: out_of_memory() passes "Out of
 * memory (oom_kill_allocating_task)" as the prefix (Rtoax/linux-5.10.13
 * mm/oom_kill.c).  Built from the format. */
static void test_oomlog_allocating(void)
{
	static const struct kwant w = { 4242, 1000, 0, 0, "hog" };

	kill_line("Out of memory (oom_kill_allocating_task): Killed process 4242 (hog) "
		  "total-vm:9000kB, anon-rss:8000kB, file-rss:4kB, shmem-rss:0kB, UID:1000 "
		  "pgtables:44kB oom_score_adj:0", 1000, &w, "5.x oom_kill_allocating_task");
}

/* 6.18, this machine: a memory-cgroup kill of tests/oomcg.bash's hog,
 * read from /dev/kmsg and with dmesg -S -r (syslog(2)), byte for byte. */
static void test_oomlog_618(void)
{
	static const char rec[] = "3,29705,28700372064,-;Memory cgroup out of memory: Killed "
		"process 19177 (hogger) total-vm:18892kB, anon-rss:14592kB, file-rss:1232kB, "
		"shmem-rss:0kB, UID:0 pgtables:76kB oom_score_adj:1000\n";
	static const char line[] = "<3>[28700.372064] Memory cgroup out of memory: Killed process "
		"19177 (hogger) total-vm:18892kB, anon-rss:14592kB, file-rss:1232kB, shmem-rss:0kB, "
		"UID:0 pgtables:76kB oom_score_adj:1000\n";
	static const struct kwant w = { 19177, 0, 1000, 1, "hogger" };

	ok(kill_is(oomlog_parse_kmsg, rec, sizeof rec - 1, &w, 28700372064LL),
	   "oomlog 6.18: a real /dev/kmsg record");
	ok(cuts_safe(oomlog_parse_kmsg, rec, &w, 28700372064LL),
	   "oomlog 6.18: the record cut at every byte: refused, never oom_score_adj:100");
	ok(kill_is(oomlog_parse_syslog, line, sizeof line - 1, &w, 28700372064LL),
	   "oomlog 6.18: a real syslog(2) line");
	ok(cuts_safe(oomlog_parse_syslog, line, &w, 28700372064LL),
	   "oomlog 6.18: the line cut at every byte: refused or right");
	kill_line(strchr(rec, ';') + 1, 28700372064LL, &w, "6.18");
	not_kill("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		 "oom_memcg=/oomguard-e2e.19055.2229089509,task_memcg=/oomguard-e2e.19055.2229089509,"
		 "task=hogger,pid=19177,uid=0", "6.18 \"oom-kill:\" summary");
	not_kill("hogger invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000",
		 "\"invoked oom-killer\"");
}


/* A 5.4+ kill line of a process named comm, the name cut to 15 bytes as
 * the kernel's TASK_COMM_LEN does (set_task_comm() takes 15 of it). */
static void line_54(char *buf, size_t size, const char *comm)
{
	snprintf(buf, size, "Out of memory: Killed process 4242 (%.15s) total-vm:9000kB, "
		 "anon-rss:8000kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:44kB "
		 "oom_score_adj:0", comm);
}

/* Names chosen to forge a field: each stays the name, whole. */
static void test_oomlog_forged(void)
{
	static const struct kwant a = { 4242, -1, OOMLOG_NONE, 0, "a) total-vm:1kB" };
	static const struct kwant e = { 4242, -1, OOMLOG_NONE, 0, "" };
	static const struct kwant r7 = { 4242, 1000, OOMLOG_NONE, 0, "a), UID 0, x" };
	struct kwant w = { 4242, 1000, 0, 0, "" };
	char text[400];

	line_54(text, sizeof text, "a) total-vm:1kB");
	w.comm = "a) total-vm:1kB";
	kill_line(text, 1000, &w, "forged: a name \"a) total-vm:1kB\" (5.4)");
	/* 2.6.32's line ends at the name: the name is all the line has. */
	kill_line("Killed process 4242 (a) total-vm:1kB)", 1000, &a,
		  "forged: a name \"a) total-vm:1kB\" (2.6.32)");
	/* The kernel keeps "x) UID:0 pgtabl" of the 41 bytes asked for. */
	line_54(text, sizeof text, "x) UID:0 pgtables:0kB oom_score_adj:-1000");
	w.comm = "x) UID:0 pgtabl";
	kill_line(text, 1000, &w, "forged: a name \"x) UID:0 pgtables:0kB oom_score_adj:-1000\"");
	line_54(text, sizeof text, ") oom_score_adj:-1000");
	w.comm = ") oom_score_adj";
	kill_line(text, 1000, &w, "forged: a name \") oom_score_adj:-1000\"");
	line_54(text, sizeof text, "a) b (c");
	w.comm = "a) b (c";
	kill_line(text, 1000, &w, "forged: a name with ')', '(' and blanks");
	kill_line("Killed process 4242 (a), UID 0, x), UID 1000, total-vm:7296kB, anon-rss:96kB, "
		  "file-rss:164kB, shmem-rss:0kB", 1000, &r7, "forged: RHEL 7's \", UID 0,\" in a name");
	/* prctl(PR_SET_NAME, ""): a kill all the same. */
	line_54(text, sizeof text, "");
	w.comm = "";
	kill_line(text, 1000, &w, "forged: an empty name (5.4)");
	kill_line("Killed process 4242 ()", 1000, &e, "forged: an empty name (2.6.32)");
}

/* /dev/kmsg writes a name's byte below ' ', above '~', and '\' as \xHH
 * (msg_add_ext_text() in printk.c, "\\x%02x"): the parser gives it back
 * raw; syslog(2) gives the bytes as they are. */
static void test_oomlog_escaped(void)
{
	static const char rec[] = "3,1,1000,-;Out of memory: Killed process 4242 (a\\x01b\\x0ac\\x5cd) "
		"total-vm:9000kB, anon-rss:8000kB, file-rss:4kB, shmem-rss:0kB, UID:1000 "
		"pgtables:44kB oom_score_adj:0\n";
	static const char lit[] = "3,1,1000,-;Killed process 4242 (\\x5cx41) total-vm:1kB, "
		"anon-rss:2kB, file-rss:3kB\n";
	static const char ff[] = "3,1,1000,-;Killed process 4242 (\\xff\\xff\\xff\\xff\\xff\\xff"
		"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n";
	static const char sys[] = "<3>[    1.000000] Killed process 4242 (a\001b\\c\033) "
		"total-vm:1kB, anon-rss:2kB, file-rss:3kB\n";
	static const struct kwant a = { 4242, 1000, 0, 0, "a\001b\nc\\d" };
	static const struct kwant b = { 4242, -1, OOMLOG_NONE, 0, "\\x41" };
	static const struct kwant c = { 4242, -1, OOMLOG_NONE, 0,
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" };
	static const struct kwant d = { 4242, -1, OOMLOG_NONE, 0, "a\001b\\c\033" };

	ok(kill_is(oomlog_parse_kmsg, rec, sizeof rec - 1, &a, 1000),
	   "oomlog: /dev/kmsg's \\x01, \\x0a, \\x5c in a name come back raw");
	ok(kill_is(oomlog_parse_kmsg, lit, sizeof lit - 1, &b, 1000),
	   "oomlog: a name \"\\x41\" (its '\\' escaped) stays \"\\x41\", not \"A\"");
	ok(kill_is(oomlog_parse_kmsg, ff, sizeof ff - 1, &c, 1000),
	   "oomlog: 15 bytes 0xff, 60 characters escaped, come back raw");
	ok(kill_is(oomlog_parse_syslog, sys, sizeof sys - 1, &d, 1000000),
	   "oomlog: syslog(2)'s raw bytes in a name kept");
}

/* Who wrote it: only the kernel's facility 0. */
static void test_oomlog_facility(void)
{
	static const char *const recs[] = {
		"12,5,123,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n",
		"11,5,123,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n",
		"<12>[    1.000000] Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n",
		"<28>Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n",
	};
	static const struct kwant w = { 4242, -1, OOMLOG_NONE, 0, "x" };
	static const char own[] = "3,5,123,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, "
		"file-rss:3kB\n";
	static const char notime[] = "<3>Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, "
		"file-rss:3kB\n";
	static const char warn[] = "4,5,123,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, "
		"file-rss:3kB\n";
	/* 5.8+: "process '%pD4' started with executable stack", a path with
	 * newlines: READ_ALL gives each piece the record's prefix. */
	static const char warn4[] = "<4>[    5.000000] Killed process 4242 (x)\n";
	static const char caller[] = "<3>[    5.000000][    T123] Killed process 4242 (x) "
		"total-vm:1kB, anon-rss:2kB, file-rss:3kB\n";
	static const char badcaller[] = "<3>[    5.000000][ x] Killed process 4242 (x) "
		"total-vm:1kB, anon-rss:2kB, file-rss:3kB\n";

	ok(kill_no(oomlog_parse_kmsg, recs[0], strlen(recs[0])), "oomlog: a user's record (12,...) refused");
	ok(kill_no(oomlog_parse_kmsg, recs[1], strlen(recs[1])), "oomlog: facility 1 at level 3 refused");
	ok(kill_no(oomlog_parse_syslog, recs[2], strlen(recs[2])), "oomlog: syslog(2) <12> refused");
	ok(kill_no(oomlog_parse_syslog, recs[3], strlen(recs[3])), "oomlog: syslog(2) <28> refused");
	ok(kill_is(oomlog_parse_kmsg, own, sizeof own - 1, &w, 123), "oomlog: the kernel's 3,... read");
	ok(kill_no(oomlog_parse_kmsg, warn, sizeof warn - 1), "oomlog: the kernel's level 4 (4,...) refused");
	ok(kill_no(oomlog_parse_syslog, warn4, sizeof warn4 - 1),
	   "oomlog: syslog(2) <4>: a warning's line (a path with a newline) refused");
	ok(kill_is(oomlog_parse_syslog, caller, sizeof caller - 1, &w, 5000000),
	   "oomlog: syslog(2) with CONFIG_PRINTK_CALLER's [    T123] read");
	ok(kill_no(oomlog_parse_syslog, badcaller, sizeof badcaller - 1),
	   "oomlog: syslog(2) with a caller field of another shape refused");
	ok(kill_is(oomlog_parse_syslog, notime, sizeof notime - 1, &w, -1),
	   "oomlog: syslog(2) without printk.time: time unknown (-1)");
}

/* Records as a reader can meet them. */
static void test_oomlog_records(void)
{
	static const char cont[] = "3,7,1000,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, "
		"file-rss:3kB\n SUBSYSTEM=memory\n DEVICE=+memory:x\n";
	static const char after[] = "6,7,1000,-;hello\nKilled process 4242 (x) total-vm:1kB, "
		"anon-rss:2kB, file-rss:3kB\n";
	static const char more[] = "3,7,1000,-;Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, "
		"file-rss:3kB\nKilled process 1 (y)\n";
	static const char nul[] = "3,7,1000,-;Killed process 4242 (x\0y) total-vm:1kB\n";
	static const struct kwant w = { 4242, -1, OOMLOG_NONE, 0, "x" };
	char big[700], name[660];

	ok(kill_is(oomlog_parse_kmsg, cont, sizeof cont - 1, &w, 1000),
	   "oomlog: continuation lines after the text ignored");
	ok(kill_no(oomlog_parse_kmsg, after, sizeof after - 1),
	   "oomlog: a kill line past the first newline is not the text");
	ok(kill_is(oomlog_parse_kmsg, more, sizeof more - 1, &w, 1000),
	   "oomlog: only the text before the first newline counts");
	/* Not NUL-terminated: len stops before the bytes that follow. */
	ok(kill_is(oomlog_parse_kmsg, more, sizeof more - 1 - 20, &w, 1000),
	   "oomlog: a record read up to len, not to a NUL");
	ok(kill_no(oomlog_parse_kmsg, cont, 60), "oomlog: len inside the text: refused (cut short)");
	ok(kill_no(oomlog_parse_kmsg, nul, sizeof nul - 1), "oomlog: a NUL inside the text refused");
	ok(kill_no(oomlog_parse_kmsg, "3,7,1000,-", 10), "oomlog: a header alone refused");
	ok(kill_no(oomlog_parse_syslog, "", 0) && kill_no(oomlog_parse_kmsg, "", 0),
	   "oomlog: nothing is nothing");
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(big, sizeof big, "3,7,1000,-;Killed process 4242 (%s)\n", name);
	ok(kill_no(oomlog_parse_kmsg, big, strlen(big)), "oomlog: a record longer than any kill line refused");
	ok(msg_no("Killed process 0 (x)")
	   && msg_no("Killed process 4194305 (x)")
	   && msg_no("Killed process -5 (x)")
	   && msg_no("Killed process 99999999999999999999999 (x)"),
	   "oomlog: PID 0, above 4194304, negative, huge: refused");
	ok(msg_no("Out of memory: Killed process 5 (x) total-vm:1kB, anon-rss:1kB, "
		   "file-rss:1kB, shmem-rss:1kB, UID:0 pgtables:1kB oom_score_adj:-1001")
	   && msg_no("Out of memory: Killed process 5 (x) total-vm:1kB, anon-rss:1kB, "
		      "file-rss:1kB, shmem-rss:1kB, UID:0 pgtables:1kB oom_score_adj:1001"),
	   "oomlog: oom_score_adj -1001 and 1001 refused");
	ok(msg_no("Killed process 5 (x) anon-rss:1kB, total-vm:1kB")
	   && msg_no("Killed process 5 (x) total-vm:1kB, total-vm:1kB")
	   && msg_no("Killed process 5 (x) total-vm:1MB")
	   && msg_no("Killed process 5 (x) junk"),
	   "oomlog: fields out of order, twice, in MB, unknown: refused");
}

/* Two CPUs: each record is whole in /dev/kmsg (one per printk), in any
 * order; each kill is read as its own. */
static void test_oomlog_interleaved(void)
{
	static const char *const recs[] = {
		"3,10,1000,-;Out of memory: Kill process 100 (a) score 900 or sacrifice child\n",
		"3,11,1001,-;Memory cgroup out of memory: Kill process 200 (b) score 800 or sacrifice child\n",
		"3,12,1002,-;Killed process 200 (b) total-vm:1kB, anon-rss:2kB, file-rss:3kB\n",
		"6,13,1003,c;some driver's line without an end\n",
		"3,14,1004,-;Killed process 100 (a) total-vm:4kB, anon-rss:5kB, file-rss:6kB\n",
	};
	static const int pids[] = { 0, 0, 200, 0, 100 };
	/* 2.6.32's ring buffer: a partial line of another CPU, then ours
	 * after it on the same line, is not read as a kill. */
	static const char glued[] = "<4>[    5.000000] CPU1: partialKilled process 4242 (x)\n";
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof recs / sizeof *recs; i++) {
		struct oomkill k;
		int got = oomlog_parse_kmsg(recs[i], strlen(recs[i]), &k);

		good &= pids[i] ? got && k.pid == pids[i] : !got;
	}
	ok(good, "oomlog: two CPUs' reports interleaved: each kill read as its own");
	ok(kill_no(oomlog_parse_syslog, glued, sizeof glued - 1),
	   "oomlog: a kill line glued to another CPU's partial line: not read");
}

/* syslog(2) on any kernel prints a name's newline raw and starts the rest
 * as a new line with the same prefix (2.6.32's vprintk(), 3.5's
 * msg_print_text()).  Documented limit, the caller defends by identity:
 * the first part may read as a kill with the right PID and no score; no
 * 15-byte name can make the second part a kill ("Killed process N (" is
 * 18 bytes). */
static void test_oomlog_split(void)
{
	static const char l1[] = "<3>[   42.000017] Out of memory: Killed process 4242 (x)\n";
	static const char l2[] = "<3>[   42.000017] ) total-vm:9000kB, anon-rss:8000kB, file-rss:4kB, "
		"shmem-rss:0kB, UID:1000 pgtables:44kB oom_score_adj:0\n";
	static const char m1[] = "<3>[   42.000017] Out of memory: Killed process 4242 (a\n";
	static const char m2[] = "<3>[   42.000017] Killed pr) total-vm:9000kB, anon-rss:8000kB, "
		"file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:44kB oom_score_adj:0\n";
	static const struct kwant w = { 4242, -1, OOMLOG_NONE, 0, "x" };

	ok(kill_is(oomlog_parse_syslog, l1, sizeof l1 - 1, &w, 42000017),
	   "oomlog: syslog(2), a name \"x)\\n\": the first line read, PID right, score lost");
	ok(kill_no(oomlog_parse_syslog, l2, sizeof l2 - 1),
	   "oomlog: syslog(2), a name \"x)\\n\": the rest not a kill");
	ok(kill_no(oomlog_parse_syslog, m1, sizeof m1 - 1) && kill_no(oomlog_parse_syslog, m2, sizeof m2 - 1),
	   "oomlog: syslog(2), a name \"a\\nKilled pr\": neither line read (the kill is lost)");
}

int main(void)
{
	test_esc();
	test_unesc();
	test_scores();
	test_pids();
	test_unum();
	test_uid_or_none();
	test_mapping();
	test_stat();
	test_conf();
	test_pidline();
	test_oomlog_2632();
	test_oomlog_2633();
	test_oomlog_rhel6();
	test_oomlog_2636();
	test_oomlog_rhel7();
	test_oomlog_45();
	test_oomlog_51();
	test_oomlog_53();
	test_oomlog_54();
	test_oomlog_allocating();
	test_oomlog_618();
	test_oomlog_forged();
	test_oomlog_escaped();
	test_oomlog_facility();
	test_oomlog_records();
	test_oomlog_interleaved();
	test_oomlog_split();
	printf("1..%d\n", n);
	return failed != 0;
}
