/* oomguard apply NAME PID: what the init-system hooks call.  Looks NAME up
 * in the table, sets PID (the init script's own shell, so the daemon it
 * starts inherits the score from birth) and, when the rule names a pidfile,
 * leaves a detached waiter for daemons that reset their score or are
 * started indirectly.  A name with no rule is not an error: every LSB init
 * script passes through here, so it is silent about other services' bad
 * lines. */
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "msg.h"
#include "num.h"
#include "oomguard.h"
#include "opt.h"
#include "pidfile.h"
#include "rules.h"
#include "score.h"
#include "state.h"

static const char usage[] = "usage: oomguard apply [-c CONFIG] [-r] NAME PID\n";

/* Options stop at NAME ('+'): the hooks pass NAME and PID as they are. */
static int parse(int argc, char **argv, const char **path, int *named, int *restart)
{
	static const struct option longopts[] = {
		{ "restart", no_argument, 0, 'r' },
		{ 0, 0, 0, 0 }
	};
	static const char optstring[] = "+c:r";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (c == 'r') {
			*restart = 1;
			continue;
		}
		if (c != 'c')
			opt_refused(argc, argv, optstring, longopts, usage, EXIT_USAGE);
		*path = optarg;
		*named = 1;
	}
	if (argc - optind != 2)
		opt_usage_error(usage, EXIT_USAGE, "parse arguments", "",
				"apply takes [-c CONFIG] [-r] NAME PID");
	return optind;
}

int hook_main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT, *why;
	const struct rule *r;
	struct conf c;
	struct pidwait w;
	int i, pid, rc, named = 0, restart = 0;

	i = parse(argc, argv, &path, &named, &restart);
	if ((why = pid_parse(argv[i + 1], &pid)))
		die(EXIT_USAGE, "parse PID %s: %s", argv[i + 1], why);
	if (conf_load(path, named, &c) < 0)
		return EXIT_USAGE;
	/* Every LSB script passes through here: another service's bad line
	 * is not this one's business (check lists them all).  This one's own
	 * bad line leaves it with no rule: said, exit 2, and the hooks start
	 * the service anyway. */
	if (!(r = conf_find(&c, argv[i])))
		return conf_say_bad(&c, argv[i]) ? EXIT_USAGE : EXIT_OK;
	score_warn_unkillable(r->score);
	rc = score_set(pid, r->score, 0);
	if (r->pidfile) {
		rule_pidwait(r, &w);
		w.background = 1;
		w.restart = restart;
		w.caller = pid;	/* the init script's shell: its end ends the action */
		/* The file the rule came from (a drop-in, often), not the table's. */
		state_name(argv[i], r->file);
		if (pidfile_wait(&w, r->score) != EXIT_OK && rc == EXIT_OK)
			rc = EXIT_FAIL;
	}
	return rc;
}
