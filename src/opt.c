/* What every getopt_long user shares: how a refused option is named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "opt.h"

void opt_usage_error(const char *usage, int code, const char *action, const char *object,
		     const char *why)
{
	say("%s%s%s: %s", action, *object ? " " : "", object, why);
	fputs(usage, stderr);
	exit(code);
}

/* The option getopt refused, as the user typed it.  argv[optind - 1] is not
 * always it: inside a cluster (-xT) it is the previous word, and musl leaves
 * optind past argc when the last option lacks its value. */
static const char *refused_word(int argc, char **argv, const struct option *longopts)
{
	const char *word = optind - 1 >= 1 && optind - 1 < argc ? argv[optind - 1] : NULL;

	if (word && word[0] == '-' && word[1] == '-' && word[2]) {
		size_t len = strcspn(word + 2, "=");

		/* An unknown long option, or a known one without its value. */
		if (!optopt)
			return word;
		for (; longopts->name; longopts++)
			if (longopts->val == optopt && !strncmp(longopts->name, word + 2, len))
				return word;
	}
	if (optopt > 0 && optopt < 128) {
		static char shortopt[3] = "-?";

		shortopt[1] = (char)optopt;
		return shortopt;
	}
	return word ? word : "?";
}

/* Whether the option getopt named in optopt takes a value. */
static int takes_value(const char *optstring, const struct option *longopts)
{
	const char *p;

	if (!optopt)
		return 0;
	for (; longopts->name; longopts++)
		if (longopts->val == optopt)
			return longopts->has_arg == required_argument;
	p = optopt > 0 && optopt < 128 && optopt != ':' ? strchr(optstring, optopt) : NULL;
	return p && p[1] == ':';
}

void opt_refused(int argc, char **argv, const char *optstring, const struct option *longopts,
		 const char *usage, int code)
{
	const char *word = refused_word(argc, argv, longopts);

	if (takes_value(optstring, longopts))
		opt_usage_error(usage, code, "parse option", word, "needs a value");
	opt_usage_error(usage, code, "parse option", word, "unknown option");
}
