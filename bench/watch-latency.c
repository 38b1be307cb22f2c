/* Helper of bench/watch.sh: how long from a program's exec, or from a
 * pidfile being written, to the score oomguard watch gives it being visible
 * in /proc/PID/oom_score_adj.
 *
 *   watch-latency exec N DELAY_MS PROG SCORE
 *       per trial: wait a random 0..DELAY_MS, fork; the child notes the
 *       time in shared memory and execs PROG 1000; time until its score is
 *       SCORE, then kill it.
 *   watch-latency pidfile N DELAY_MS PIDFILE SCORE
 *       per trial: fork a child that only waits, wait a random 0..DELAY_MS
 *       (so the child is older than the file, as a daemon is), note the
 *       time, write "PID\n" to PIDFILE; time until its score is SCORE.
 *
 * The random delay puts each event at a random phase of a rescan's period:
 * without it, every event would land at the same phase.
 * Prints one latency per line, in microseconds; gives up after 10 s. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what)
{
	fprintf(stderr, "watch-latency: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
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

int main(int argc, char **argv)
{
	volatile long long *t0;
	int n, delay, score, i, exec_mode;

	if (argc != 6 || (strcmp(argv[1], "exec") && strcmp(argv[1], "pidfile"))) {
		fprintf(stderr, "usage: watch-latency exec|pidfile N DELAY_MS PROG|PIDFILE SCORE\n");
		return 2;
	}
	exec_mode = !strcmp(argv[1], "exec");
	n = atoi(argv[2]);
	delay = atoi(argv[3]);
	score = atoi(argv[5]);
	t0 = mmap(NULL, sizeof *t0, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED)
		fail("mmap");
	srand((unsigned)getpid());
	for (i = 0; i < n; i++) {
		char path[64], buf[32];
		long long t1;
		pid_t pid;
		int fd;

		*t0 = 0;
		if (exec_mode)
			nap_ms(delay ? rand() % (delay + 1) : 0);
		pid = fork();
		if (pid < 0)
			fail("fork");
		if (pid == 0) {
			if (exec_mode) {
				*t0 = now_ns();
				execl(argv[4], argv[4], "1000", (char *)NULL);
				_exit(127);
			}
			for (;;)
				pause();
		}
		snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			fail(path);
		if (!exec_mode) {
			int pf;

			nap_ms(delay ? 1 + rand() % delay : 0);
			snprintf(buf, sizeof buf, "%d\n", (int)pid);
			*t0 = now_ns();
			pf = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (pf < 0 || write(pf, buf, strlen(buf)) != (ssize_t)strlen(buf)
			    || close(pf) < 0)
				fail(argv[4]);
		}
		while (!*t0)
			sched_yield();
		while (score_of(fd) != score) {
			if (now_ns() - *t0 > 10000000000LL) {
				errno = ETIMEDOUT;
				fail("wait for the score");
			}
			sched_yield();
		}
		t1 = now_ns();
		printf("%lld\n", (t1 - *t0) / 1000);
		close(fd);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return 0;
}
