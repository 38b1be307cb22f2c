/* bench/churn.c - what an unprivileged user can throw at oomguard watch:
 *   churn comm SECS          rename itself (prctl PR_SET_NAME) in a loop
 *   churn rename DIR SECS    rename DIR/a to DIR/b and back in a loop
 * as fast as it can for SECS seconds; prints the number of operations. */
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
	int rename_mode = argc == 4 && !strcmp(argv[1], "rename");

	if (!rename_mode && !(argc == 3 && !strcmp(argv[1], "comm"))) {
		fprintf(stderr, "usage: churn comm SECS | churn rename DIR SECS\n");
		return 2;
	}
	secs = strtod(argv[argc - 1], &e);
	if (e == argv[argc - 1] || *e || secs <= 0 || secs > 3600) {
		fprintf(stderr, "churn: %s: not a number of seconds\n", argv[argc - 1]);
		return 2;
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
	}
	printf("%lu\n", n);
	return 0;
}
