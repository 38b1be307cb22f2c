/* Shared by the bench helpers; see bench.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const char *prog = "bench";
static unsigned long long rnd_state;

void bench_init(const char *name)
{
	/* splitmix64 of the clock and the pid: a xorshift state never 0. */
	unsigned long long z = (unsigned long long)now_ns()
			       ^ ((unsigned long long)getpid() << 32);

	prog = name;
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	rnd_state = z ? z : 1;
}

void fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

long arg_long(const char *s, const char *what, long min, long max)
{
	const char *why = NULL;
	char *end;
	long v = 0;

	/* strtol would skip leading blanks: refuse them, as a typo. */
	if (!*s || (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')) {
		why = "not an integer";
	} else {
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || *end)
			why = "not an integer";
		else if (errno == ERANGE || v < min || v > max)
			why = "out of range";
	}
	if (why) {
		fprintf(stderr, "%s: %s '%s': %s (%ld..%ld)\n", prog, what, s, why, min, max);
		exit(2);
	}
	return v;
}

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void nap_us(long long us)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* xorshift64* (Vigna): jitter for a benchmark, not for security. */
long long rnd(long long n)
{
	unsigned long long x = rnd_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	return (long long)((x * 0x2545f4914f6cdd1dULL) % (unsigned long long)n);
}

pid_t idler(void)
{
	pid_t pid = fork();

	if (pid < 0)
		fail("fork");
	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

int score_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		fail(path);
	return fd;
}

int score_of(int fd)
{
	char buf[16], *end;
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	long v;

	if (n <= 0)
		return -100000;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end == buf ? -100000 : (int)v;
}

void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
		fail(path);
}

long long wait_score(int fd, int score, long long t0)
{
	while (score_of(fd) != score) {
		if (now_ns() - t0 > 10000000000LL) {
			errno = ETIMEDOUT;
			fail("the score never came");
		}
		sched_yield();
	}
	return (now_ns() - t0) / 1000;
}
