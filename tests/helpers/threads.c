/* A process with a second thread, for tests/identity.bats and
 * tests/tree.bats: prints the thread's ID (a TID, which /proc/TID answers
 * for like a PID) and sleeps.  "threads fork": the second thread forks a
 * child (which only waits), and the line is "TID CHILD".  "threads later":
 * one thread only until a line comes on standard input; then the same as
 * "fork", from a thread made then (a child that /proc/PID/task/PID/children
 * does not list: only the new thread's file does).  "threads exit-main"
 * (tests/pid.bats): the main thread then calls pthread_exit: /proc/PID/stat
 * shows Z, with num_threads 2, while the process lives on in its other
 * thread. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int forks;

static void *run(void *arg)
{
	long child = 0;

	(void)arg;
	if (forks && (child = fork()) == 0)
		for (;;)
			pause();
	if (forks)
		printf("%ld %ld\n", (long)syscall(SYS_gettid), child);
	else
		printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	char line[16];

	forks = argc > 1 && (!strcmp(argv[1], "fork") || !strcmp(argv[1], "later"));
	if (argc > 1 && !strcmp(argv[1], "later") && !fgets(line, sizeof line, stdin))
		return 1;
	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 1;
	if (argc > 1 && !strcmp(argv[1], "exit-main"))
		pthread_exit(NULL);
	for (;;)
		pause();
}
