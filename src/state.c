/* The state directory (state.h): written by pidfile waiters, read by check.
 * Root's only: a user who could plant a file or a link here would forge
 * what check reports, or have root write through the link.  Records are
 * whole files put in place by rename(2), so a reader never sees half. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "proc.h"
#include "state.h"

static char st_name[STATE_NAME_MAX], st_from[256];

/* A plain file name, never a dot file: our temporary files start with '.'. */
static int name_ok(const char *s)
{
	size_t len = strlen(s);

	return len && len < STATE_NAME_MAX && s[0] != '.'
		&& strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@:+-")
		== len;
}

void state_name(const char *name, const char *from)
{
	if (!name) {
		if (st_name[0])
			return;
		name = getenv("OOMGUARD_NAME");
		from = getenv("OOMGUARD_FROM");
	}
	if (name && name_ok(name)) {
		snprintf(st_name, sizeof st_name, "%s", name);
		snprintf(st_from, sizeof st_from, "%s", from && *from ? from : "-");
	}
}

/* OOMGUARD_STATE_DIR (the tests' own), or /run/oomguard, or /var/run's on
 * hosts older than /run (Debian before 7, RHEL 6).  NULL: none (not made
 * yet, or not ours to read), with *refused set when it is not root's only
 * (and said). */
static DIR *dir_open(int create, int *refused)
{
	const char *d = getenv("OOMGUARD_STATE_DIR");
	char esc[128];
	struct stat sb;
	DIR *dir;

	if (!d || !*d)
		d = access("/run", F_OK) ? "/var/run/oomguard" : "/run/oomguard";
	if (create)
		mkdir(d, 0700);
	if (!(dir = opendir(d)))
		return NULL;
	/* The directory itself, as opened: a link to it is judged by its target. */
	if (fstat(dirfd(dir), &sb) == 0 && sb.st_uid == 0 && !(sb.st_mode & 022))
		return dir;
	say("refuse state directory %s: %s", msg_esc(esc, sizeof esc, d),
	    sb.st_uid ? "not owned by root" : "writable by group or others");
	closedir(dir);
	*refused = 1;
	return NULL;
}

/* A record is one line of tab-separated fields: outcome, the waiter's PID,
 * the PID set, the score, the file that asked, the detail, (since issue
 * 22) the start time of the PID set, and (issue 24) the processes set
 * before it, "PID:START,..." or "-".  Fields are only ever added at
 * the end: an older reader ignores what it does not know. */
static int read_rec(int dfd, const char *name, struct state_rec *r);

/* The identities a new record keeps: the last record's process, unless it
 * is the one set now, then those it kept ("PID:START,...", or "-"). */
static void history(int dfd, int pid, unsigned long long start, char *out, size_t n)
{
	struct state_rec old;
	size_t len = 0;
	int i, k = 0;

	snprintf(out, n, "-");
	if (read_rec(dfd, st_name, &old) < 0)
		return;
	for (i = -1; i < old.nprev && k < STATE_PREV; i++) {
		int p = i < 0 ? old.pid : old.prev_pid[i];
		unsigned long long s = i < 0 ? old.start : old.prev_start[i];
		long long uid = i < 0 ? old.uid : old.prev_uid[i];

		if (!p || !s || (p == pid && s == start) || len >= n)
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%d:%llu:%lld", k++ ? "," : "", p, s,
					uid);
	}
}

/* DATA as NAME in the directory dfd, whole: a temporary name, then rename. */
static int put_whole(int dfd, const char *name, const char *data, size_t len)
{
	char tmp[STATE_NAME_MAX + 24];
	int fd, ok;

	snprintf(tmp, sizeof tmp, ".%s.%ld", name[0] == '.' ? name + 1 : name, (long)getpid());
	unlinkat(dfd, tmp, 0);
	/* O_EXCL: a link planted under the temporary name is never followed;
	 * rename replaces a link planted under the name itself. */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
		say("record %s: %s", name, strerror(errno));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* A record is one line of tab-separated fields: outcome, the waiter's PID,
 * the PID set, the score, the file that asked, the detail, (since issue
 * 22) the start time of the PID set, and (issue 24) the processes set
 * before it, "PID:START,..." or "-".  Fields are only ever added at
 * the end: an older reader ignores what it does not know. */
void state_put(const char *outcome, int pid, unsigned long long start, int score,
	       const char *detail)
{
	char line[1800], from[256], det[600], prev[STATE_PREV * 48];
	DIR *dir;
	uid_t uid;
	long long id = -1;
	int n, fd;

	if (!st_name[0] || !(dir = dir_open(1, &n)))
		return;
	history(dirfd(dir), pid, start, prev, sizeof prev);
	/* Its real uid: the OOM killer prints the victim's (5.3+, RHEL 6). */
	if (pid && (fd = proc_open(pid)) >= 0) {
		if (proc_uid(fd, &uid) == 0)
			id = (long long)uid;
		close(fd);
	}
	/* msg_esc: no tab or newline inside a field. */
	n = snprintf(line, sizeof line, "%s\t%ld\t%d\t%d\t%s\t%s\t%llu\t%s\t%lld\n", outcome,
		     (long)getpid(), pid, score, msg_esc(from, sizeof from, st_from),
		     msg_esc(det, sizeof det, detail), start, prev, id);
	put_whole(dirfd(dir), st_name, line, (size_t)n);
	closedir(dir);
}

int state_file_put(const char *name, const char *data, size_t len)
{
	DIR *dir;
	int refused = 0, rc;

	if (!(dir = dir_open(1, &refused)))
		return -1;
	rc = put_whole(dirfd(dir), name, data, len);
	closedir(dir);
	return rc;
}

long state_file_read(const char *name, char *buf, size_t size)
{
	DIR *dir;
	struct stat sb;
	int refused = 0, fd;
	long len = -1;

	if (!(dir = dir_open(0, &refused)))
		return -1;
	/* O_NONBLOCK: not even a FIFO made by root hangs check. */
	fd = openat(dirfd(dir), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		len = (long)read(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	closedir(dir);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

void state_kmsg(const char *line)
{
	struct sockaddr_un sa = { AF_UNIX, "/dev/log" };
	struct stat sb;
	char buf[1100], esc[1000];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), n;

	n = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	if (n)
		return;	/* a syslog daemon has it */
	/* O_NONBLOCK: the kernel's ring buffer never waits; <28>: daemon.warning. */
	fd = open("/dev/kmsg", O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	n = snprintf(buf, sizeof buf, "<28>oomguard[%ld]: %s\n", (long)getpid(),
		     msg_esc(esc, sizeof esc, line));
	/* Rate-limited by the kernel since 4.10 (printk.devkmsg).  A failed
	 * write has nowhere else to go. */
	if (fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode) || write(fd, buf, (size_t)n) < 0) {
		close(fd);
		return;
	}
	close(fd);
}

/* "PID:START,..." into r's history; a bad entry ends it. */
static void prev_parse(char *s, struct state_rec *r)
{
	char *tok, *save = NULL;
	long pid;

	for (tok = strtok_r(s, ",", &save); tok && r->nprev < STATE_PREV;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':'), *uid;

		if (!colon)
			return;
		*colon = '\0';
		/* PID:START, and :UID since the uid was kept. */
		r->prev_uid[r->nprev] = -1;
		if ((uid = strchr(colon + 1, ':'))) {
			*uid++ = '\0';
			if (uid_or_none(uid, &r->prev_uid[r->nprev]))
				return;
		}
		if (num_parse(tok, 10, 1, PID_LIMIT, &pid)
		    || unum_parse(colon + 1, ULLONG_MAX, &r->prev_start[r->nprev]))
			return;
		r->prev_pid[r->nprev++] = (int)pid;
	}
}

/* One record, whole.  No user can have made it (the directory is root's
 * only); O_NONBLOCK: not even a FIFO made by root hangs check. */
static int read_rec(int dfd, const char *name, struct state_rec *r)
{
	char buf[2048], *f[6], *p = buf, *end;
	ssize_t len;
	long v[3];
	int fd, i;
	struct stat sb;

	if (!name_ok(name))
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	len = read(fd, buf, sizeof buf - 1);
	if (fd < 0 || fstat(fd, &sb) < 0)
		len = -1;
	close(fd);
	if (len <= 0 || buf[len - 1] != '\n')
		return -1;
	buf[len - 1] = '\t';
	buf[len] = '\0';
	for (i = 0; i < 6; i++) {
		if (!(p = strchr(f[i] = p, '\t')))
			return -1;
		*p++ = '\0';
	}
	for (i = 0; i < 3; i++)
		if (num_parse(f[i + 1], 10, SCORE_MIN, PID_LIMIT, &v[i]))
			return -1;
	/* The start time, when the record has it (an older one ends here). */
	r->start = 0;
	r->nprev = 0;
	r->uid = -1;
	if ((end = strchr(p, '\t'))) {
		*end = '\0';
		if (unum_parse(p, ULLONG_MAX, &r->start))
			return -1;
		if ((p = end + 1, end = strchr(p, '\t'))) {
			*end = '\0';
			prev_parse(p, r);
			/* The uid (since issue 24's review), or -1. */
			if ((p = end + 1, end = strchr(p, '\t'))) {
				*end = '\0';
				if (uid_or_none(p, &r->uid))
					r->uid = -1;
			}
		}
	}
	r->mtim = sb.st_mtim;
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->outcome, sizeof r->outcome, "%s", f[0]);
	/* Escaped to keep tabs and newlines out of the record: raw again
	 * here, for check escapes every field as its format wants. */
	snprintf(r->from, sizeof r->from, "%s", msg_unesc(f[4]));
	snprintf(r->detail, sizeof r->detail, "%s", msg_unesc(f[5]));
	r->waiter = (int)v[0];
	r->pid = (int)v[1];
	r->score = (int)v[2];
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct state_rec *)a)->name, ((const struct state_rec *)b)->name);
}

int state_load(struct state_rec **out, size_t *count)
{
	struct state_rec *v = NULL, *nv;
	struct dirent *de;
	size_t n = 0;
	int refused = 0;
	DIR *d = dir_open(0, &refused);

	while (d && (de = readdir(d))) {
		if (!(nv = realloc(v, (n + 1) * sizeof *v)))
			die(EXIT_FAIL, "check: out of memory");
		v = nv;
		n += read_rec(dirfd(d), de->d_name, &v[n]) == 0;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(v, n, sizeof *v, by_name);
	*out = v;
	*count = n;
	return -refused;
}
