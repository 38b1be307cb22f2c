/* LD_PRELOAD shim for tests/identity.bats: the program sees the wall clock
 * stepped by the number of seconds in the file $OOMGUARD_TEST_CLOCK_STEP
 * (read at every call, so a test can step it while the program runs), as
 * after ntpdate or date -s, while the host's clock is left alone.
 * CLOCK_BOOTTIME and CLOCK_MONOTONIC are not moved: a step does not.
 * With OOMGUARD_TEST_NO_BOOTTIME set, CLOCK_BOOTTIME fails with EINVAL, as
 * on kernels before 2.6.39. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int clock_gettime(clockid_t clk, struct timespec *ts);
int gettimeofday(struct timeval *tv, void *tz);
time_t time(time_t *t);

static long step(void)
{
	const char *path = getenv("OOMGUARD_TEST_CLOCK_STEP");
	char buf[32], *end;
	long v = 0;
	ssize_t n;
	int fd;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtol(buf, &end, 10);
		if (end == buf)
			v = 0;
	}
	return v;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	long rc;

	if (clk == CLOCK_BOOTTIME && getenv("OOMGUARD_TEST_NO_BOOTTIME")) {
		errno = EINVAL;
		return -1;
	}
	rc = syscall(SYS_clock_gettime, clk, ts);

	if (rc == 0 && (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE))
		ts->tv_sec += step();
	return (int)rc;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
