#ifndef OOMGUARD_NOTIFY_H
#define OOMGUARD_NOTIFY_H

#include <limits.h>
#include <sys/inotify.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* How often the fallback looks again: fast enough that a daemon's pidfile
 * is seen within a scheduler tick or two, slow enough to cost nothing. */
#define NOTIFY_POLL_MS 20

/* Waiting for a file to appear or change.  inotify on its directory (or on
 * the nearest ancestor that exists yet) where it works; polling where not. */
struct notify {
	int fd;			/* inotify descriptor; -1 when polling */
	int wd;			/* the one watch in force; -1 for none */
	int at_target;		/* the watch is on the file's own directory */
	char target[PATH_MAX];	/* the file's directory */
	char watched[PATH_MAX];	/* the directory watched now */
	char name[PATH_MAX];	/* what to look for in it: the file's name, or the
				 * next component of the path still missing */
	const char *path;
};

/* dir = its parent directory, in place; 0 when there is none left ("/" or
 * "."): the one dirname of the program. */
int path_up(char *dir);
/* Milliseconds on the monotonic clock, for deadlines. */
long long now_ms(void);
/* A non-blocking, close-on-exec inotify descriptor, on any kernel that has
 * inotify at all; -1 with errno set. */
int notify_fd(void);
/* Start watching PATH (which must not end in '/').  Returns 0 on inotify, 1
 * when polling, having said once why. */
int notify_open(struct notify *n, const char *path);
/* Wait until something may have happened to PATH, or for ms milliseconds
 * (-1: no bound).  1: look again; 0: the time is up. */
int notify_wait(struct notify *n, int ms);
void notify_close(struct notify *n);

/* What the events read mean to the one draining them, ORed over all. */
#define NOTIFY_OVERFLOW 1	/* the queue overflowed: events were lost */
#define NOTIFY_SEEN 2		/* one concerns what we wait for: look again */
#define NOTIFY_REARM 4		/* the watches must be placed again */
#define NOTIFY_FAILED 8		/* a read failed (errno): stop trusting fd */
/* Says what event e means (NOTIFY_SEEN, NOTIFY_REARM or 0), knowing what
 * the events before it meant (so_far). */
typedef int notify_judge(void *ctx, const struct inotify_event *e, int so_far);
/* Read every event queued on the non-blocking inotify descriptor fd and
 * judge each but the overflow, which the drain marks itself.  Returns the
 * number of events read; *what, their meaning. */
int notify_drain(int fd, notify_judge *judge, void *ctx, int *what);

#endif
