/* One way to speak: "PROG: ACTION OBJECT: REASON", one write(2) per line so
 * that lines from concurrent hooks do not interleave in a shared log. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "msg.h"

static const char *prog = "oomguard";
static int log_fd = -1;

void msg_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0)
		prog = slash ? slash + 1 : argv0;
}

const char *msg_prog(void)
{
	return prog;
}

static int log_connect(void)
{
	struct sockaddr_un sa;

	if (log_fd < 0)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, "/dev/log", sizeof "/dev/log");
	return log_fd >= 0 ? connect(log_fd, (struct sockaddr *)&sa, sizeof sa) : -1;
}

/* A detached waiter has stderr on /dev/null: what it did must reach the log.
 * Our own few lines of syslog client, not syslog(3): musl's pulls in the
 * time-zone code for a timestamp that every syslogd (rsyslog, busybox,
 * journald) adds itself, and the static binary must stay small. */
void msg_to_syslog(void)
{
	if (log_fd < 0)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_fd < 0)
		log_fd = -2;	/* no socket at all: say nothing, as syslog(3) */
	else
		log_connect();
}

/* facility daemon (3), severity notice (5) */
static void log_line(const char *text)
{
	char buf[1100];
	int n = snprintf(buf, sizeof buf, "<%d>oomguard[%ld]: %s", 3 * 8 + 5,
			 (long)getpid(), text);

	if (n < 0)
		return;
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	/* syslogd restarted since: connect again, once. */
	if (send(log_fd, buf, (size_t)n, 0) < 0 && log_connect() == 0
	    && send(log_fd, buf, (size_t)n, 0) < 0)
		return;
}

static void vsay(const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s: ", prog);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	size_t len;

	if (m < 0)
		m = 0;
	len = (size_t)n + (size_t)m;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	if (log_fd != -1) {
		line[len] = '\0';
		if (log_fd >= 0)
			log_line(line + n);
		return;
	}
	line[len++] = '\n';
	/* Nothing sensible is left to do if stderr itself fails. */
	if (write(2, line, len) < 0)
		return;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(code);
}
