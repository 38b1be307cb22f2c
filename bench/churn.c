/* bench/churn.c - what an unprivileged user can throw at oomguard watch:
 *   churn comm SECS          rename itself (prctl PR_SET_NAME) in a loop
 *   churn rename DIR SECS    rename DIR/a to DIR/b and back in a loop
 *   churn rename DIR SECS N  the same, sleeping 1 ms after every N renames
 * as fast as it can for SECS seconds; prints the number of operations.
 * The paced form is a flood that a watch as fast as it reads a few events
 * at each wakeup (tests/watch.bats). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char a[4096], b[4096], name[16];
	unsigned long n = 0;
	double end, secs;
	char *e;
	long every = 0;
	int rename_mode = (argc == 4 || argc == 5) && !strcmp(argv[1], "rename");
	int si = rename_mode ? 3 : 2;
	const struct timespec ms = { 0, 1000000 };

	if (!rename_mode && !(argc == 3 && !strcmp(argv[1], "comm"))) {
		fprintf(stderr, "usage: churn comm SECS | churn rename DIR SECS [N]\n");
		return 2;
	}
	secs = strtod(argv[si], &e);
	if (e == argv[si] || *e || secs <= 0 || secs > 3600) {
		fprintf(stderr, "churn: %s: not a number of seconds\n", argv[si]);
		return 2;
	}
	if (argc == 5) {
		every = strtol(argv[4], &e, 10);
		if (e == argv[4] || *e || every < 1 || every > 1000000) {
			fprintf(stderr, "churn: %s: not a number of renames\n", argv[4]);
			return 2;
		}
	}
	end = now() + secs;
	if (rename_mode) {
		FILE *f;

		snprintf(a, sizeof a, "%s/a", argv[2]);
		snprintf(b, sizeof b, "%s/b", argv[2]);
		f = fopen(a, "w");
		if (!f || fclose(f) != 0) {
			perror(a);
			return 1;
		}
	}
	while ((n & 1023) || now() < end) {
		if (rename_mode) {
			if (rename(n & 1 ? b : a, n & 1 ? a : b) != 0) {
				perror("rename");
				return 1;
			}
		} else {
			snprintf(name, sizeof name, "churn%lu", n & 7);
			prctl(PR_SET_NAME, name, 0, 0, 0);
		}
		n++;
		if (every && n % (unsigned long)every == 0)
			nanosleep(&ms, NULL);
	}
	printf("%lu\n", n);
	return 0;
}
