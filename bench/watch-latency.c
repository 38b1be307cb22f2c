/* Helper of bench/watch.sh: how long from a program's exec, or from a
 * pidfile being written, to the score oomguard watch gives it being visible
 * in /proc/PID/oom_score_adj.
 *
 *   watch-latency exec N DELAY_MS PROG SCORE
 *       per trial: wait a random 0..DELAY_MS, fork; the child notes the
 *       time in shared memory and execs PROG 1000; time until its score is
 *       SCORE, then kill it.
 *   watch-latency pidfile N DELAY_MS PIDFILE SCORE
 *       per trial: fork a child that only waits, wait a random 1..DELAY_MS
 *       (so the child is older than the file, as a daemon is), note the
 *       time, write "PID\n" to PIDFILE; time until its score is SCORE.
 *
 * The random delay puts each event at a random phase of a rescan's period:
 * without it, every event would land at the same phase.
 * Prints one latency per line, in microseconds; gives up after 10 s.
 * Built with bench.c. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	volatile long long *t0;
	int n, delay, score, i, exec_mode;

	bench_init("watch-latency");
	if (argc != 6 || (strcmp(argv[1], "exec") && strcmp(argv[1], "pidfile"))) {
		fprintf(stderr, "usage: watch-latency exec|pidfile N DELAY_MS PROG|PIDFILE SCORE\n");
		return 2;
	}
	exec_mode = !strcmp(argv[1], "exec");
	n = (int)arg_long(argv[2], "N", 1, 1000000);
	delay = (int)arg_long(argv[3], "DELAY_MS", 0, 3600000);
	score = (int)arg_long(argv[5], "SCORE", -1000, 1000);
	t0 = mmap(NULL, sizeof *t0, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED)
		fail("mmap");
	for (i = 0; i < n; i++) {
		pid_t pid;
		int fd;

		*t0 = 0;
		if (exec_mode) {
			nap_us(delay ? 1000 * rnd(delay + 1) : 0);
			pid = fork();
			if (pid < 0)
				fail("fork");
			if (pid == 0) {
				*t0 = now_ns();
				execl(argv[4], argv[4], "1000", (char *)NULL);
				_exit(127);
			}
			fd = score_open(pid);
		} else {
			char buf[32];

			pid = idler();
			fd = score_open(pid);
			nap_us(delay ? 1000 * (1 + rnd(delay)) : 0);
			snprintf(buf, sizeof buf, "%d\n", (int)pid);
			*t0 = now_ns();
			put(argv[4], buf);
		}
		while (!*t0)
			sched_yield();
		printf("%lld\n", wait_score(fd, score, *t0));
		close(fd);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return 0;
}
