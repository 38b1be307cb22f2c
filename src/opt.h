#ifndef OOMGUARD_OPT_H
#define OOMGUARD_OPT_H

#include <getopt.h>

#include "msg.h"

/* The one usage-error style of every command line: a line naming the fault,
 * then USAGE, on standard error, and exit CODE. */
void opt_usage_error(const char *usage, int code, const char *action, const char *object,
		     const char *why) OG_NORETURN;
/* After getopt_long returned '?' (opterr = 0): the option as the user typed
 * it, and whether it lacked its value or is unknown, as a usage error. */
void opt_refused(int argc, char **argv, const char *optstring, const struct option *longopts,
		 const char *usage, int code) OG_NORETURN;

#endif
