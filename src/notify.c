/* The Linux part of the pidfile wait: inotify(7), with polling behind the
 * same interface where inotify is missing (ENOSYS), out of instances
 * (EMFILE, fs.inotify.max_user_instances) or out of watches (ENOSPC,
 * fs.inotify.max_user_watches), or disabled by OOMGUARD_NO_INOTIFY=1. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "notify.h"

/* The file's own directory: every way a file comes to hold a PID (create,
 * write in place, rename onto, chmod/chown/touch) and every way it goes. */
#define MASK_TARGET (IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB \
		     | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* An ancestor: only the next missing directory appearing matters. */
#define MASK_ANCESTOR (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static void fall_back(struct notify *n, const char *why)
{
	say("watch pidfile %s: inotify %s; polling every %d ms instead", n->path, why,
	    NOTIFY_POLL_MS);
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	n->wd = -1;
}

int path_up(char *dir)
{
	size_t len = strlen(dir);
	char *slash;

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	if (!strcmp(dir, "/") || !strcmp(dir, "."))
		return 0;
	slash = strrchr(dir, '/');
	if (!slash) {
		memcpy(dir, ".", 2);
		return 1;
	}
	if (slash == dir) {
		dir[1] = '\0';
		return 1;
	}
	*slash = '\0';
	len = (size_t)(slash - dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	return 1;
}

/* The component of target that follows the ancestor dir: "/a/b/c", "/a" -> "b". */
static void next_component(const char *target, const char *dir, char *out)
{
	const char *p = target;
	size_t len;

	if (strcmp(dir, ".") && (strlen(dir) > 1 || *dir != '/'))
		p += strlen(dir);
	else if (*dir == '/')
		p += 1;
	while (*p == '/')
		p++;
	len = strcspn(p, "/");
	memcpy(out, p, len);
	out[len] = '\0';
}

/* One watch, on the deepest directory of the path that exists.  A directory
 * made between our attempt on it and the watch on its parent would never be
 * announced: look for it after arming, and go down again if it is there. */
static int arm(struct notify *n)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		char dir[PATH_MAX];
		int wd, at_target = 1;
		struct stat sb;

		memcpy(dir, n->target, sizeof dir);
		while ((wd = inotify_add_watch(n->fd, dir, at_target ? MASK_TARGET
					       : MASK_ANCESTOR)) < 0) {
			if ((errno != ENOENT && errno != ENOTDIR) || !path_up(dir)) {
				char why[160];

				snprintf(why, sizeof why, "on %.100s: %s", dir, strerror(errno));
				fall_back(n, why);
				return -1;
			}
			at_target = 0;
		}
		if (n->wd >= 0 && n->wd != wd)
			inotify_rm_watch(n->fd, n->wd);
		n->wd = wd;
		n->at_target = at_target;
		memcpy(n->watched, dir, sizeof n->watched);
		if (at_target) {
			const char *slash = strrchr(n->path, '/');

			snprintf(n->name, sizeof n->name, "%s", slash ? slash + 1 : n->path);
			return 0;
		}
		next_component(n->target, dir, n->name);
		if (snprintf(dir, sizeof dir, "%s/%s", n->watched, n->name) >= (int)sizeof dir
		    || stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
			return 0;
	}
	return 0;
}

int notify_fd(void)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	/* inotify_init1 is Linux 2.6.27 (RHEL 5 has 2.6.18); inotify_init
	 * alone is 2.6.13.  ENOSYS from the kernel, EINVAL from a libc that
	 * has the wrapper but an old kernel that knows no flags. */
	if (fd < 0 && (errno == ENOSYS || errno == EINVAL)) {
		fd = inotify_init();
		if (fd >= 0 && (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0
				|| fcntl(fd, F_SETFL, O_NONBLOCK) < 0)) {
			int e = errno;

			close(fd);
			errno = e;
			fd = -1;
		}
	}
	return fd;
}

int notify_open(struct notify *n, const char *path)
{
	const char *env = getenv("OOMGUARD_NO_INOTIFY");
	const char *slash = strrchr(path, '/');
	size_t dlen;

	n->path = path;
	n->fd = -1;
	n->wd = -1;
	if (!slash)
		memcpy(n->target, ".", 2);
	else if (slash == path)
		memcpy(n->target, "/", 2);
	else {
		dlen = (size_t)(slash - path);
		if (dlen >= sizeof n->target)
			dlen = sizeof n->target - 1;
		memcpy(n->target, path, dlen);
		n->target[dlen] = '\0';
	}
	if (env && !strcmp(env, "1")) {
		fall_back(n, "disabled by OOMGUARD_NO_INOTIFY=1");
		return 1;
	}
	n->fd = notify_fd();
	if (n->fd < 0) {
		fall_back(n, strerror(errno));
		return 1;
	}
	return arm(n) < 0;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int notify_drain(int fd, notify_judge *judge, void *ctx, int *what)
{
	union {
		struct inotify_event ev;
		char buf[4096];
	} u;
	int count = 0;

	*what = 0;
	for (;;) {
		ssize_t len = read(fd, u.buf, sizeof u.buf);
		char *p;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EAGAIN)
			return count;
		if (len <= 0) {
			*what |= NOTIFY_FAILED;
			return count;
		}
		for (p = u.buf; p < u.buf + len; count++) {
			struct inotify_event *e = (struct inotify_event *)(void *)p;

			p += sizeof *e + e->len;
			*what |= (e->mask & IN_Q_OVERFLOW) ? NOTIFY_OVERFLOW : judge(ctx, e, *what);
		}
	}
}

/* The pidfile wait's judge: events of its one watch, for its one name. */
static int judge_path(void *ctx, const struct inotify_event *e, int so_far)
{
	const struct notify *n = ctx;

	(void)so_far;
	if (e->wd != n->wd)
		return 0;
	if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT))
		return NOTIFY_SEEN | NOTIFY_REARM;
	/* Without a name the event is about the directory itself (chmod,
	 * chown): the trust in the file may have changed. */
	if (!e->len || !strcmp(e->name, n->name))
		return n->at_target ? NOTIFY_SEEN : NOTIFY_SEEN | NOTIFY_REARM;
	return 0;
}

/* Read what is queued: 1 if any of it may concern the path, -1 on error.
 * Watches are re-armed when the path's shape changed. */
static int drain(struct notify *n)
{
	int what;

	notify_drain(n->fd, judge_path, n, &what);
	if (what & NOTIFY_FAILED)
		return -1;
	if ((what & (NOTIFY_OVERFLOW | NOTIFY_REARM)) && arm(n) < 0)
		return 1;
	return what != 0;	/* the judge says REARM only with SEEN */
}

int notify_wait(struct notify *n, int ms)
{
	long long deadline = ms >= 0 ? now_ms() + ms : 0;

	for (;;) {
		struct pollfd pfd;
		int left = -1, r;

		if (ms >= 0) {
			long long d = deadline - now_ms();

			if (d <= 0)
				return 0;
			left = d > 1000000 ? 1000000 : (int)d;
		}
		if (n->fd < 0) {
			if (left < 0 || left > NOTIFY_POLL_MS)
				left = NOTIFY_POLL_MS;
			poll(NULL, 0, left);
			return 1;
		}
		pfd.fd = n->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fall_back(n, strerror(errno));
			return 1;
		}
		if (r == 0)
			return 0;
		r = drain(n);
		if (r < 0) {
			fall_back(n, "read failed");
			return 1;
		}
		if (r)
			return 1;
	}
}

void notify_close(struct notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}
