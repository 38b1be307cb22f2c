/* hog: hold memory, for the end-to-end OOM tests and `make demo`.
 *
 *   hog [-p PIDFILE] [-s STEP_MIB] [-d STEP_MS] MIB
 *
 * Allocates MIB MiB (in steps of STEP_MIB, default all at once, waiting
 * STEP_MS milliseconds between steps), touches every page so that it is
 * really charged to the process (and to its memory cgroup), then writes
 * its PID to PIDFILE (atomically: a temporary file renamed into place) and
 * sleeps until a signal ends it.  Used as the "vital daemon" (one big
 * block, then a pidfile as daemons write them) and as the hogs (steps,
 * until the OOM killer ends them or they reach MIB and hold it).
 * Exit: 0 never (it sleeps), 1 allocation or pidfile failed, 2 usage. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)

static void usage(void)
{
	fputs("usage: hog [-p PIDFILE] [-s STEP_MIB] [-d STEP_MS] MIB\n", stderr);
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		usage();
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		usage();
	return v;
}

static int write_pidfile(const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return -1;
	if (!(f = fopen(tmp, "w")))
		return -1;
	if (fprintf(f, "%ld\n", (long)getpid()) < 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void *kept;

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	unsigned long total, step = 0, delay = 0, done, n;
	struct timespec ts;
	int c;

	while ((c = getopt(argc, argv, "p:s:d:")) != -1) {
		switch (c) {
		case 'p':
			pidfile = optarg;
			break;
		case 's':
			step = number(optarg, 1UL << 20);
			break;
		case 'd':
			delay = number(optarg, 60000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	total = number(argv[optind], 1UL << 20);
	if (step == 0 || step > total)
		step = total;

	for (done = 0; done < total; done += n) {
		char *p;

		n = total - done < step ? total - done : step;
		if (!(p = malloc(n * MIB))) {
			fprintf(stderr, "hog: allocate %lu MiB: out of memory\n", n);
			return 1;
		}
		memset(p, 0xa5, n * MIB); /* every page, really charged */
		/* Chained, so that every block stays reachable: held, not leaked. */
		*(void **)(void *)p = kept;
		kept = p;
		if (delay && done + n < total) {
			ts.tv_sec = (time_t)(delay / 1000);
			ts.tv_nsec = (long)(delay % 1000) * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	if (pidfile && write_pidfile(pidfile) != 0) {
		fprintf(stderr, "hog: write %s: %s\n", pidfile, strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}
