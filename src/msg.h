#ifndef OOMGUARD_MSG_H
#define OOMGUARD_MSG_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define OG_NORETURN __attribute__((noreturn))
#define OG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OG_NORETURN
#define OG_PRINTF(a, b)
#endif

/* Exit codes: the man page lists the same table.  EXIT_, not <sysexits.h>'s
 * EX_ names: its EX_USAGE is 64, ours is 2. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	/* a score could not be set or read */
	EXIT_USAGE = 2,	/* bad argument, option or environment value */
	EXIT_GONE = 3,	/* the process does not exist, or has exited */
	EXIT_TIMEOUT = 4,	/* the pidfile never named a usable process in time */
	EXIT_NOEXEC = 126,
	EXIT_NOTFOUND = 127
};

void msg_init(const char *argv0);
/* NAME, a command line or a path from /proc or a file, printable: control
 * bytes, \\ and non-ASCII as \n \t \r \\ \xHH, cut with "...".  Returns out. */
const char *msg_esc(char *out, size_t size, const char *s);
/* The same for len bytes, NULs included. */
const char *msg_esc_n(char *out, size_t size, const char *s, size_t len);
/* Undo msg_esc in place (a record read back); a \x00 ends the string. */
char *msg_unesc(char *s);
const char *msg_prog(void);
void msg_to_syslog(void);
void say(const char *fmt, ...) OG_PRINTF(1, 2);
void die(int code, const char *fmt, ...) OG_NORETURN OG_PRINTF(2, 3);

#endif
