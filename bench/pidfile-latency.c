/* Helper of bench/pidfile-latency.sh: how long from a pidfile being written
 * to the score of the process it names being visible in oom_score_adj.
 *
 *   pidfile-latency each N DELAY_MS PIDFILE SCORE CMD [ARG...]
 *       per trial: start CMD (a waiter such as oomguard -f), wait until it
 *       is ready (an inotify watch in its fdinfo, or a line on its stderr),
 *       fork a target, wait a random 0..DELAY_MS, write PIDFILE, and time
 *       until the target's score is SCORE.
 *   pidfile-latency once N DELAY_MS PIDFILE SCORE CMD [ARG...]
 *       start CMD once (a shell loop), then the same trials.
 *
 * The random delay puts the write at a random phase of a poller's period:
 * without it every write would land just after a poll, the worst case.
 *
 * Prints one latency per line, in microseconds. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what)
{
	fprintf(stderr, "pidfile-latency: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
		fail(path);
}

static int score_of(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	if (n <= 0)
		return -100000;
	buf[n] = '\0';
	return atoi(buf);
}

static pid_t start(char **argv, int *errfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		dup2(p[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*errfd = p[0];
	return pid;
}

/* An inotify watch in place, or anything said on stderr ("polling..."). */
static int ready(pid_t pid, int errfd)
{
	char path[64], line[256];
	struct pollfd pfd = { errfd, POLLIN, 0 };
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (poll(&pfd, 1, 0) > 0)
		return read(errfd, line, sizeof line) > 0;
	snprintf(path, sizeof path, "/proc/%d/fdinfo", (int)pid);
	if (!(d = opendir(path)))
		return 0;
	while (!found && (de = readdir(d))) {
		char f[512];
		FILE *fp;

		snprintf(f, sizeof f, "%s/%s", path, de->d_name);
		if (!(fp = fopen(f, "r")))
			continue;
		while (fgets(line, sizeof line, fp))
			if (!strncmp(line, "inotify wd:", 11))
				found = 1;
		fclose(fp);
	}
	closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	int n, score, i, each, delay, errfd = -1;
	const char *pidfile;
	pid_t waiter = 0;

	if (argc < 7 || (strcmp(argv[1], "each") && strcmp(argv[1], "once")))
		return fprintf(stderr, "usage: pidfile-latency each|once N DELAY_MS PIDFILE "
			       "SCORE CMD...\n"), 2;
	each = !strcmp(argv[1], "each");
	n = atoi(argv[2]);
	delay = atoi(argv[3]);
	pidfile = argv[4];
	score = atoi(argv[5]);
	srand((unsigned)(now_ns() ^ getpid()));
	put("/proc/self/oom_score_adj", "0\n");
	if (!each)
		waiter = start(argv + 6, &errfd);
	for (i = 0; i < n; i++) {
		char buf[32], path[64];
		long long t0, t1, limit;
		pid_t target;
		int fd;

		unlink(pidfile);
		if (each) {
			long long until = now_ns() + 5000000000LL;

			waiter = start(argv + 6, &errfd);
			while (!ready(waiter, errfd)) {
				if (now_ns() > until) {
					errno = ETIMEDOUT;
					fail("waiter never got ready");
				}
				usleep(200);
			}
		}
		target = fork();
		if (target < 0)
			fail("fork");
		if (target == 0) {
			pause();
			_exit(0);
		}
		snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)target);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			fail(path);
		snprintf(buf, sizeof buf, "%d\n", (int)target);
		if (delay > 0)
			usleep((useconds_t)(rand() % (delay * 1000)));
		t0 = now_ns();
		put(pidfile, buf);
		limit = t0 + 10000000000LL;
		/* Yield between reads: on a small machine the waiter needs the CPU. */
		while (score_of(fd) != score) {
			if (now_ns() > limit) {
				errno = ETIMEDOUT;
				fail("the score never came");
			}
			sched_yield();
		}
		t1 = now_ns();
		printf("%lld\n", (t1 - t0) / 1000);
		close(fd);
		kill(target, SIGKILL);
		waitpid(target, NULL, 0);
		if (each) {
			waitpid(waiter, NULL, 0);
			close(errfd);
		}
	}
	if (!each) {
		kill(waiter, SIGTERM);
		waitpid(waiter, NULL, 0);
	}
	unlink(pidfile);
	return fflush(stdout) != 0;
}
