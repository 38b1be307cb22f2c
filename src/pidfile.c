/* oomguard -n SCORE -f PIDFILE: wait until a daemon's pidfile names a live
 * process that deserves trust, then set its score.  The waiting itself is
 * notify.c's; this file decides what a pidfile is worth. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detach.h"
#include "msg.h"
#include "notify.h"
#include "num.h"
#include "oomguard.h"
#include "pidfile.h"
#include "proc.h"
#include "score.h"

#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7	/* Linux 2.6.39; older libc headers lack the name */
#endif

/* A pidfile holds one short line: more than this is junk, not a slow writer. */
#define PIDFILE_READ_MAX 4096

/* A daemon writes its pidfile after it starts, so a process that started
 * after the file was last written is not the one the file means: its PID was
 * reused.  The two times come from clocks of different grain.  The start
 * time is counted in USER_HZ ticks (10 ms) and truncated, which only makes
 * it earlier.  An mtime comes from the kernel's coarse clock, up to one
 * jiffy behind the truth: 10 ms at HZ=100, the slowest common setting
 * (multigrain timestamps, Linux 6.13, make it exact).  20 ms covers that
 * jiffy plus the microseconds between our two clock reads; a reused PID
 * normally starts seconds or days after its stale file was written. */
#define STALE_TOLERANCE_NS 20000000LL

/* After the file is fine but its process is not yet (start-stop-daemon
 * --make-pidfile writes the PID before the exec that --exe waits for; the
 * daemon changes user after writing): no file event will come, so look
 * again on a timer, from this often down to RECHECK_MAX_MS. */
#define RECHECK_MIN_MS 5
#define RECHECK_MAX_MS 250

enum { P_NOFILE, P_FOUND, P_NOPROC, P_UNTRUSTED };

#define UNTRUSTED "is untrusted: "

static long long ns_of(const struct timespec *ts)
{
	return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long pid_max(void)
{
	static long max;

	if (!max) {
		int fd = proc_open_path("sys/kernel/pid_max", O_RDONLY);

		max = PID_LIMIT;
		if (fd >= 0) {
			char buf[32];
			int len = (int)read(fd, buf, sizeof buf - 1);
			long v;

			close(fd);
			if (len > 0) {
				while (len > 0 && buf[len - 1] == '\n')
					len--;
				buf[len] = '\0';
				if (!num_parse(buf, 10, 2, PID_LIMIT, &v))
					max = v;
			}
		}
	}
	return max;
}

/* glibc before 2.14 (RHEL 6 has 2.12) does not name it; the kernel has it
 * from 2.6.39, and older ones say EINVAL, which boot_ns expects. */
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7
#endif

/* When the system booted, on the wall clock, in ns.  CLOCK_BOOTTIME counts
 * suspend too, as the start times in /proc/PID/stat do; btime in /proc/stat
 * is the fallback for kernels before 2.6.39, whole seconds only. */
static int boot_ns(long long *out)
{
	struct timespec rt, bt;
	char buf[8192], *end;
	const char *p;
	int fd;
	long v;

	if (clock_gettime(CLOCK_REALTIME, &rt) == 0 && clock_gettime(CLOCK_BOOTTIME, &bt) == 0) {
		*out = ns_of(&rt) - ns_of(&bt);
		return 0;
	}
	fd = proc_open_path(".", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	v = proc_read(fd, "stat", buf, sizeof buf);
	close(fd);
	if (v < 0 || !(p = strstr(buf, "\nbtime ")))
		return -1;
	errno = 0;
	v = strtol(p + 7, &end, 10);
	if (errno || end == p + 7 || *end != '\n' || v <= 0)
		return -1;
	*out = (long long)v * 1000000000LL;
	return 0;
}

/* What the file holds, for a message: its first line, short, printable. */
static void quote(const char *buf, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && buf[i] != '\n' && o + 8 < size; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (i == 24) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* Read the first bytes of a pidfile that is a plain file: never follow a
 * symbolic link, never open a FIFO or device (lstat first: opening a FIFO
 * would wake a writer), never block (O_NONBLOCK, in case it became one). */
static int read_pidfile(const char *path, char *buf, size_t *len, struct stat *sb,
			char *why, size_t n)
{
	int fd, e;
	ssize_t r = 0;

	*len = 0;
	if (lstat(path, sb) < 0) {
		snprintf(why, n, errno == ENOENT ? "does not exist" : "cannot be examined: %s",
			 strerror(errno));
		return -1;
	}
	if (S_ISLNK(sb->st_mode) || !S_ISREG(sb->st_mode)) {
		snprintf(why, n, "is %s", S_ISLNK(sb->st_mode) ? "a symbolic link"
			 : S_ISDIR(sb->st_mode) ? "a directory" : S_ISFIFO(sb->st_mode) ? "a FIFO"
			 : "not a regular file");
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		snprintf(why, n, e == ENOENT ? "does not exist" : e == ELOOP
			 ? "is a symbolic link" : "cannot be opened: %s", strerror(e));
		return -1;
	}
	if (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		snprintf(why, n, "is not a regular file");
		return -1;
	}
	while (*len < PIDFILE_READ_MAX) {
		r = read(fd, buf + *len, PIDFILE_READ_MAX - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	e = r < 0 ? errno : 0;
	if (close(fd) < 0 && !e)
		e = errno;
	if (e) {
		snprintf(why, n, "cannot be read: %s", strerror(e));
		return -1;
	}
	return 0;
}

/* Who, besides root, could have written the file: its owner, its
 * directory's owner, a group with write permission on either; anyone at all
 * when the file is world-writable or its directory is without the sticky
 * bit.  Group 0 and user 0 are root's own. */
struct writers {
	int nu, ng, anyone;
	uid_t uid[2];
	gid_t gid[2];
	char text[600];
};

static void add_text(struct writers *wr, const char *fmt, const char *who, const char *what)
{
	size_t len = strlen(wr->text);

	snprintf(wr->text + len, sizeof wr->text - len, "%s", len ? " and " : "");
	len = strlen(wr->text);
	snprintf(wr->text + len, sizeof wr->text - len, fmt, who, what);
}

static const char *group_name(gid_t gid, char *buf, size_t n)
{
	struct group *gr = getgrgid(gid);

	if (gr)
		return gr->gr_name;
	snprintf(buf, n, "%lu", (unsigned long)gid);
	return buf;
}

static void writers_of(const struct stat *sb, const char *what, int is_dir, struct writers *wr)
{
	char name[32];

	if ((sb->st_mode & S_IWOTH) && !(is_dir && (sb->st_mode & S_ISVTX))) {
		wr->anyone = 1;
		wr->text[0] = '\0';	/* nothing else is worth naming then */
		add_text(wr, "anyone (%s%s is world-writable)", is_dir ? "directory " : "", what);
		return;
	}
	if (sb->st_uid != 0 && (wr->nu == 0 || wr->uid[0] != sb->st_uid)) {
		wr->uid[wr->nu++] = sb->st_uid;
		add_text(wr, "user %s (owner of %s)",
			 user_name(sb->st_uid, (size_t)-1, name, sizeof name), what);
	}
	if ((sb->st_mode & S_IWGRP) && sb->st_gid != 0 && (wr->ng == 0 || wr->gid[0] != sb->st_gid)) {
		wr->gid[wr->ng++] = sb->st_gid;
		add_text(wr, "group %s (group-writable %s)", group_name(sb->st_gid, name,
									sizeof name), what);
	}
}

/* The real uid, the real gid and the supplementary groups of a process. */
static int proc_ids(int dirfd, uid_t *uid, gid_t *gids, int max)
{
	char buf[8192];
	const char *p;
	char *end;
	int n = 0;

	if (proc_read(dirfd, "status", buf, sizeof buf) < 0)
		return -1;
	if (!(p = strstr(buf, "\nUid:")))
		return -1;
	*uid = (uid_t)strtoul(p + 5, &end, 10);
	if (end == p + 5 || !(p = strstr(buf, "\nGid:")))
		return -1;
	gids[n++] = (gid_t)strtoul(p + 5, &end, 10);
	if (end == p + 5)
		return -1;
	if ((p = strstr(buf, "\nGroups:"))) {
		p += 8;
		for (;;) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p || n == max)
				break;
			gids[n++] = (gid_t)g;
			p = end;
		}
	}
	return n;
}

static const char *trust_fails(int dirfd, int pid, const struct writers *wr, char *why,
			       size_t n)
{
	gid_t gids[256];
	uid_t uid;
	int ng, i, j;
	char name[32];

	if (wr->anyone) {
		snprintf(why, n, UNTRUSTED "writable by %s", wr->text);
		return why;
	}
	if (!wr->nu && !wr->ng)
		return NULL;
	if ((ng = proc_ids(dirfd, &uid, gids, 256)) < 0) {
		snprintf(why, n, "names pid %d, which is not running", pid);
		return why;
	}
	/* Never a root process through a file someone else could write, even
	 * when that process is in the file's group. */
	for (i = 0; uid != 0 && i < wr->nu; i++)
		if (uid == wr->uid[i])
			return NULL;
	for (i = 0; uid != 0 && i < wr->ng; i++)
		for (j = 0; j < ng; j++)
			if (gids[j] == wr->gid[i])
				return NULL;
	snprintf(why, n, UNTRUSTED "writable by %s, but pid %d belongs to %s", wr->text, pid,
		 user_name(uid, (size_t)-1, name, sizeof name));
	return why;
}

/* --exe: /proc/PID/exe is PATH, PATH resolved, or either " (deleted)" after
 * the package was upgraded under the running daemon. */
static int exe_is(const char *link, const char *want)
{
	size_t len = strlen(want);

	return !strncmp(link, want, len) && (!link[len] || !strcmp(link + len, " (deleted)"));
}

static const char *identity_fails(int dirfd, int pid, const struct pstat *st,
				  const struct pidwait *w, char *why, size_t n)
{
	if (w->exe) {
		char link[4096], real[4096];
		ssize_t len = readlinkat(dirfd, "exe", link, sizeof link - 1);

		if (len < 0) {
			snprintf(why, n, "names pid %d, whose executable cannot be read: %s", pid,
				 strerror(errno));
			return why;
		}
		link[len] = '\0';
		if (!exe_is(link, w->exe) && !(realpath(w->exe, real) && exe_is(link, real))) {
			snprintf(why, n, "names pid %d, which runs %.200s, not %.200s", pid, link,
				 w->exe);
			return why;
		}
	}
	/* comm is cut to 15 bytes (TASK_COMM_LEN - 1). */
	if (w->comm && strncmp(st->comm, w->comm, 15)) {
		snprintf(why, n, "names pid %d, which is named %s, not %.40s", pid, st->comm,
			 w->comm);
		return why;
	}
	return NULL;
}

/* The process the file names, if it is alive, not a kernel thread, not
 * younger than the file, and who it should be. */
static int check_proc(const struct pidwait *w, int pid, const struct stat *sb,
		      const struct writers *wr, int *pidout, unsigned long long *start,
		      char *why, size_t n)
{
	struct pstat st;
	long long boot, started;
	long tck = sysconf(_SC_CLK_TCK);
	int dirfd = proc_open(pid), rc = P_NOPROC;

	if (dirfd < 0 || proc_stat(dirfd, &st) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		snprintf(why, n, "names pid %d, which is not running", pid);
		return P_NOPROC;
	}
	if (tck <= 0)
		tck = 100;
	started = (long long)(st.start / (unsigned long long)tck) * 1000000000LL
		+ (long long)(st.start % (unsigned long long)tck) * 1000000000LL / tck;
	if (st.state == 'Z' || st.state == 'X')
		snprintf(why, n, "names pid %d, which has exited (a zombie)", pid);
	else if (st.flags & PF_KTHREAD_FLAG)
		snprintf(why, n, "names pid %d, a kernel thread", pid);
	else if (boot_ns(&boot) == 0 && boot + started > ns_of(&sb->st_mtim) + STALE_TOLERANCE_NS)
		snprintf(why, n, "names pid %d, which started after the file was written "
			 "(a stale pidfile whose PID was reused)", pid);
	else if (!identity_fails(dirfd, pid, &st, w, why, n)) {
		if (!trust_fails(dirfd, pid, wr, why, n)) {
			*pidout = pid;
			*start = st.start;
			rc = P_FOUND;
		} else if (!strncmp(why, UNTRUSTED, strlen(UNTRUSTED)))
			rc = P_UNTRUSTED;
	}
	close(dirfd);
	return rc;
}

static int probe(const struct pidwait *w, int *pid, unsigned long long *start, char *why,
		 size_t n)
{
	char buf[PIDFILE_READ_MAX];
	struct stat sb, dsb;
	struct writers wr;
	size_t len;
	const char *bad;
	int named;

	if (read_pidfile(w->path, buf, &len, &sb, why, n) < 0)
		return P_NOFILE;
	if ((bad = pidline_parse(buf, len, pid_max(), &named))) {
		char shown[128];

		quote(buf, len, shown, sizeof shown);
		if (len == 0)
			snprintf(why, n, "is empty");
		else if (!strcmp(bad, "no PID on the first line"))
			snprintf(why, n, "has no PID on its first line");
		else
			snprintf(why, n, "holds '%s', not a PID from 2 to %ld", shown, pid_max());
		return P_NOFILE;
	}
	memset(&wr, 0, sizeof wr);
	if (geteuid() == 0) {
		char dir[4096];
		const char *slash = strrchr(w->path, '/');

		if (!slash)
			memcpy(dir, ".", 2);
		else
			snprintf(dir, sizeof dir, "%.*s", slash == w->path ? 1
				 : (int)(slash - w->path), w->path);
		if (stat(dir, &dsb) < 0) {
			snprintf(why, n, "cannot be trusted: stat %s: %s", dir, strerror(errno));
			return P_NOFILE;
		}
		writers_of(&sb, w->path, 0, &wr);
		if (!wr.anyone)
			writers_of(&dsb, dir, 1, &wr);
	}
	return check_proc(w, named, &sb, &wr, pid, start, why, n);
}

int pidfile_probe(const struct pidwait *w, int *pid, unsigned long long *start, char *why,
		  size_t n)
{
	return probe(w, pid, start, why, n) == P_FOUND;
}

static int wait_loop(const struct pidwait *w, const char *shown, int score)
{
	struct notify nt;
	long long deadline = w->timeout ? now_ms() + (long long)w->timeout * 1000 : 0;
	int recheck = RECHECK_MIN_MS;
	char why[800] = "", said[800] = "";

	notify_open(&nt, w->path);
	for (;;) {
		unsigned long long start;
		int pid, left = -1, r = probe(w, &pid, &start, why, sizeof why);

		if (r == P_FOUND) {
			int rc = w->tree ? apply_tree_pinned(pid, start, score)
				: score_set(pid, score, start);
			/* Gone between reading and writing: the daemon may be
			 * restarting; its next pidfile is still worth waiting for. */
			if (rc != EXIT_GONE) {
				notify_close(&nt);
				if (rc == EXIT_OK && w->background)
					say("set pid %d (from %s)%s OOM score to %d", pid, shown,
					    w->tree ? " and its descendants" : "", score);
				return rc;
			}
			snprintf(why, sizeof why, "names pid %d, which exited before its score "
				 "was set", pid);
			r = P_NOPROC;
		}
		/* Say once, not only at the timeout: an administrator should
		 * learn why a wait without end does nothing. */
		if (r == P_UNTRUSTED && strcmp(why, said)) {
			say("refuse pidfile %s: %s", shown, why + strlen(UNTRUSTED));
			memcpy(said, why, sizeof said);
		}
		if (deadline) {
			long long d = deadline - now_ms();

			if (d <= 0) {
				notify_close(&nt);
				say("wait for pidfile %s: timed out after %d s: the file %s", shown,
				    w->timeout, why);
				return EXIT_TIMEOUT;
			}
			left = d > 1000000000 ? 1000000000 : (int)d;
		}
		if (r != P_NOFILE && (left < 0 || left > recheck))
			left = recheck;
		if (notify_wait(&nt, left))
			recheck = RECHECK_MIN_MS;
		else if (r != P_NOFILE && (recheck *= 2) > RECHECK_MAX_MS)
			recheck = RECHECK_MAX_MS;
	}
}


/* Returns in the parent (1) and in the detached child (0). */
static int detach(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(EXIT_FAIL, "detach pidfile waiter: fork: %s", strerror(errno));
	if (pid > 0)
		return 1;
	setsid();
	/* The session leader exits: the waiter can never get a terminal. */
	pid = fork();
	if (pid < 0)
		_exit(EXIT_FAIL);
	if (pid > 0)
		_exit(EXIT_OK);
	detach_finish(-1);
	return 0;
}

int pidfile_wait(const struct pidwait *w, int score)
{
	static char abspath[4096];
	struct pidwait aw = *w;
	size_t len = strlen(w->path);

	if (!len || w->path[len - 1] == '/')
		die(EXIT_USAGE, "parse pidfile '%s': not a file name", w->path);
	if (w->exe && w->exe[0] != '/')
		die(EXIT_USAGE, "parse --exe %s: not an absolute path", w->exe);
	/* The detached waiter works from /, and the watches need the path. */
	if (w->path[0] != '/') {
		char cwd[4096];

		if (!getcwd(cwd, sizeof cwd))
			die(EXIT_FAIL, "wait for pidfile %s: getcwd: %s", w->path, strerror(errno));
		if (snprintf(abspath, sizeof abspath, "%s/%s", cwd, w->path) >= (int)sizeof abspath)
			die(EXIT_USAGE, "parse pidfile %s: path too long", w->path);
		aw.path = abspath;
	} else if (len >= PATH_MAX)
		die(EXIT_USAGE, "parse pidfile %.40s...: path too long", w->path);
	score_warn_unkillable(score);
	if (w->background && detach())
		return EXIT_OK;
	return wait_loop(&aw, w->path, score);
}
