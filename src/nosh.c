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
#include "opt.h"
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

/* nosh's grammar exactly: options stop at the first non-option ('+'), a
 * word of a minus and a digit is LEVEL, and a long option is never taken
 * abbreviated (getopt_long would take --okno). */
static int parse(int argc, char **argv, int *oknoaccess)
{
	static const struct option longopts[] = {
		{ "oknoaccess", no_argument, 0, 'o' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static const char optstring[] = "+h";
	int c;

	opterr = 0;
	while (optind < argc && !(argv[optind][0] == '-' && isdigit((unsigned char)argv[optind][1]))
	       && (c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		const char *word = argv[optind - 1];

		if (c == 'o' && !strcmp(word, "--oknoaccess"))
			*oknoaccess = 1;
		else if (c == 'h' && (!strcmp(word, "--help") || !strcmp(word, "-h"))) {
			fputs(usage, stdout);
			exit(EXIT_OK);
		} else if (c == '?')
			opt_refused(argc, argv, optstring, longopts, usage, EXIT_FAIL);
		else
			opt_usage_error(usage, EXIT_FAIL, "parse option", word, "unknown option");
	}
	return optind;
}

int nosh_main(int argc, char **argv)
{
	int i, oknoaccess = 0, level;
	const char *arg;

	i = parse(argc, argv, &oknoaccess);
	if (i >= argc)
		opt_usage_error(usage, EXIT_FAIL, "parse arguments", "", "missing protection level");
	arg = argv[i++];
	if (!strcmp(arg, "fromenv")) {
		arg = getenv("oomprotect");
		if (!arg)
			die(EXIT_FAIL, "read environment oomprotect: not set");
	}
	if (level_parse(arg, &level)) {
		char e[128];

		die(EXIT_FAIL, "parse level '%s': " SCORE_BAD " (nor true/yes/on/false/no/off)",
		    msg_esc(e, sizeof e, arg));
	}
	if (i >= argc)
		opt_usage_error(usage, EXIT_FAIL, "parse arguments", "", "missing program");
	score_warn_unkillable(level);
	if (score_set(0, level, 0) != EXIT_OK
	    && !(oknoaccess && (errno == EACCES || errno == EPERM)))
		return EXIT_FAIL;
	return chain_exec(argv + i);
}
