/* -l: every process, the kernel's next OOM victim on top. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "msg.h"
#include "oomguard.h"
#include "proc.h"
#include "score.h"

struct row {
	int pid, score, adj;
	long rss_kib;
	uid_t uid;
	char cmd[512];
};

static int by_victim(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->rss_kib != y->rss_kib)
		return x->rss_kib < y->rss_kib ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* One decimal, in integers: floating-point printf would double the static
 * binary's size for one column. */
static void human(long kib, char *buf, size_t size)
{
	long tenths;
	char unit = 'M';

	if (kib < 10240) {
		snprintf(buf, size, "%ldK", kib);
		return;
	}
	tenths = kib * 10 / 1024;
	if (kib >= 10240L * 1024) {
		tenths = kib * 10 / 1048576;
		unit = 'G';
	}
	snprintf(buf, size, "%ld.%ld%c", tenths / 10, tenths % 10, unit);
}

/* ps's rule: a name longer than 8 shows as the number. */
static const char *user(uid_t uid)
{
	static uid_t last = (uid_t)-1;
	static char name[24];

	if (uid != last) {
		const char *s = user_name(uid, 8, name, sizeof name);

		last = uid;
		if (s != name)
			memcpy(name, s, strlen(s) + 1);
	}
	return name;
}

/* The command line with NULs as blanks, or [comm] when it is empty;
 * escaped: argv and comm are any bytes their process chose, ESC and \r
 * included, and must not drive the terminal. */
static void command(int dirfd, const struct pstat *st, char *buf, size_t size)
{
	char raw[256];
	int i, n = proc_read(dirfd, "cmdline", raw, sizeof raw);

	for (i = 0; i < n - 1; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	if (n <= 0 || !*raw)
		snprintf(raw, sizeof raw, "[%s]", st->comm);
	msg_esc(buf, size, raw);
}

static int columns(void)
{
	struct winsize ws;

	if (!isatty(1))
		return 0;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
		return ws.ws_col;
	return 80;
}

int list_procs(void)
{
	struct pstat *v;
	size_t n = proc_scan(&v), i, m = 0;
	struct row *rows = calloc(n ? n : 1, sizeof *rows);
	long page_kib = sysconf(_SC_PAGESIZE) / 1024;
	int width = columns();

	if (!n)
		die(EXIT_FAIL, "read %s: %s", proc_root(), strerror(errno));
	if (!rows)
		die(EXIT_FAIL, "list processes: out of memory");
	for (i = 0; i < n; i++) {
		struct row *r = &rows[m];
		int fd;

		/* Kernel threads are never chosen by the OOM killer. */
		if (v[i].flags & PF_KTHREAD_FLAG)
			continue;
		fd = proc_open(v[i].pid);
		if (fd < 0)
			continue;
		if (score_read(fd, &r->score, &r->adj) == 0 && proc_uid(fd, &r->uid) == 0) {
			r->pid = v[i].pid;
			r->rss_kib = v[i].rss * page_kib;
			command(fd, &v[i], r->cmd, sizeof r->cmd);
			m++;
		}
		close(fd);
	}
	qsort(rows, m, sizeof *rows, by_victim);
	printf("%7s %9s %13s %7s %-8s %s\n", "PID", "OOM_SCORE", "OOM_SCORE_ADJ",
	       "RSS", "USER", "COMMAND");
	for (i = 0; i < m; i++) {
		char rss[32];
		/* 7+9+13+7+8 columns and 5 blanks before COMMAND. */
		int room = width ? width - 49 : (int)sizeof rows[i].cmd;

		human(rows[i].rss_kib, rss, sizeof rss);
		printf("%7d %9d %13d %7s %-8s %.*s\n", rows[i].pid, rows[i].score,
		       rows[i].adj, rss, user(rows[i].uid), room, rows[i].cmd);
	}
	free(rows);
	free(v);
	return EXIT_OK;
}
