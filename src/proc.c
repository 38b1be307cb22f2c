/* Reading /proc: the only file that knows where it is (OOMGUARD_PROC). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "num.h"
#include "proc.h"

const char *proc_root(void)
{
	static const char *root;

	if (!root) {
		const char *env = getenv("OOMGUARD_PROC");

		root = env && *env ? env : "/proc";
	}
	return root;
}

int proc_root_fake(void)
{
	return strcmp(proc_root(), "/proc") != 0;
}

/* A path under the procfs root, never cut short: a long OOMGUARD_PROC
 * truncated would name another directory. */
int proc_open_path(const char *rel, int flags)
{
	char path[PATH_MAX];
	int len = snprintf(path, sizeof path, "%s/%s", proc_root(), rel);

	if (len < 0 || (size_t)len >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* openat, not open: musl's open adds an fcntl for O_CLOEXEC. */
	return openat(AT_FDCWD, path, flags | O_CLOEXEC);
}

/* A directory fd pins the process: once it exits, files opened through the
 * fd answer ESRCH even if the PID is handed to a new process. */
int proc_open(int pid)
{
	char rel[16] = "self";

	if (pid)
		snprintf(rel, sizeof rel, "%d", pid);
	return proc_open_path(rel, O_RDONLY | O_DIRECTORY);
}

/* Read a small file, NUL-terminated; returns its length or -1.  Whole, to
 * EOF; or, with one_line, up to a read that ends a line: a file of /proc of
 * one line (stat, oom_score_adj) comes whole from the first read, and the
 * read that would see EOF is one system call per file, thousands in a scan. */
static int read_at(int dirfd, const char *name, char *buf, size_t size, int one_line)
{
	size_t len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	while (len < size - 1 && !(one_line && len && buf[len - 1] == '\n')) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

int proc_read(int dirfd, const char *name, char *buf, size_t size)
{
	return read_at(dirfd, name, buf, size, 0);
}

int proc_read_line(int dirfd, const char *name, char *buf, size_t size)
{
	return read_at(dirfd, name, buf, size, 1);
}

int proc_exited(const struct pstat *st)
{
	return (st->state == 'Z' && st->nthreads <= 1) || st->state == 'X';
}

/* "pid (comm) state ppid ...": comm may hold blanks and parentheses, so the
 * fields are counted from the last ')'.  Fields per proc(5). */
int proc_parse_stat(const char *buf, struct pstat *st)
{
	const char *open = strchr(buf, '(');
	const char *close = strrchr(buf, ')');
	const char *p;
	char *end;
	size_t clen;
	int field;

	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	st->pid = (int)strtol(buf, &end, 10);
	if (end == buf || st->pid <= 0)
		return -1;
	clen = (size_t)(close - open - 1);
	if (clen >= sizeof st->comm)
		clen = sizeof st->comm - 1;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = '\0';
	p = close + 2;
	st->state = *p;
	if (!st->state || p[1] != ' ')
		return -1;
	p += 2;
	/* p now points at field 4 (ppid). */
	for (field = 4; field <= 24; field++) {
		unsigned long long v;

		/* Priority and nice can be negative: strtoull takes the sign
		 * too, and neither is kept. */
		v = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		if (field == 4)
			st->ppid = (int)v;
		else if (field == 9)
			st->flags = (unsigned long)v;
		else if (field == 20)
			st->nthreads = (int)v;
		else if (field == 22)
			st->start = v;
		else if (field == 24)
			st->rss = (long)v;
		p = end;
		if (field < 24) {
			if (*p != ' ')
				return -1;
			p++;
		}
	}
	return 0;
}

/* name: "stat" under a /proc/PID fd, or "PID/stat" under the root's. */
static int stat_at(int dirfd, const char *name, struct pstat *st)
{
	char buf[1024];

	if (read_at(dirfd, name, buf, sizeof buf, 1) < 0)
		return -1;
	if (proc_parse_stat(buf, st) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int proc_stat(int dirfd, struct pstat *st)
{
	return stat_at(dirfd, "stat", st);
}

int proc_stat_pid(int procfd, int pid, struct pstat *st)
{
	char name[32];

	snprintf(name, sizeof name, "%d/stat", pid);
	if (stat_at(procfd, name, st) < 0)
		return -1;
	if (st->pid != pid) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* The number at p: blanks skipped, in base 10 or 16, from 0 to LONG_MAX. */
static int number_at(const char *p, int base, long *v)
{
	char num[32];
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t\n");
	if (!n || n >= sizeof num)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	return num_parse(num, base, 0, LONG_MAX, v) ? -1 : 0;
}

/* The number after KEY (which starts a line: "\nCapEff:") in a file of
 * /proc; 0 or -1.  Read in pieces, so the key may lie anywhere: /proc/stat
 * gets to btime and processes only after a line per CPU and the intr line,
 * a number per interrupt (NR_IRQS of them on 2.6.32), over 8 KiB on a big
 * host.  What is kept between pieces is the key's line so far, or the tail
 * that may start it. */
int proc_field(int dirfd, const char *file, const char *key, int base, long *v)
{
	char buf[4096];
	const char *p = NULL;
	size_t klen = strlen(key), len = 0, off;
	ssize_t n;
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	buf[0] = '\0';
	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		/* The key's whole line; or as much of it as buf holds. */
		p = strstr(buf, key);
		if (p && (strchr(p + klen, '\n') || (p == buf && len == sizeof buf - 1)))
			break;
		off = p ? (size_t)(p - buf) : len > klen ? len - klen : 0;
		memmove(buf, buf + off, len - off + 1);
		len -= off;
	}
	close(fd);
	if (n < 0 || !(p = strstr(buf, key)))
		return -1;
	return number_at(p + klen, base, v);
}

/* Processes and threads forked since boot: "processes" in /proc/stat, one
 * count for the host, whatever the PID namespace (kernel/fork.c total_forks,
 * raised as the new task is made visible). */
int proc_forks(long *n)
{
	char path[PATH_MAX];
	int len = snprintf(path, sizeof path, "%s/stat", proc_root());

	if (len < 0 || (size_t)len >= sizeof path)
		return -1;
	return proc_field(AT_FDCWD, path, "\nprocesses ", 10, n);
}

static int status_field(const char *buf, const char *name, unsigned long *v)
{
	const char *p = strstr(buf, name);
	char *end;

	if (!p)
		return -1;
	p += strlen(name);
	*v = strtoul(p, &end, 10);
	return end == p ? -1 : 0;
}

/* From status: the thread group (the process a thread belongs to), the real
 * uid, the real gid and the supplementary groups. */
int proc_ids(int dirfd, struct proc_ids *id)
{
	char buf[8192];
	const char *p;
	char *end;
	unsigned long v;

	if (proc_read(dirfd, "status", buf, sizeof buf) < 0)
		return -1;
	/* Every kernel since 2.4 has it; a fake procfs (OOMGUARD_PROC) may not. */
	id->tgid = status_field(buf, "\nTgid:", &v) < 0 ? -1 : (int)v;
	if (status_field(buf, "\nUid:", &v) < 0) {
		errno = EINVAL;
		return -1;
	}
	id->uid = (uid_t)v;
	id->ngids = 0;
	if (status_field(buf, "\nGid:", &v) < 0)
		return 0;
	id->gids[id->ngids++] = (gid_t)v;
	if (!(p = strstr(buf, "\nGroups:")))
		return 0;
	for (p += 8; id->ngids < PROC_GIDS_MAX; p = end) {
		v = strtoul(p, &end, 10);
		if (end == p)
			break;
		id->gids[id->ngids++] = (gid_t)v;
	}
	return 0;
}

/* The real UID, from the "Uid:" line of status. */
int proc_uid(int dirfd, uid_t *uid)
{
	struct proc_ids id;

	if (proc_ids(dirfd, &id) < 0)
		return -1;
	*uid = id.uid;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct pstat *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void proc_sort(struct pstat *v, size_t n)
{
	qsort(v, n, sizeof *v, by_pid);
}

/* The PIDs of the root's directory, sorted, in v[].pid, with the inode
 * number of each entry in v[].ino; their number.  *err: ENOMEM if the list
 * is cut short. */
static size_t list_pids(DIR *d, struct pstat **list, int *err)
{
	struct dirent *de;
	struct pstat *v = NULL;
	size_t n = 0, cap = 0;
	int pid, sorted = 1;

	while ((de = readdir(d))) {
		if (pid_parse(de->d_name, &pid))
			continue;
		if (n == cap) {
			struct pstat *nv = realloc(v, (cap = cap ? cap * 2 : 512) * sizeof *v);

			if (!nv) {
				*err = ENOMEM;
				break;
			}
			v = nv;
		}
		sorted &= !n || v[n - 1].pid < pid;
		v[n].pid = pid;
		v[n++].ino = de->d_ino;
	}
	/* procfs lists PIDs in order; a fake root, in any. */
	if (!sorted)
		qsort(v, n, sizeof *v, by_pid);
	*list = v;
	return n;
}

static const struct pstat *find(const struct pstat *v, size_t n, int pid)
{
	struct pstat key;

	memset(&key, 0, sizeof key);
	key.pid = pid;
	return n ? bsearch(&key, v, n, sizeof *v, by_pid) : NULL;
}

struct scan {
	int procfd, err;
	const struct pstat *prev;
	size_t nprev;
	proc_visit *visit;
	void *ctx;
};

/* The oom_score_adj of a PID about to be read, for a visitor: open before
 * the stat is read, so that it reaches the process the stat describes or,
 * if that PID changed hands in between, one that has exited (a write then
 * fails with ESRCH).  A fake root's file is opened only if it is a plain
 * file: opening a FIFO would wake the test helper that reads it. */
int proc_open_adj(int procfd, int pid)
{
	char name[32];
	struct stat sb;

	snprintf(name, sizeof name, "%d/oom_score_adj", pid);
	if (proc_root_fake() && (fstatat(procfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0
				 || !S_ISREG(sb.st_mode)))
		return -1;
	return openat(procfd, name, O_RDWR | O_CLOEXEC | O_NOCTTY);
}

/* One process into v[n]; 1 when it was read.  An entry the last scan read
 * (same PID, same inode: procfs gives a PID taken by a new process a new
 * inode) is copied from it, mark and all, with no system call. */
static int scan_one(struct scan *s, int pid, unsigned long long ino, struct pstat *v,
		    size_t n)
{
	const struct pstat *old = find(s->prev, s->nprev, pid);
	char name[32];
	int adj = -1, ok;

	if (old && old->ino == ino) {
		v[n] = *old;
		return 1;
	}
	if (s->visit)
		adj = proc_open_adj(s->procfd, pid);
	snprintf(name, sizeof name, "%d/stat", pid);
	/* A stat that names another PID is not that directory's: the list
	 * must stay in PID order. */
	ok = stat_at(s->procfd, name, &v[n]) == 0;
	/* Gone is no error (ENOENT, ESRCH); short of descriptors or memory,
	 * the scan misses a process that may be a member. */
	if (!ok && (errno == EMFILE || errno == ENFILE || errno == ENOMEM))
		s->err = errno;
	if (!ok || v[n].pid != pid) {
		if (adj >= 0)
			close(adj);
		return 0;
	}
	v[n].mark = 0;
	v[n].ino = ino;
	if (s->visit)
		s->visit(s->ctx, adj, v, n);
	return 1;
}

/* One pass over the process directories; those that vanish are skipped.
 * In PID order, which is /proc's own but not a fake root's: a parent comes
 * before the children it forked (until PIDs wrap around). */
size_t proc_scan_with(struct pstat **list, const struct pstat *prev, size_t nprev,
		      proc_visit *visit, void *ctx, int *err)
{
	DIR *d = opendir(proc_root());
	struct scan s = { -1, 0, prev, nprev, visit, ctx };
	size_t n = 0, npids, i;

	*list = NULL;
	if (!d) {
		*err = errno;
		return 0;
	}
	s.procfd = dirfd(d);
	npids = list_pids(d, list, &s.err);
	/* Entry n is filled from entry i >= n, whose PID is read first. */
	for (i = 0; i < npids; i++)
		n += (size_t)scan_one(&s, (*list)[i].pid, (*list)[i].ino, *list, n);
	closedir(d);
	if (s.err)
		*err = s.err;
	return n;
}

size_t proc_scan(struct pstat **list)
{
	int err = 0;

	return proc_scan_with(list, NULL, 0, NULL, NULL, &err);
}

/* Append PID to v; 0 or -1 (ENOMEM). */
static int push_pid(int pid, int **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		int *nv = realloc(*v, c * sizeof *nv);

		if (!nv) {
			errno = ENOMEM;
			return -1;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

/* Parse the whole numbers of buf into v; a number that ends buf may be
 * cut, unless last: it is moved to the front, and its length returned. */
static long parse_children(char *buf, int last, int **v, size_t *n, size_t *cap)
{
	char *p = buf, *q;
	size_t len;

	for (;;) {
		long x;

		while (*p == ' ' || *p == '\n')
			p++;
		for (q = p; *q >= '0' && *q <= '9'; q++)
			;
		if (!*p || (!*q && !last))
			break;
		if (q == p || (*q && *q != ' ' && *q != '\n') || q - p > 10) {
			errno = EINVAL;
			return -1;
		}
		x = strtol(p, NULL, 10);
		if (x <= 0 || x > INT_MAX || push_pid((int)x, v, n, cap) < 0)
			return -1;
		p = q;
	}
	len = strlen(p);
	memmove(buf, p, len + 1);
	return (long)len;
}

/* One children file: "PID PID ", a record per child.  A read that comes
 * back less than half a page long ended the list: seq_file stops a read
 * short only at its end or when its page is full; so a short list costs
 * one read, not one more for the EOF. */
static int read_children(int dirfd, const char *name, int **v, size_t *n, size_t *cap)
{
	char buf[4096 + 32];
	long len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY), last = 0;

	if (fd < 0)
		return -1;
	while (!last && len >= 0) {
		ssize_t got = read(fd, buf + len, sizeof buf - 1 - (size_t)len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			len = -1;
			break;
		}
		buf[len + got] = '\0';
		last = got < 2048;
		len = parse_children(buf, last, v, n, cap);
	}
	close(fd);
	return len < 0 ? -1 : 0;
}

int proc_children(int procfd, int pid, int nthreads, int **v, size_t *n, size_t *cap)
{
	char name[64];
	struct dirent *de;
	DIR *d;
	int fd, tid, rc = 0;

	if (nthreads == 1) {
		snprintf(name, sizeof name, "%d/task/%d/children", pid, pid);
		return read_children(procfd, name, v, n, cap);
	}
	snprintf(name, sizeof name, "%d/task", pid);
	fd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d))) {
		if (pid_parse(de->d_name, &tid))
			continue;
		snprintf(name, sizeof name, "%d/children", tid);
		/* A thread that exited meanwhile has no children left. */
		if (read_children(dirfd(d), name, v, n, cap) < 0 && errno != ENOENT)
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* Look a PID up in a list from proc_scan. */
struct pstat *proc_find(struct pstat *v, size_t n, int pid)
{
	return (struct pstat *)find(v, n, pid);
}

/* A user's name, or the number when it has none or one longer than max.
 * The name may live in getpwuid's static buffer: use it before the next. */
const char *user_name(uid_t uid, size_t max, char *buf, size_t n)
{
	struct passwd *pw = getpwuid(uid);

	if (pw && strlen(pw->pw_name) <= max)
		return pw->pw_name;
	snprintf(buf, n, "%lu", (unsigned long)uid);
	return buf;
}

/* CAP_SYS_RESOURCE (bit 24 of CapEff) of the caller, run as root: root
 * without it (LXC, OpenVZ, Docker's default) cannot lower any score, and
 * neither can the hooks nor the watch on this host.  1, 0, -1 unknown. */
int proc_cap_resource(void)
{
	long caps;
	int fd = geteuid() == 0 ? proc_open(0) : -1, rc;

	if (fd < 0)
		return -1;
	rc = proc_field(fd, "status", "\nCapEff:", 16, &caps);
	close(fd);
	return rc < 0 ? -1 : (int)(caps >> 24 & 1);
}
