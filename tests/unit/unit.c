/* Unit tests for the pure parsers; TAP output, read by tests/run. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "msg.h"
#include "num.h"
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

int main(void)
{
	test_esc();
	test_unesc();
	test_scores();
	test_pids();
	test_unum();
	test_mapping();
	test_stat();
	test_conf();
	test_pidline();
	printf("1..%d\n", n);
	return failed != 0;
}
