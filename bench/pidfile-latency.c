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
 * Prints one latency per line, in microseconds.  Built with bench.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static pid_t start(char **argv, int *errfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0
	    || fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0)
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

	bench_init("pidfile-latency");
	if (argc < 7 || (strcmp(argv[1], "each") && strcmp(argv[1], "once")))
		return fprintf(stderr, "usage: pidfile-latency each|once N DELAY_MS PIDFILE "
			       "SCORE CMD...\n"), 2;
	each = !strcmp(argv[1], "each");
	n = (int)arg_long(argv[2], "N", 1, 1000000);
	delay = (int)arg_long(argv[3], "DELAY_MS", 0, 3600000);
	pidfile = argv[4];
	score = (int)arg_long(argv[5], "SCORE", -1000, 1000);
	put("/proc/self/oom_score_adj", "0\n");
	if (!each)
		waiter = start(argv + 6, &errfd);
	for (i = 0; i < n; i++) {
		char buf[32];
		long long t0;
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
				nap_us(200);
			}
		}
		target = idler();
		fd = score_open(target);
		snprintf(buf, sizeof buf, "%d\n", (int)target);
		if (delay > 0)
			nap_us(rnd(delay * 1000LL));
		t0 = now_ns();
		put(pidfile, buf);
		/* Yield between reads: on a small machine the waiter needs the CPU. */
		printf("%lld\n", wait_score(fd, score, t0));
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
