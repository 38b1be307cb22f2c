/* bench/treefloor.c - the floor under `oomguard -T`, for bench/tree.sh.
 *
 *   treefloor LIST SCORE
 *
 * For each PID of LIST (one a line, the members of a tree, found before
 * and not timed), the 7 system calls that -T makes for a member and
 * nothing else: open PID/oom_score_adj, open PID/stat, read it, close it,
 * write SCORE, read it back, close.  No listing of /proc, no parsing, no
 * outsiders, no check of what comes back but the count: what a -T of this
 * design could cost at best on this machine.  Exits 1 if a write fails. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXPIDS 200000

static int pids[MAXPIDS];

static int member(int procfd, int pid, const char *val, size_t len)
{
	char name[32], buf[1024];
	int adj, st, bad;

	snprintf(name, sizeof name, "%d/oom_score_adj", pid);
	adj = openat(procfd, name, O_RDWR | O_CLOEXEC);
	snprintf(name, sizeof name, "%d/stat", pid);
	st = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	bad = adj < 0 || st < 0 || read(st, buf, sizeof buf) <= 0;
	if (st >= 0)
		close(st);
	if (bad) {
		if (adj >= 0)
			close(adj);
		return -1;
	}
	bad = write(adj, val, len) != (ssize_t)len || pread(adj, buf, sizeof buf, 0) <= 0;
	return close(adj) < 0 || bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	char val[16], line[64], *end;
	FILE *f;
	int n = 0, i, procfd;

	if (argc != 3 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: treefloor LIST SCORE\n");
		return 2;
	}
	while (n < MAXPIDS && fgets(line, sizeof line, f)) {
		long v = strtol(line, &end, 10);

		if (end == line || (*end && *end != '\n') || v <= 0 || v > 1L << 22) {
			fprintf(stderr, "treefloor: %s: not a PID: %s", argv[1], line);
			return 2;
		}
		pids[n++] = (int)v;
	}
	fclose(f);
	snprintf(val, sizeof val, "%s\n", argv[2]);
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		perror("treefloor: open /proc");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (member(procfd, pids[i], val, strlen(val)) < 0) {
			fprintf(stderr, "treefloor: set %d: %s\n", pids[i], strerror(errno));
			return 1;
		}
	return 0;
}
