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
#include "state.h"

#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7	/* Linux 2.6.39; older libc headers lack the name */
#endif

/* A pidfile holds one short line: more than this is junk, not a slow writer. */
#define PIDFILE_READ_MAX 4096

/* The identity rule, one for every reader (-f, apply, watch, check).  A
 * daemon writes its pidfile after it starts, so a process that started
 * after the file was written is not the one the file means: its PID was
 * reused.  Times are compared in CLOCK_BOOTTIME, the clock of process start
 * times, wherever the program can:
 * - each version of the file gets a bound when a look first sees it: the
 *   process it names must have started no later than that write, and
 *   every later look compares with the same bound (a file unchanged since a
 *   look that called it stale stays stale; a crash followed by PID reuse is
 *   never taken, however long after the write it comes);
 * - the write came before the look that first saw it: that look's boot time
 *   is a bound that needs no wall clock at all;
 * - the mtime, a wall-clock time turned into boot time with the offset of
 *   that look and allowed the file system's grain (grain_ns), narrows it:
 *   for a file found at the first look always (a later step cannot change
 *   a verdict taken then), for a write seen since only when the mtime falls
 *   between the two looks and the wall clock was not set in between.
 * The start time is counted in USER_HZ ticks (10 ms) and truncated, which
 * only makes it earlier; an mtime comes from the kernel's coarse clock, up
 * to one jiffy behind the truth (10 ms at HZ=100; multigrain timestamps,
 * Linux 6.13, make it exact).  20 ms covers that jiffy plus the time between
 * two clock reads. */
#define STALE_TOLERANCE_NS 20000000LL
#define NS 1000000000LL

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

/* A look's clocks: now in CLOCK_BOOTTIME, and the wall clock's offset
 * from it.  Kernels before 2.6.39 have no CLOCK_BOOTTIME (EINVAL): btime of
 * /proc/stat, in whole seconds, gives the offset there, one second less
 * sure (slack). */
static int clocks(long long *now, long long *offset, long long *slack)
{
	struct timespec rt, bt;
	int fd, rc;
	long sec;

	if (clock_gettime(CLOCK_REALTIME, &rt) == 0 && clock_gettime(CLOCK_BOOTTIME, &bt) == 0) {
		*now = ns_of(&bt);
		*offset = ns_of(&rt) - *now;
		return 0;
	}
	fd = proc_open_path(".", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	rc = proc_field(fd, "stat", "\nbtime", 10, &sec);
	close(fd);
	if (rc < 0 || sec <= 0)
		return -1;
	*offset = (long long)sec * NS;
	*now = ns_of(&rt) - *offset;
	*slack = NS;
	return 0;
}

/* How coarse the file system's timestamps may be, read off the mtime
 * itself: ext3, ext4 with 128-byte inodes (mkfs.ext4 -I 128) and many NFSv3
 * servers keep whole seconds, vfat two (even seconds).  A fine-grained
 * mtime falls on a whole second once in 10^9 writes. */
static long long grain_ns(const struct timespec *t)
{
	if (t->tv_nsec)
		return 0;
	return t->tv_sec % 2 ? NS : 2 * NS;
}

static int same_key(const struct pidkey *a, const struct pidkey *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->pid == b->pid;
}

/* A version of the file (mtime mt) that this look (now, offset) is the
 * first to see: its bound, or ahead.  first: no look came before, so only
 * the mtime tells when it was written.  Otherwise it was written after the
 * previous look (prev, prev_offset) and before this one, and its mtime is
 * believed only if it says so too and the wall clock kept its offset (NTP
 * slews it by 500 ppm at most); a step in between, an mtime kept by cp -p
 * or set with touch -d, and the look itself is the bound. */
static void judge_version(struct pidview *v, const struct timespec *mt, int first,
			  long long now, long long offset, long long prev, long long prev_offset)
{
	long long grain = grain_ns(mt) + STALE_TOLERANCE_NS + v->slack;
	long long mtime = ns_of(mt) - offset, drift = offset - prev_offset;

	v->ahead = 0;
	v->bound = now + STALE_TOLERANCE_NS + v->slack;
	if (first && mtime > now + grain) {
		v->ahead = 1;
		v->bound = mtime;	/* for the message */
		return;
	}
	if (!first && ((drift < 0 ? -drift : drift) > STALE_TOLERANCE_NS + v->slack + (now - prev) / 2000
		       || mtime < prev - grain || mtime > now + grain))
		return;
	if (mtime + grain < v->bound)
		v->bound = mtime + grain;
}

/* The identity rule itself: NULL when the process (started at `started`,
 * boot ns) may be the one the file means.  Called with the file as read now
 * (k) and the reader's memory v, which holds this version's bound. */
static const char *time_fails(const struct pidwait *w, const struct pidview *v,
			      const struct pidkey *k, long long started, long long tick,
			      char *why, size_t n)
{
	/* No clock to compare with (kernels before 2.6.39 with a /proc that has
	 * no btime): a start time and an mtime cannot be put on one scale. */
	if (!v->clocked)
		return NULL;
	/* A restart runs the hook before its stop: the process alive when the
	 * wait began is the one being stopped.  Unless the script has ended
	 * and the file is the one it found: then the action only signalled
	 * (nginx's force-reload sends HUP), and that instance is the service. */
	if (w->restart && !(v->caller_gone && v->first_version)
	    && started + tick < v->began - v->slack) {
		snprintf(why, n, "names pid %d, which was running before the restart began "
			 "(the instance being stopped)", k->pid);
		return why;
	}
	if (v->ahead) {
		snprintf(why, n, "was last written %lld s ahead of the clock (the clock was set "
			 "back since?): its age cannot be known until it is written again",
			 (v->bound - v->began) / NS);
		return why;
	}
	if (started > v->bound) {
		snprintf(why, n, "names pid %d, which started after the file was written "
			 "(a stale pidfile whose PID was reused)", k->pid);
		return why;
	}
	return NULL;
}

/* What the file holds, for a message: its first line, short, printable. */
static void quote(const char *buf, size_t len, char *out, size_t size)
{
	size_t line = 0;

	while (line < len && line < 24 && buf[line] != '\n')
		line++;
	msg_esc_n(out, size, buf, line);
	if (line == 24 && line < len && buf[line] != '\n' && strlen(out) + 4 <= size)
		memcpy(out + strlen(out), "...", 4);
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

/* Who, besides root, could have written the file: its owner, the owner of
 * every directory on its path, a group with write permission on any of
 * them; anyone at all when one is world-writable (a directory without the
 * sticky bit).  Whoever can write a directory can rename what lies below it
 * and so choose the file read.  Group 0 and user 0 are root's own. */
#define WRITERS_MAX 8
struct writers {
	int nu, ng, anyone;
	unsigned long uid[WRITERS_MAX], gid[WRITERS_MAX];
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

/* Count one more writer in ids: 0 if it was counted already.  A full list
 * means too many to trust anything: anyone. */
static int add_writer(struct writers *wr, unsigned long *ids, int *n, unsigned long id)
{
	int i;

	for (i = 0; i < *n; i++)
		if (ids[i] == id)
			return 0;
	if (*n == WRITERS_MAX)
		wr->anyone = 1;
	else
		ids[(*n)++] = id;
	return 1;
}

static void writers_of(const struct stat *sb, const char *what, int is_dir, struct writers *wr)
{
	char name[32];

	if (wr->anyone)
		return;
	if ((sb->st_mode & S_IWOTH) && !(is_dir && (sb->st_mode & S_ISVTX))) {
		wr->anyone = 1;
		wr->text[0] = '\0';	/* nothing else is worth naming then */
		add_text(wr, "anyone (%s%s is world-writable)", is_dir ? "directory " : "", what);
		return;
	}
	if (sb->st_uid != 0 && add_writer(wr, wr->uid, &wr->nu, sb->st_uid))
		add_text(wr, "user %s (owner of %s)",
			 user_name(sb->st_uid, (size_t)-1, name, sizeof name), what);
	if ((sb->st_mode & S_IWGRP) && sb->st_gid != 0 && add_writer(wr, wr->gid, &wr->ng, sb->st_gid))
		add_text(wr, "group %s (group-writable %s)", group_name(sb->st_gid, name,
									sizeof name), what);
}

/* The path still to walk: a link's target and what follows it. */
#define WALK_MAX (2 * (size_t)PATH_MAX)

/* A link met on the walk, at real: what it points to, then the rest of the
 * path (from p), become the path still to walk; real goes back to the
 * link's directory, or to / for an absolute link.  0, or -1 with why. */
static int follow(char *real, char *rest, const char *p, int *hops, char *why, size_t n)
{
	char link[PATH_MAX], next[WALK_MAX];
	ssize_t l;

	if (++*hops > 40 || (l = readlink(real, link, sizeof link - 1)) <= 0) {
		snprintf(why, n, "cannot be reached: %.200s: too many symbolic links", real);
		return -1;
	}
	link[l] = '\0';
	path_up(real);
	if (link[0] == '/')
		memcpy(real, "/", 2);
	if (snprintf(next, sizeof next, "%s%s", link, p) >= PATH_MAX) {
		snprintf(why, n, "cannot be reached: path too long");
		return -1;
	}
	memcpy(rest, next, WALK_MAX);
	return 0;
}

/* Walk path from / as the kernel would, one component at a time, so that
 * no directory and no symbolic link on the way goes unseen (/var/run is a
 * link to /run on most systems: links are followed, but each lies in a
 * directory already judged).  Every directory adds its writers.  Leaves in
 * real the path of the file itself, its last component not followed. */
static int walk(const char *path, struct writers *wr, char *real, char *why, size_t n)
{
	char rest[WALK_MAX];
	const char *p = rest;
	struct stat sb;
	int hops = 0;

	if (snprintf(rest, sizeof rest, "%s", path) >= PATH_MAX || lstat("/", &sb) < 0) {
		snprintf(why, n, "cannot be reached: path too long");
		return -1;
	}
	memcpy(real, "/", 2);
	writers_of(&sb, "/", 1, wr);
	for (;;) {
		size_t len, have = strlen(real);

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (have + len + 2 > PATH_MAX) {
			snprintf(why, n, "cannot be reached: path too long");
			return -1;
		}
		if ((len == 2 && !strncmp(p, "..", 2)) || (len == 1 && *p == '.')) {
			if (len == 2)
				path_up(real);
			p += len;
			continue;
		}
		snprintf(real + have, PATH_MAX - have, "%s%.*s", have > 1 ? "/" : "", (int)len, p);
		if (!p[len])	/* the file itself */
			return 0;
		if (lstat(real, &sb) < 0) {
			snprintf(why, n, errno == ENOENT ? "does not exist"
				 : "cannot be reached: %.200s: %s", real, strerror(errno));
			return -1;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (follow(real, rest, p + len, &hops, why, n) < 0)
				return -1;
			p = rest;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(why, n, "cannot be reached: %.200s: not a directory", real);
			return -1;
		}
		writers_of(&sb, real, 1, wr);
		p += len;
	}
}

static const char *trust_fails(int pid, const struct proc_ids *id, const struct writers *wr,
			       int root_only, char *why, size_t n)
{
	int i, j;
	char name[32];

	if (wr->anyone) {
		snprintf(why, n, UNTRUSTED "writable by %s", wr->text);
		return why;
	}
	if (!wr->nu && !wr->ng)
		return NULL;
	if (root_only) {
		snprintf(why, n, UNTRUSTED "writable by %s, not only by root", wr->text);
		return why;
	}
	/* Never a root process through a file someone else could write, even
	 * when that process is in the file's group. */
	for (i = 0; id->uid != 0 && i < wr->nu; i++)
		if (id->uid == wr->uid[i])
			return NULL;
	for (i = 0; id->uid != 0 && i < wr->ng; i++)
		for (j = 0; j < id->ngids; j++)
			if (id->gids[j] == wr->gid[i])
				return NULL;
	snprintf(why, n, UNTRUSTED "writable by %s, but pid %d belongs to %s", wr->text, pid,
		 user_name(id->uid, (size_t)-1, name, sizeof name));
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
		char link[PATH_MAX], real[PATH_MAX];
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

/* A start time (ticks since boot) in boot ns; *tick: one tick in ns. */
static long long boot_ns(unsigned long long start, long long *tick)
{
	long tck = sysconf(_SC_CLK_TCK);

	if (tck <= 0)
		tck = 100;
	*tick = NS / tck;
	return (long long)(start / (unsigned long long)tck) * NS
		+ (long long)(start % (unsigned long long)tck) * *tick;
}

int pidfile_started_after(unsigned long long start, const struct timespec *written)
{
	long long now, offset, slack = 0, tick, started = boot_ns(start, &tick);

	if (clocks(&now, &offset, &slack) < 0)
		return 0;	/* no clock: no time is compared (time_fails) */
	return started > ns_of(written) - offset + grain_ns(written) + STALE_TOLERANCE_NS + slack;
}

/* A zombie, a kernel thread, a thread (/proc/TID answers for any thread,
 * though no listing shows it), or gone: why, else NULL and its ids. */
static const char *not_a_process(int dirfd, int pid, const struct pstat *st,
				 struct proc_ids *id, char *why, size_t n)
{
	if (proc_exited(st))
		snprintf(why, n, "names pid %d, which has exited (a zombie)", pid);
	else if (st->flags & PF_KTHREAD_FLAG)
		snprintf(why, n, "names pid %d, a kernel thread", pid);
	else if (proc_ids(dirfd, id) < 0)
		snprintf(why, n, "names pid %d, which is not running", pid);
	else if (id->tgid != pid && id->tgid != -1)
		snprintf(why, n, "names pid %d, a thread of process %d, not a process", pid,
			 id->tgid);
	else
		return NULL;
	return why;
}

/* The process the file names, if it is alive, a process and not a thread
 * or a kernel thread, the one the file means (time_fails), who it should
 * be, and trusted. */
static int check_proc(const struct pidwait *w, const struct pidview *v, const struct pidkey *k,
		      const struct writers *wr,
		      unsigned long long *start, char *why, size_t n)
{
	struct pstat st;
	struct proc_ids id;
	long long started, tick;
	int pid = k->pid, dirfd = proc_open(pid), rc = P_NOPROC;

	if (dirfd < 0 || proc_stat(dirfd, &st) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		snprintf(why, n, "names pid %d, which is not running", pid);
		return P_NOPROC;
	}
	started = boot_ns(st.start, &tick);
	if (!not_a_process(dirfd, pid, &st, &id, why, n)
	    && !time_fails(w, v, k, started, tick, why, n)
		 && !identity_fails(dirfd, pid, &st, w, why, n)) {
		if (!trust_fails(pid, &id, wr, w->root_only, why, n)) {
			*start = st.start;
			rc = P_FOUND;
		} else
			rc = P_UNTRUSTED;
	}
	close(dirfd);
	return rc;
}

static void why_unparsed(const char *buf, size_t len, const char *bad, char *why, size_t n)
{
	char shown[128];

	quote(buf, len, shown, sizeof shown);
	if (len == 0)
		snprintf(why, n, "is empty");
	else if (!strcmp(bad, "no PID on the first line"))
		snprintf(why, n, "has no PID on its first line");
	else
		snprintf(why, n, "holds '%s', not a PID from 2 to %ld", shown, pid_max());
}

static int probe(const struct pidwait *w, struct pidview *v, int *pid,
		 unsigned long long *start, char *why, size_t n)
{
	char buf[PIDFILE_READ_MAX], real[PATH_MAX];
	const char *path = w->path, *bad;
	struct stat sb;
	struct writers wr;
	struct pidkey k;
	size_t len;
	int first = !v->begun, rc;
	long long now = v->last, prev = v->last, prev_offset = v->offset;

	/* Every look is dated, one that finds no file too: a file that appears
	 * later was written after it. */
	if (first) {
		v->begun = 1;
		v->clocked = clocks(&now, &v->offset, &v->slack) == 0;
		v->began = now;
	} else if (v->clocked && clocks(&now, &v->offset, &v->slack) < 0)
		now = prev;
	v->last = now;
	memset(&wr, 0, sizeof wr);
	if (geteuid() == 0 && path[0] == '/') {
		if (walk(path, &wr, real, why, n) < 0)
			return P_NOFILE;
		path = real;
	}
	if (read_pidfile(path, buf, &len, &sb, why, n) < 0)
		return P_NOFILE;
	if ((bad = pidline_parse(buf, len, pid_max(), &k.pid))) {
		why_unparsed(buf, len, bad, why, n);
		return P_NOFILE;
	}
	k.dev = sb.st_dev;
	k.ino = sb.st_ino;
	k.size = sb.st_size;
	if (geteuid() == 0)
		writers_of(&sb, path, 0, &wr);
	if (!v->known || !same_key(&k, &v->key) || ns_of(&sb.st_mtim) != ns_of(&v->mtim)) {
		judge_version(v, &sb.st_mtim, first, now, v->offset, prev, prev_offset);
		v->first_version = first;
		v->known = 1;
		v->key = k;
		v->mtim = sb.st_mtim;
	}
	rc = check_proc(w, v, &k, &wr, start, why, n);
	if (rc == P_FOUND)
		*pid = k.pid;
	return rc;
}

int pidfile_probe(const struct pidwait *w, struct pidview *v, int *pid,
		  unsigned long long *start, char *why, size_t n)
{
	struct pidview once;

	if (!v) {
		memset(&once, 0, sizeof once);
		v = &once;
	}
	return probe(w, v, pid, start, why, n) == P_FOUND;
}

int pidfile_proc_judge(int pid, const struct pidwait *w, uid_t *uid, char *why, size_t n)
{
	struct pstat st;
	struct proc_ids id;
	int dirfd = proc_open(pid), bad;

	id.uid = (uid_t)-1;	/* never root by default */
	if (dirfd < 0 || proc_stat(dirfd, &st) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		snprintf(why, n, "names pid %d, which is not running", pid);
		return -1;
	}
	bad = not_a_process(dirfd, pid, &st, &id, why, n)
		|| identity_fails(dirfd, pid, &st, w, why, n);
	close(dirfd);
	if (bad)
		return -1;
	*uid = id.uid;
	return 0;
}

/* What the waiter found, said (to syslog when detached) and recorded for
 * check (state.h): a host without a syslog daemon would lose it. */
static void outcome(const char *what, int pid, unsigned long long start, int score,
		    const char *line, int loud)
{
	if (loud)
		say("%s", line);
	state_put(what, pid, start, score, line);
}

#define WHY_MAX 800

/* Set the process the file names: its exit code, said and recorded; -1
 * when it was gone between reading and writing (the daemon may be
 * restarting: its next pidfile is still worth waiting for). */
static int set_found(const struct pidwait *w, const char *shown, int score, int pid,
		     unsigned long long start)
{
	char line[1100];
	int rc = w->tree ? apply_tree_pinned(pid, start, score) : score_set(pid, score, start);
	int err = errno;

	if (rc == EXIT_GONE)
		return -1;
	snprintf(line, sizeof line, "set pid %d (from %s)%s OOM score to %d%s%s", pid, shown,
		 w->tree ? " and its descendants" : "", score, rc ? ": " : "",
		 rc ? strerror(err) : "");
	outcome(rc ? "failed" : "done", pid, start, score, line, !rc && w->background);
	return rc;
}

/* Why the wait goes on, told once (recorded; a refusal also said, once),
 * not only at the timeout: an administrator should learn why a wait
 * without end does nothing.  told and said are WHY_MAX long. */
static void tell(const char *shown, int score, int r, const char *why, char *told, char *said)
{
	char line[1100];
	int refused = r == P_UNTRUSTED;

	if (!strcmp(why, told))
		return;
	snprintf(line, sizeof line, refused ? "refuse pidfile %s: %s"
		 : "wait for pidfile %s: the file %s", shown, refused ? why + strlen(UNTRUSTED) : why);
	outcome(refused ? "refused" : "waiting", 0, 0, score, line, refused && strcmp(why, said));
	snprintf(told, WHY_MAX, "%s", why);
	if (refused)
		snprintf(said, WHY_MAX, "%s", why);
}

/* Has the process that started the restart ended (or its PID changed
 * hands)?  Its start time was read before the waiter detached. */
static int caller_gone(const struct pidwait *w)
{
	struct pstat st;
	int fd = proc_open(w->caller), rc = fd < 0 || proc_stat(fd, &st) < 0
		|| proc_exited(&st) || st.start != w->caller_start;

	if (fd >= 0)
		close(fd);
	return rc;
}

static int wait_loop(const struct pidwait *w, const char *shown, int score)
{
	struct notify nt;
	long long deadline = w->timeout ? now_ms() + (long long)w->timeout * 1000 : 0;
	int recheck = RECHECK_MIN_MS;
	char why[WHY_MAX] = "", said[WHY_MAX] = "", told[WHY_MAX] = "", line[1100];
	struct pidview v;

	memset(&v, 0, sizeof v);
	state_name(NULL, NULL);
	notify_open(&nt, w->path);
	for (;;) {
		unsigned long long start;
		int pid, left = -1, r;

		if (w->restart && w->caller && !v.caller_gone)
			v.caller_gone = caller_gone(w);
		r = probe(w, &v, &pid, &start, why, sizeof why);

		if (r == P_FOUND) {
			int rc = set_found(w, shown, score, pid, start);

			if (rc >= 0) {
				notify_close(&nt);
				return rc;
			}
			snprintf(why, sizeof why, "names pid %d, which exited before its score "
				 "was set", pid);
			r = P_NOPROC;
		}
		tell(shown, score, r, why, told, said);
		if (deadline) {
			long long d = deadline - now_ms();

			if (d <= 0) {
				notify_close(&nt);
				snprintf(line, sizeof line, "wait for pidfile %s: timed out after %d s: "
					 "the file %s", shown, w->timeout, why);
				outcome("timeout", 0, 0, score, line, 1);
				if (w->background)
					state_kmsg(line);
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

int pidfile_wait(const struct pidwait *w, int score)
{
	static char abspath[PATH_MAX];
	struct pidwait aw = *w;
	size_t len = strlen(w->path);

	if (!len || w->path[len - 1] == '/')
		die(EXIT_USAGE, "parse pidfile '%s': not a file name", w->path);
	if (w->exe && w->exe[0] != '/')
		die(EXIT_USAGE, "parse --exe %s: not an absolute path", w->exe);
	/* The detached waiter works from /, and the watches need the path. */
	if (w->path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof cwd))
			die(EXIT_FAIL, "wait for pidfile %s: getcwd: %s", w->path, strerror(errno));
		if (snprintf(abspath, sizeof abspath, "%s/%s", cwd, w->path) >= (int)sizeof abspath)
			die(EXIT_USAGE, "parse pidfile %s: path too long", w->path);
		aw.path = abspath;
	} else if (len >= PATH_MAX)
		die(EXIT_USAGE, "parse pidfile %.40s...: path too long", w->path);
	score_warn_unkillable(score);
	if (aw.restart && aw.caller) {
		struct pstat st;
		int fd = proc_open(aw.caller);

		if (fd < 0 || proc_stat(fd, &st) < 0)
			aw.caller = 0;	/* gone already: no sign of its end to wait for */
		else
			aw.caller_start = st.start;
		if (fd >= 0)
			close(fd);
	}
	if (w->background && detach_fork())
		return EXIT_OK;
	return wait_loop(&aw, w->path, score);
}
