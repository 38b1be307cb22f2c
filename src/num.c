/* Pure parsers: no I/O, so tests/unit can check every edge. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "num.h"

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
	const char *why = num_parse(s, 10, SCORE_MIN, SCORE_MAX, &v);

	if (!why)
		*out = (int)v;
	return why;
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
