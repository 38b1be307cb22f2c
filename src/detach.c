/* Detaching completely, for the pidfile waiter (-b) and the watch daemon
 * (watch -b): a helper that keeps its caller's stdout or any other inherited
 * descriptor open makes $(service x start) and remote runners hang. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "detach.h"
#include "msg.h"
#include "num.h"

static void close_inherited(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de = NULL;
	long max, fd;

	if (d) {
		int self = dirfd(d), n = 0, fds[256];

		/* Collect first: closing while reading the directory is undefined. */
		while ((de = readdir(d)) && n < 256) {
			long v;

			if (!num_parse(de->d_name, 10, 3, 1L << 30, &v) && v != self && v != keep)
				fds[n++] = (int)v;
		}
		closedir(d);
		while (n > 0)
			close(fds[--n]);
		if (!de)
			return;
	}
	/* No /proc, or more than we collected: close them all the slow way. */
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1L << 20)
		max = 1L << 20;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close((int)fd);
}

void detach_finish(int keep)
{
	sigset_t none;
	int fd;

	close_inherited(keep);
	fd = open("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	} else {
		close(0);
		close(1);
		close(2);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	msg_to_syslog();
	if (chdir("/") < 0)
		say("detach: chdir /: %s", strerror(errno));
}

int detach_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(EXIT_FAIL, "detach: fork: %s", strerror(errno));
	if (pid > 0) {
		/* Reap the session leader: when the caller returns, the waiter
		 * exists (a pgrep or a status check after it finds it), and no
		 * zombie is left to the caller's parent. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return 1;
	}
	setsid();
	/* The session leader exits: the child can never get a terminal. */
	pid = fork();
	if (pid < 0)
		_exit(EXIT_FAIL);
	if (pid > 0)
		_exit(EXIT_OK);
	detach_finish(-1);
	return 0;
}
