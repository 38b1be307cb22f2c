/* Called as oom-kill-protect: nosh's syntax and meaning, so that run files
 * written for nosh work unchanged:
 *   oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]
 * LEVEL is a number (base 0, as nosh reads it), "fromenv" (variable
 * oomprotect), or a boolean word: true/yes/on = -1000, false/no/off = 0.
 * A failed write is fatal unless --oknoaccess and the cause is EACCES/EPERM. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "num.h"
#include "oomguard.h"
#include "score.h"

static const char usage[] =
	"usage: oom-kill-protect [--oknoaccess] [--] LEVEL PROG [ARG...]\n";

static int level_parse(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	long v;
	size_t i;

	if (!num_parse(s, 0, SCORE_MIN, SCORE_MAX, &v)) {
		*out = (int)v;
		return 0;
	}
	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = SCORE_MIN;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int bad(const char *action, const char *object, const char *why)
{
	say("%s%s%s: %s", action, *object ? " " : "", object, why);
	fputs(usage, stderr);
	return EXIT_FAIL;
}

int nosh_main(int argc, char **argv)
{
	int i, oknoaccess = 0, level;
	const char *arg;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--oknoaccess"))
			oknoaccess = 1;
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1] && !isdigit((unsigned char)argv[i][1]))
			return bad("parse option", argv[i], "unknown option");
		else
			break;
	}
	if (i >= argc)
		return bad("parse arguments", "", "missing protection level");
	arg = argv[i++];
	if (!strcmp(arg, "fromenv")) {
		arg = getenv("oomprotect");
		if (!arg)
			die(EXIT_FAIL, "read environment oomprotect: not set");
	}
	if (level_parse(arg, &level))
		die(EXIT_FAIL, "parse level '%s': not an integer from -1000 to 1000 "
		    "or true/yes/on/false/no/off", arg);
	if (i >= argc)
		return bad("parse arguments", "", "missing program");
	score_warn_unkillable(level);
	if (score_set(0, level, 0) != EXIT_OK
	    && !(oknoaccess && (errno == EACCES || errno == EPERM)))
		return EXIT_FAIL;
	return chain_exec(argv + i);
}
