/* One way to speak: "PROG: ACTION OBJECT: REASON", one write(2) per line so
 * that lines from concurrent hooks do not interleave in a shared log. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "msg.h"

static const char *prog = "oomguard";
static char prog_buf[128];
static int log_fd = -1;

/* Names, command lines and paths come from /proc and from files that other
 * users choose: a newline in one would forge a log line or a tsv row, an ESC
 * would drive the terminal.  Every byte that is not printable ASCII is shown
 * as \xHH (\n, \t, \r and \\ by their names), and what does not fit ends
 * in "...".  Always NUL-terminates out (size >= 4). */
static size_t esc_byte(unsigned char c, char e[5])
{
	static const char named[] = "\nn\tt\rr\\\\";
	const char *k;

	if (c >= 0x20 && c < 0x7f && c != '\\') {
		e[0] = (char)c;
		return 1;
	}
	for (k = named; *k; k += 2)
		if ((unsigned char)*k == c) {
			e[0] = '\\';
			e[1] = k[1];
			return 2;
		}
	snprintf(e, 5, "\\x%02x", c);
	return 4;
}

const char *msg_esc(char *out, size_t size, const char *s)
{
	return msg_esc_n(out, size, s, strlen(s));
}

const char *msg_esc_n(char *out, size_t size, const char *s, size_t len)
{
	size_t o = 0;

	for (; len; s++, len--) {
		char e[5];
		size_t n = esc_byte((unsigned char)*s, e);

		if (o + n + 4 > size) {
			memcpy(out + o, "...", 4);
			return out;
		}
		memcpy(out + o, e, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

char *msg_unesc(char *s)
{
	static const char named[] = "n\nt\tr\r\\\\";
	char *in = s, *out = s, *k;

	while (*in) {
		if (*in != '\\' || !in[1]) {
			*out++ = *in++;
			continue;
		}
		if (in[1] == 'x' && isxdigit((unsigned char)in[2]) && isxdigit((unsigned char)in[3])) {
			char hex[3] = { in[2], in[3], '\0' };

			*out++ = (char)strtol(hex, NULL, 16);
			in += 4;
		} else if ((k = strchr(named, in[1])) && (k - named) % 2 == 0) {
			*out++ = k[1];
			in += 2;
		} else
			*out++ = *in++;
	}
	*out = '\0';
	return s;
}

/* argv[0] is the caller's choice, of any length and bytes. */
void msg_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0 && (!slash || slash[1]))
		prog = msg_esc(prog_buf, sizeof prog_buf, slash ? slash + 1 : argv0);
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

/* The last guard: a control byte that reached a message unescaped (a path
 * or name a caller did not pass through msg_esc) is still never raw. */
static size_t defang(char *line, size_t len, size_t size)
{
	char out[2048];
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < sizeof out && o + 5 < size; i++) {
		unsigned char c = (unsigned char)line[i];

		out[o] = (char)c;
		if (c < 0x20 || c == 0x7f)
			o += esc_byte(c, out + o);
		else
			o++;
	}
	/* cppcheck-suppress uninitvar ; out[0..o) is written above */
	memcpy(line, out, o);
	return o;
}

/* Cut, never overflow: prog is at most 127 bytes (msg_init), and the text
 * after it is cut to what is left of the line. */
static void vsay(const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s: ", prog);
	int m;
	size_t len;

	if (n < 0 || n > (int)sizeof line - 2)
		n = 0;
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	len = (size_t)n + (size_t)m;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	len = defang(line, len, sizeof line - 1);
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
