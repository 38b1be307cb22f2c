/* bin/shim.so: fault injection for the dynamic bin/oomguard, loaded with
 * LD_PRELOAD, for what the real kernel will not do on demand:
 *
 * OOMGUARD_SHIM_CLOSE=EIO|EACCES: close() of a descriptor opened for writing
 *   on a file named oom_score_adj really closes it (the write stands), then
 *   fails with that error, as NFS or a FUSE file can after a good write.
 * OOMGUARD_SHIM_SWAP=PATH:OTHER: right after the first lstat() of PATH,
 *   exchange PATH and OTHER (renameat2 RENAME_EXCHANGE), i.e. an attacker
 *   who wins the race between the lstat and the open, every time.
 * OOMGUARD_SHIM_SETSID_MS=N: setsid() waits N ms first, as a child that a
 *   busy scheduler runs late.
 * OOMGUARD_SHIM_PAUSE=PATH:DIR: right after the first close() of a
 *   descriptor open on PATH (as /proc/self/fd names it), create DIR/paused
 *   and wait until DIR/go exists (30 s at most): the moment between two
 *   system calls at which a test makes a PID change hands.
 * OOMGUARD_SHIM_PAUSE_READ=PATH:DIR: the same, right after the first read()
 *   of a descriptor open on PATH: between two reads of a children file,
 *   where the kernel may skip a child if one listed before was reaped.
 *
 * For tests/score.bats, tests/pidfile.bats and tests/tree.bats only; never
 * installed. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int close(int fd);
ssize_t read(int fd, void *buf, size_t n);
pid_t setsid(void);
int lstat(const char *restrict path, struct stat *restrict sb);

static int close_errno(void)
{
	const char *e = getenv("OOMGUARD_SHIM_CLOSE");

	if (!e)
		return 0;
	if (!strcmp(e, "EIO"))
		return EIO;
	if (!strcmp(e, "EACCES"))
		return EACCES;
	return 0;
}

static int is_score_writer(int fd)
{
	char link[64], path[4096];
	ssize_t n;
	int fl = fcntl(fd, F_GETFL);
	size_t len;

	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	len = (size_t)n;
	return len >= 14 && !strcmp(path + len - 14, "/oom_score_adj");
}

/* Is fd open on the PATH of OOMGUARD_SHIM_PAUSE, not yet paused at?  Then
 * *dir is its DIR. */
static int pause_at(int fd, const char *var, int *paused, const char **dir)
{
	const char *spec = getenv(var);
	const char *colon = spec ? strchr(spec, ':') : NULL;
	char link[64], path[4096];
	ssize_t n;

	if (*paused || !colon)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n != colon - spec || strncmp(path, spec, (size_t)n))
		return 0;
	*dir = colon + 1;
	return *paused = 1;
}

static int pause_here(int fd, const char **dir)
{
	static int paused;

	return pause_at(fd, "OOMGUARD_SHIM_PAUSE", &paused, dir);
}

static void pause_until_go(const char *dir)
{
	char flag[4096];
	struct timespec t = { 0, 10000000L };
	int fd, i;

	snprintf(flag, sizeof flag, "%s/paused", dir);
	fd = open(flag, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "shim: create %s: %s\n", flag, strerror(errno));
		abort();
	}
	syscall(SYS_close, fd);
	snprintf(flag, sizeof flag, "%s/go", dir);
	for (i = 0; i < 3000 && access(flag, F_OK) < 0; i++)
		nanosleep(&t, NULL);
}

int close(int fd)
{
	int (*real)(int);
	void *sym = dlsym(RTLD_NEXT, "close");
	int err = close_errno();
	int hit = err && is_score_writer(fd);
	const char *dir = NULL;
	int stop = pause_here(fd, &dir);
	int rc;

	/* ISO C has no cast from object to function pointer; copy the bytes. */
	memcpy(&real, &sym, sizeof real);
	rc = real(fd);
	if (stop) {
		int e = errno;

		pause_until_go(dir);
		errno = e;
	}

	if (rc == 0 && hit) {
		errno = err;
		return -1;
	}
	return rc;
}

int lstat(const char *restrict path, struct stat *restrict sb)
{
	static int swapped;
	int (*real)(const char *restrict, struct stat *restrict);
	void *sym = dlsym(RTLD_NEXT, "lstat");
	int rc, err;
	const char *spec = getenv("OOMGUARD_SHIM_SWAP");
	const char *colon = spec ? strchr(spec, ':') : NULL;

	memcpy(&real, &sym, sizeof real);
	rc = real(path, sb);
	err = errno;
	if (!swapped && colon && strlen(path) == (size_t)(colon - spec)
	    && !strncmp(path, spec, (size_t)(colon - spec))) {
		swapped = 1;
		if (syscall(SYS_renameat2, AT_FDCWD, path, AT_FDCWD, colon + 1, RENAME_EXCHANGE) < 0) {
			fprintf(stderr, "shim: exchange %s: %s\n", path, strerror(errno));
			abort();
		}
	}
	errno = err;
	return rc;
}

pid_t setsid(void)
{
	pid_t (*real)(void);
	void *sym = dlsym(RTLD_NEXT, "setsid");
	const char *ms = getenv("OOMGUARD_SHIM_SETSID_MS");

	memcpy(&real, &sym, sizeof real);
	if (ms) {
		long n = strtol(ms, NULL, 10);
		struct timespec t = { n / 1000, n % 1000 * 1000000L };

		nanosleep(&t, NULL);
	}
	return real();
}

ssize_t read(int fd, void *buf, size_t n)
{
	static int paused;
	ssize_t (*real)(int, void *, size_t);
	void *sym = dlsym(RTLD_NEXT, "read");
	const char *dir = NULL;
	int stop = pause_at(fd, "OOMGUARD_SHIM_PAUSE_READ", &paused, &dir);
	ssize_t rc;

	memcpy(&real, &sym, sizeof real);
	rc = real(fd, buf, n);
	if (stop) {
		int e = errno;

		pause_until_go(dir);
		errno = e;
	}
	return rc;
}
