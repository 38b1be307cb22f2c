/* report-rows FORMAT: the rows of oomguard check, as tsv on stdin ("-" for
 * a field with no value), printed by src/report.c in FORMAT.  For what the
 * binary cannot show: the table's grammar keeps blanks, quotes and
 * non-ASCII bytes out of rule names, which the escapers must still survive
 * (tests/monitor.bats). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "report.h"

/* "\n" in a field of the input stands for a newline. */
static char *field(char **p)
{
	char *f = *p, *end = strchr(f, '\t'), *n;

	if (end)
		*end = '\0';
	*p = end ? end + 1 : f + strlen(f);
	while ((n = strstr(f, "\\n"))) {
		*n = '\n';
		memmove(n + 1, n + 2, strlen(n + 2) + 1);
	}
	return f;
}

static int num(const char *s)
{
	return strcmp(s, "-") ? (int)strtol(s, NULL, 10) : REPORT_NONE;
}

int main(int argc, char **argv)
{
	struct report_rows rs = { NULL, 0 };
	char line[4096];
	int fmt, rc;

	msg_init("oomguard");
	if (argc != 2 || (fmt = report_format(argv[1])) < REPORT_NAGIOS)
		die(EXIT_USAGE, "parse arguments: report-rows nagios|prom|json <rows.tsv");
	while (fgets(line, sizeof line, stdin)) {
		char *p = line, *f[7];
		int i, pid;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 7; i++)
			f[i] = field(&p);
		pid = num(f[1]);
		report_add(&rs, f[0], pid == REPORT_NONE ? 0 : pid, f[2], num(f[3]), num(f[4]),
			   f[5], strcmp(f[6], "-") ? f[6] : "");
	}
	rc = report_print((enum report_format)fmt, &rs);
	report_free(&rs);
	report_output_done();
	return rc;
}
