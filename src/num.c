/* Pure parsers: no I/O, so tests/unit can check every edge. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

const char *unum_parse(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))	/* strtoull takes blanks and a sign */
		return "not an integer";
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return "not an integer";
	if (errno == ERANGE || v > max)
		return "out of range";
	*out = v;
	return NULL;
}

const char *uid_parse(const char *s, unsigned long *out)
{
	unsigned long long v;
	const char *why = unum_parse(s, 4294967294ULL, &v);

	if (!why)
		*out = (unsigned long)v;
	return why;
}

const char *uid_or_none(const char *s, long long *out)
{
	unsigned long v = 0;
	const char *why;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return NULL;
	}
	if (!(why = uid_parse(s, &v)))
		*out = (long long)v;
	return why;
}

const char *num_parse(const char *s, int base, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return "empty";
	/* strtol would skip leading blanks: a value with blanks is a typo. */
	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')
		return "not an integer";
	errno = 0;
	v = strtol(s, &end, base);
	if (end == s || *end)
		return "not an integer";
	if (errno == ERANGE || v < min || v > max)
		return "out of range";
	*out = v;
	return 0;
}

const char *score_parse(const char *s, int *out)
{
	long v;

	if (num_parse(s, 10, SCORE_MIN, SCORE_MAX, &v))
		return SCORE_BAD;
	*out = (int)v;
	return NULL;
}

const char *pid_parse(const char *s, int *out)
{
	long v;
	const char *why;

	if (s && (*s == '+' || *s == '-'))
		return "not a process ID";
	why = num_parse(s, 10, 1, PID_LIMIT, &v);
	if (!why)
		*out = (int)v;
	return why;
}

/* oom_adj (-17..15) exists alone before Linux 2.6.36.  The kernel maps
 * 15 <-> 1000 specially and otherwise scales by 17/1000, truncating; 999
 * would scale to 16, which oom_adj refuses, so it saturates at 15. */
int score_to_adj(int score)
{
	int adj;

	if (score >= SCORE_MAX)
		return 15;
	adj = score * 17 / 1000;
	return adj > 15 ? 15 : adj;
}

int adj_to_score(int adj)
{
	if (adj >= 15)
		return SCORE_MAX;
	return adj * 1000 / 17;
}

/* The first line of a pidfile: optional blanks, a decimal PID from 2 to
 * pid_max, optional blanks, then a newline or the end of the data.  The
 * digits are counted, not given to strtol, so that a 10 MB line of digits
 * or a NUL inside the buffer cannot be mistaken for a number. */
const char *pidline_parse(const char *buf, size_t len, long pid_max, int *pid)
{
	size_t i = 0;
	long v = 0;
	int digits = 0;

	if (len == 0)
		return "empty";
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (i == len || buf[i] == '\n')
		return "no PID on the first line";
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++, digits++)
		if (v <= pid_max)	/* stop growing: no overflow, still too big */
			v = v * 10 + (buf[i] - '0');
	if (!digits)
		return "not a decimal PID";
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (i < len && buf[i] != '\n')
		return "not a decimal PID";
	/* 1 is init, never a daemon's own pidfile; 0 is no process. */
	if (v < 2 || v > pid_max)
		return "PID out of range";
	*pid = (int)v;
	return NULL;
}
