/* One way to speak: "PROG: ACTION OBJECT: REASON", one write(2) per line so
 * that lines from concurrent hooks do not interleave in a shared log. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "msg.h"

static const char *prog = "oomguard";
static int use_syslog;

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

/* A detached waiter has stderr on /dev/null: what it did must reach the log. */
void msg_to_syslog(void)
{
	openlog("oomguard", LOG_PID, LOG_DAEMON);
	use_syslog = 1;
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
	if (use_syslog) {
		line[len] = '\0';
		syslog(LOG_NOTICE, "%s", line + n);
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
