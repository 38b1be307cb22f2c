#ifndef OOMGUARD_REPORT_H
#define OOMGUARD_REPORT_H

#include <limits.h>
#include <stddef.h>

/* The formats of oomguard check; text and tsv are printed by check.c as it
 * goes, the others here from the rows gathered first. */
enum report_format { REPORT_TEXT, REPORT_TSV, REPORT_NAGIOS, REPORT_PROM, REPORT_JSON };

/* Monitoring Plugins states, which are also the exit codes of the nagios format. */
enum { NAGIOS_OK = 0, NAGIOS_WARNING = 1, NAGIOS_CRITICAL = 2, NAGIOS_UNKNOWN = 3 };

#define REPORT_NONE INT_MIN	/* no process, or its value could not be read */

/* One row of check: a rule, and one process it governs (pid 0: none). */
struct report_row {
	char *rule, *comm, *status, *detail;	/* rule "": the host's (an OOM kill of no rule) */
	int pid, want, now;
	long long killed_at;	/* an OOM kill's row: when (epoch seconds), else -1 */
	int killed_adj;		/* and the oom_score_adj the kernel printed, or REPORT_NONE */
};

struct report_rows {
	struct report_row *v;
	size_t n;
};

/* The format called NAME, or -1. */
int report_format(const char *name);
void report_add(struct report_rows *rs, const char *rule, int pid, const char *comm,
		int want, int now, const char *status, const char *detail);
/* Print the rows on stdout in FMT; returns the exit code of check. */
int report_print(enum report_format fmt, const struct report_rows *rs);
void report_free(struct report_rows *rs);

/* The nagios format's answer to a bad command line or table: the line on
 * stdout, the exit code UNKNOWN.  WHY is the message said on stderr. */
void report_unknown(const char *why);
/* The nagios format's answer to a table with no rule: WARNING, with WHY. */
void report_nagios_empty(const char *why);
/* Around conf_load, for the nagios format: what it says on stderr (which
 * NRPE throws away) is kept, and repeated there; the last line is returned. */
void report_capture_begin(void);
const char *report_capture_end(void);

/* --output FILE: stdout goes to a new file beside FILE (NULL), or a reason
 * why not.  report_output_done() checks every write to stdout, and puts the
 * file in FILE's place whole; an exit before removes it. */
const char *report_output_open(const char *path);
void report_output_done(void);

#endif
