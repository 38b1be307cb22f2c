/* The one place that writes an OOM score.  Everything else calls score_set. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "proc.h"
#include "score.h"

static const char *who(int pid)
{
	static char buf[32];

	if (!pid)
		return "own";
	snprintf(buf, sizeof buf, "pid %d", pid);
	return buf;
}

static int quiet_gone;	/* a process that has gone is no news */

static int gone(int pid, const char *why)
{
	if (!quiet_gone)
		say("set %s OOM score: %s", who(pid), why);
	errno = ESRCH;
	return EXIT_GONE;
}

/* Why a process's own file cannot even be opened: it belongs to root when
 * the process is root's, or when the process changed user without exec and
 * so became non-dumpable (then even raising its score is refused). */
static void explain_open(int pid, int dirfd, const char *file, int err)
{
	struct stat sb;
	uid_t uid;

	if (err != EACCES && err != EPERM)
		say("open %s %s: %s", who(pid), file, strerror(err));
	else if (!pid && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
		say("open own %s: %s: this process is non-dumpable (it changed user "
		    "without exec); set the score as root before dropping privileges, "
		    "e.g. oomguard -n SCORE -- chpst -u USER PROG", file, strerror(err));
	else if (pid && fstatat(dirfd, file, &sb, 0) == 0 && proc_uid(dirfd, &uid) == 0
		 && sb.st_uid == 0 && uid != 0)
		say("open %s %s: %s: the process is non-dumpable (it changed user "
		    "without exec), so only root may change its score", who(pid), file,
		    strerror(err));
	else
		say("open %s %s: %s: only root or the process's owner may change "
		    "its score", who(pid), file, strerror(err));
}

static void explain_write(int pid, const char *file, int value, int err)
{
	if (err == EACCES || err == EPERM)
		say("write %s %s %d: %s: lowering a score below the process's floor "
		    "needs CAP_SYS_RESOURCE, which root lacks in unprivileged containers "
		    "(LXC, OpenVZ, Docker); raising always works", who(pid), file, value,
		    strerror(err));
	else
		say("write %s %s %d: %s", who(pid), file, value, strerror(err));
}

/* "N\n" (or "N ") to N. */
static int parse_int(char *buf, int n, int *out)
{
	long v;

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	if (num_parse(buf, 10, -100000, 100000, &v)) {
		errno = EINVAL;
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int read_int(int dirfd, const char *file, int *out)
{
	char buf[32];
	int n = proc_read_line(dirfd, file, buf, sizeof buf);

	return n < 0 ? -1 : parse_int(buf, n, out);
}

/* A FIFO takes no read back through the descriptor that wrote it: its
 * reader sees EOF only once we close.  Only a fake root (tests) has one. */
static int is_fifo(int dirfd, const char *file)
{
	struct stat sb;

	return proc_root_fake() && fstatat(dirfd, file, &sb, 0) == 0 && S_ISFIFO(sb.st_mode);
}

/* The write of put_fd: 0, or 2 with *err. */
static int fd_write(int fd, int value, int *err)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%d\n", value);
	ssize_t n;

	do
		n = write(fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n == len)
		return 0;
	*err = n < 0 ? errno : EIO;
	return 2;
}

/* Its read-back: pread at 0 (a seekable file: no EINTR, no short read of
 * a line); 0, or 3 with *err. */
static int fd_back(int fd, int *back, int *err)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	if (n >= 0 && parse_int(buf, (int)n, back) == 0)
		return 0;
	*err = errno;
	return 3;
}

/* Write the value and read back what the kernel kept, through one
 * descriptor: write, pread at 0, close (a FIFO: write, close, then read_int
 * through dirfd).  Each step checked: stdio would report EACCES only at
 * fclose (OpenRC's start-stop-daemon loses the error that way).  Returns 0,
 * or the step that failed (2 write or close, 3 read back) with errno. */
static int put_fd(int fd, int fifo, int dirfd, const char *file, int value, int *back)
{
	int err = 0, step = fd_write(fd, value, &err);

	if (!step && !fifo)
		step = fd_back(fd, back, &err);
	if (close(fd) < 0 && !step) {
		step = 2;
		err = errno;
	}
	if (!step && fifo && read_int(dirfd, file, back) < 0) {
		step = 3;
		err = errno;
	}
	errno = err;
	return step;
}

/* The same after opening it (O_RDWR, or O_WRONLY for a FIFO); step 1: the
 * open failed. */
static int put_value(int dirfd, const char *file, int value, int *back)
{
	int fifo = is_fifo(dirfd, file);
	int fd = openat(dirfd, file, (fifo ? O_WRONLY : O_RDWR) | O_TRUNC | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? 1 : put_fd(fd, fifo, dirfd, file, value, back);
}

/* What a step's failure means, said; EXIT_OK when there was none and the
 * kernel kept the value. */
static int judge(int pid, int dirfd, const char *file, int value, int back, int step)
{
	int err = errno;

	if (step && (err == ESRCH || (step == 2 && err == EINVAL)))
		return gone(pid, "the process exited");
	if (step == 1)
		explain_open(pid, dirfd, file, err);
	else if (step == 2)
		explain_write(pid, file, value, err);
	else if (step == 3)
		say("read back %s %s: %s", who(pid), file, strerror(err));
	else if (back != value) {
		say("set %s %s %d: the kernel kept %d", who(pid), file, value, back);
		err = EIO;
	} else
		return EXIT_OK;
	errno = err;
	return EXIT_FAIL;
}

/* Write through dirfd, which pins the process (pid 0: our own). */
static int put_score(int pid, int dirfd, int score)
{
	const char *file = "oom_score_adj";
	int value = score, back = 0, step;

	step = put_value(dirfd, file, value, &back);
	if (step == 1 && errno == ENOENT) {
		/* Linux < 2.6.36 has only oom_adj.  Never touch it otherwise:
		 * newer kernels log a deprecation line for every write. */
		file = "oom_adj";
		value = score_to_adj(score);
		step = put_value(dirfd, file, value, &back);
	}
	return judge(pid, dirfd, file, value, back, step);
}

static int set_at(int pid, int dirfd, int score, unsigned long long start)
{
	struct pstat st;

	if (pid && proc_stat(dirfd, &st) == 0) {
		/* A write to a zombie "succeeds" and protects nothing. */
		if (proc_exited(&st))
			return gone(pid, "the process has exited (zombie)");
		if (start && st.start != start)
			return gone(pid, "the process exited and its PID was reused");
	} else if (pid && errno == ESRCH)
		return gone(pid, "no such process");
	/* Other errors: a fake procfs root without stat; go on. */
	return put_score(pid, dirfd, score);
}

/* Our own score, the chain-load's, through /proc/self/oom_score_adj opened
 * directly: the /proc/self descriptor of the general path pins nothing
 * here (we are the process), and costs an open and a close before every
 * exec.  Its write, read-back and checked close are put_fd's.  -1 when it
 * cannot be opened (Linux < 2.6.36 has only oom_adj; a refusal, explained
 * by the general path) or under a fake root (its FIFOs): then that path. */
static int set_self(int score)
{
	int back = 0, step, fd;

	if (proc_root_fake())
		return -1;
	fd = open("/proc/self/oom_score_adj", O_RDWR | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	step = put_fd(fd, 0, -1, "oom_score_adj", score, &back);
	return judge(0, -1, "oom_score_adj", score, back, step);
}

int score_set(int pid, int score, unsigned long long start)
{
	int rc, err, dirfd;

	if (!pid && (rc = set_self(score)) >= 0)
		return rc;
	dirfd = proc_open(pid);

	if (dirfd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			return gone(pid, "no such process");
		err = errno;
		/* Short enough that the reason is never cut off the line. */
		say("open %.200s%s/%d: %s", proc_root(), strlen(proc_root()) > 200 ? "..." : "",
		    pid, strerror(err));
		errno = err;
		return EXIT_FAIL;
	}
	rc = set_at(pid, dirfd, score, start);
	err = errno;
	close(dirfd);
	errno = err;
	return rc;
}

int score_read(int dirfd, int *oom_score, int *score_adj)
{
	int adj;

	if (read_int(dirfd, "oom_score", oom_score) < 0)
		return -1;
	if (read_int(dirfd, "oom_score_adj", score_adj) == 0)
		return 0;
	if (errno != ENOENT || read_int(dirfd, "oom_adj", &adj) < 0)
		return -1;
	*score_adj = adj_to_score(adj);
	return 0;
}

/* A member found by a scan (-T): if it has exited, say nothing. */
int score_set_member(int pid, int score, unsigned long long start)
{
	int rc;

	quiet_gone = 1;
	rc = score_set(pid, score, start);
	quiet_gone = 0;
	return rc;
}

/* The same through its oom_score_adj, opened O_RDWR before st was read
 * (proc_scan_with): the descriptor reaches the process st describes, or
 * one that has exited, so st's start time needs no second look.  Closes
 * adjfd; -1 (not opened: a fake root's FIFO, an old kernel's oom_adj, a
 * user's EACCES) takes the path by PID, pinned by st's start time. */
int score_set_member_fd(int adjfd, const struct pstat *st, int score)
{
	int rc, back = 0;

	if (adjfd < 0)
		return score_set_member(st->pid, score, st->start);
	quiet_gone = 1;
	if (proc_exited(st)) {
		close(adjfd);
		rc = gone(st->pid, "the process has exited (zombie)");
	} else {
		int step;

		/* A fake root's file keeps what a longer value left. */
		if (proc_root_fake() && ftruncate(adjfd, 0) < 0)
			say("truncate pid %d oom_score_adj: %s", st->pid, strerror(errno));
		step = put_fd(adjfd, 0, -1, "oom_score_adj", score, &back);
		rc = judge(st->pid, -1, "oom_score_adj", score, back, step);
	}
	quiet_gone = 0;
	return rc;
}

/* A member of the top-down walk (-T) in two halves, so that the walk reads
 * its children between its write and its read-back: the read-back, through
 * the descriptor opened before the member's stat, then also says that the
 * process the stat described lived until after its children were read
 * (ESRCH if not).  Returns 0 when the write was tried; EXIT_GONE (adjfd
 * closed) when st has exited (proc_exited): it has no children, they went
 * to init. */
int score_half_write(struct score_half *h, int adjfd, const struct pstat *st, int score)
{
	h->fd = adjfd;
	h->score = score;
	h->err = 0;
	if (proc_exited(st)) {
		close(adjfd);
		return EXIT_GONE;
	}
	/* A fake root's file keeps what a longer value left. */
	if (proc_root_fake() && ftruncate(adjfd, 0) < 0)
		say("truncate pid %d oom_score_adj: %s", st->pid, strerror(errno));
	h->step = fd_write(adjfd, score, &h->err);
	return 0;
}

/* The read-back (made after a failed write too: it is the proof of life),
 * the checked close, the verdict as score_set_member_fd's; *alive: the
 * process was there at the read-back. */
int score_half_done(struct score_half *h, const struct pstat *st, int *alive)
{
	int back = 0, err = 0, step, rc;

	step = fd_back(h->fd, &back, &err);
	*alive = !(step && err == ESRCH);
	if (h->step) {
		step = h->step;
		err = h->err;
	}
	if (close(h->fd) < 0 && !step) {
		step = 2;
		err = errno;
	}
	quiet_gone = 1;
	errno = err;
	rc = judge(st->pid, -1, "oom_score_adj", h->score, back, step);
	quiet_gone = 0;
	return rc;
}

int score_get(int pid, int *oom_score, int *score_adj)
{
	int err = 0, dirfd = proc_open(pid);

	if (dirfd < 0 || score_read(dirfd, oom_score, score_adj) < 0)
		err = errno;
	if (dirfd >= 0)
		close(dirfd);
	if (err == ESRCH || err == ENOENT) {
		say("read pid %d OOM score: no such process", pid);
		return EXIT_GONE;
	}
	if (err) {
		say("read pid %d OOM score: %s", pid, strerror(err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

void score_warn_unkillable(int score)
{
	if (score == SCORE_MIN)
		say("warning: %d makes the process unkillable, and every child it "
		    "forks inherits that; a tree all at %d leaves the OOM killer "
		    "nothing to kill (a panic on a global OOM); %d..%d protects almost as well",
		    SCORE_MIN, SCORE_MIN, SCORE_MIN + 1, SCORE_MIN + 100);
}
