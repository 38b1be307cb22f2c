/* bench/forktree.c - a tree of N sleeping processes, for bench/tree.sh.
 *
 *   forktree N FANOUT
 *
 * Forks a root, which forks the tree below it: node i (0 is the root) has
 * the children FANOUT*i+1 .. FANOUT*i+FANOUT that are below N, so N
 * processes in all, about log_FANOUT(N) levels deep.  Every process then
 * sleeps in pause().  When all N are up, forktree prints the root's PID
 * and waits.
 *
 * Clean-up: send forktree SIGTERM (or SIGINT, SIGHUP); it also gets SIGTERM
 * when its own parent dies.  It then kills the tree's process group (all of
 * the tree) and reaps every process of it: it is their subreaper, so none
 * is left to an init that may not reap.  Should forktree itself be
 * SIGKILLed, every process below it still dies: each has PR_SET_PDEATHSIG
 * SIGKILL, so each level dies with its parent, down to the leaves. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static long n_all, fanout;
static int ready_fd;

static long arg(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "forktree: %s: not a number in %ld..%ld\n", s, min, max);
		exit(2);
	}
	return v;
}

/* Node i: fork its children, say it is up, sleep. */
static void node(long i)
{
	pid_t self = getpid();
	long c;

	for (c = fanout * i + 1; c <= fanout * i + fanout && c < n_all; c++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("forktree: fork");
			_exit(1);
		}
		if (pid == 0) {
			/* A parent that died before the prctl sends no signal. */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != self)
				_exit(1);
			self = getpid();
			i = c;
			c = fanout * i;	/* the loop's c++ makes it the first child */
		}
	}
	if (write(ready_fd, "x", 1) != 1)
		_exit(1);
	close(ready_fd);
	for (;;)
		pause();
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/* Start the tree; its root's PID once all N processes are up. */
static pid_t grow(const sigset_t *old)
{
	int p[2];
	long got = 0;
	pid_t root;
	char buf[512];

	if (pipe(p) < 0)
		fail("forktree: pipe");
	root = fork();
	if (root < 0)
		fail("forktree: fork");
	if (root == 0) {
		close(p[0]);
		ready_fd = p[1];
		if (setpgid(0, 0) < 0 || sigprocmask(SIG_SETMASK, old, NULL) < 0
		    || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			_exit(1);
		node(0);
	}
	setpgid(root, root);	/* either of us may be first */
	close(p[1]);
	while (got < n_all) {
		ssize_t r = read(p[0], buf, sizeof buf);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* The pipe closed early: a process failed. */
			fprintf(stderr, "forktree: only %ld of %ld processes started\n", got, n_all);
			kill(-root, SIGKILL);
			while (wait(NULL) > 0 || errno == EINTR)
				;
			exit(1);
		}
		got += r;
	}
	close(p[0]);
	return root;
}

int main(int argc, char **argv)
{
	sigset_t set, old;
	pid_t root, parent = getppid();
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: forktree N FANOUT\n");
		return 2;
	}
	n_all = arg(argv[1], 1, 100000);
	fanout = arg(argv[2], 1, 1000);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0
	    || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0
	    || prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
		fail("forktree: set up");
	if (getppid() != parent)
		return 1;
	root = grow(&old);
	printf("%ld\n", (long)root);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	kill(-root, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
