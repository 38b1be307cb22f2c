/* A process with a second thread, for tests/identity.bats: prints the
 * thread's ID (a TID, which /proc/TID answers for like a PID) and sleeps.
 * With "exit-main" (tests/pid.bats), the main thread then calls
 * pthread_exit: /proc/PID/stat shows Z, with num_threads 2, while the
 * process lives on in its other thread. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *run(void *arg)
{
	(void)arg;
	printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 1;
	if (argc > 1 && !strcmp(argv[1], "exit-main"))
		pthread_exit(NULL);
	for (;;)
		pause();
}
