/* oomguard: set OOM scores that survive service restarts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "oomguard.h"
#include "opt.h"
#include "pidfile.h"
#include "score.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif
/* Where make install puts the shell tool behind protect and unprotect. */
#ifndef PROTECT_TOOL
#define PROTECT_TOOL "/usr/sbin/oomguard-protect"
#endif

/* Kept equal to the SYNOPSIS of oomguard(8); tests/cli.bats compares them. */
static const char usage[] =
	"usage: oomguard -n SCORE [--strict] [--] PROG [ARG...]\n"
	"       oomguard -n SCORE -p PID[,PID...] [-T]\n"
	"       oomguard -n SCORE -f PIDFILE [-w SECS] [-b] [-T] [-r] [--exe PATH] [--name COMM]\n"
	"       oomguard -p PID[,PID...]\n"
	"       oomguard -l\n"
	"       oomguard apply [-c CONFIG] [-r] NAME PID\n"
	"       oomguard watch [-c CONFIG] [-i SECS] [-s] [-b [-P PIDFILE]]\n"
	"       oomguard check [-c CONFIG] [--format=FORMAT] [-o FILE] [--ack]\n"
	"       oomguard protect [--dry-run] [-c CONFIG] NAME SCORE [--pidfile PATH] [--exe PATH]\n"
	"       oomguard unprotect [--dry-run] [-c CONFIG] NAME\n"
	"       oomguard judge QUESTION [--exe PATH] [--name COMM] [--user USER] [ARG]\n"
	"       oomguard -h | -V\n";

static const char help[] =
	"Set Linux OOM-killer scores that survive service restarts.\n"
	"\n"
	"  -n, --adjust SCORE    -1000..1000, or 'fromenv' to read OOM_SCORE_ADJ\n"
	"      --strict          chain-load: do not run PROG if the score cannot be set\n"
	"  -p, --pid PID[,PID]   processes to set, or to show without -n\n"
	"  -T, --tree            also every descendant of each process\n"
	"  -f, --pidfile FILE    wait until FILE names a live process, then set it\n"
	"  -w, --wait SECS       give up waiting after SECS (default " STR(WAIT_SECS_DEFAULT)
	", 0 = never)\n"
	"  -b, --background      wait in a detached process, report to syslog\n"
	"  -r, --restart         the service is restarting: never take the process\n"
	"                        running when the wait began, wait for the new one;\n"
	"                        once the caller (OOMGUARD_CALLER) ends, take the one\n"
	"                        it found if its pidfile is unchanged (a reload)\n"
	"      --exe PATH        accept only a process running PATH\n"
	"      --name COMM       accept only a process named COMM\n"
	"  -l, --list            every process, the next OOM victim first\n"
	"  apply NAME PID        set PID as the rule for NAME in the configuration says\n"
	"  watch                 keep every rule of the configuration applied (daemon)\n"
	"  check                 show whether every rule holds now\n"
	"  protect, unprotect    a service, on any init: oomguard-protect(8)\n"
	"  judge QUESTION        what protect asks: pidfile, pid, chain, scanned,\n"
	"                        caps, esc (oomguard(8), JUDGE)\n"
	"  -c CONFIG             the configuration (default /etc/oomguard.conf)\n"
	"  -i SECS, -s, -b, -P   watch: rescan interval, syslog, detach, its pidfile\n"
	"      --format=FORMAT   check: text, tsv, nagios, prom or json\n"
	"  -o, --output FILE     check: replace FILE whole (for node_exporter's textfile)\n"
	"      --ack             check: the OOM kills shown so far are seen: no longer CRITICAL\n"
	"  -h, --help            this text\n"
	"  -V, --version         the version\n"
	"\n"
	"Exit: 0 done, 1 could not set or read, 2 usage, 3 no such process,\n"
	"4 pidfile wait timed out, 126/127 PROG not executable/not found.\n"
	"See oomguard(8).\n";

struct opts {
	const char *score_arg;
	int score, tree, list, strict, wait_given, show_help, show_version;
	int *pids;
	size_t npids;
	struct pidwait wait;
	char **prog;
};

/* A bad value: one line.  A bad command line: the line and the usage. */
static void bad_value(const char *action, const char *object, const char *why)
{
	die(EXIT_USAGE, "%s %s: %s", action, object, why);
}

static void usage_error(const char *action, const char *object, const char *why)
{
	opt_usage_error(usage, EXIT_USAGE, action, object, why);
}

/* Every entry must be a PID: "$(pidof a),$(pidof b)" with one daemon down
 * gives an empty entry, which must not pass as a list of the other one. */
static void add_pids(struct opts *o, const char *list)
{
	const char *p = list;

	if (!*list)
		bad_value("parse PID", "list", "empty");
	for (;;) {
		size_t len = strcspn(p, ",");
		char *tok = malloc(len + 1);
		const char *why;
		int pid, *np;

		if (!tok)
			die(EXIT_FAIL, "parse PID list %s: out of memory", list);
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (!len)
			bad_value("parse PID list", list, "an entry is empty");
		if ((why = pid_parse(tok, &pid)))
			bad_value("parse PID", tok, why);
		free(tok);
		np = realloc(o->pids, (o->npids + 1) * sizeof *o->pids);
		if (!np)
			die(EXIT_FAIL, "parse PID list %s: out of memory", list);
		o->pids = np;
		o->pids[o->npids++] = pid;
		if (!p[len])
			break;
		p += len + 1;
	}
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "adjust", required_argument, 0, 'n' },
		{ "pid", required_argument, 0, 'p' },
		{ "tree", no_argument, 0, 'T' },
		{ "list", no_argument, 0, 'l' },
		{ "strict", no_argument, 0, 'S' },
		{ "pidfile", required_argument, 0, 'f' },
		{ "wait", required_argument, 0, 'w' },
		{ "background", no_argument, 0, 'b' },
		{ "restart", no_argument, 0, 'r' },
		{ "exe", required_argument, 0, 'E' },
		{ "name", required_argument, 0, 'N' },
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },
		{ 0, 0, 0, 0 }
	};
	static const char optstring[] = "+n:p:Tlf:w:brhV";
	int c;
	long secs;

	memset(o, 0, sizeof *o);
	o->wait.timeout = WAIT_SECS_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o->score_arg = optarg; break;
		case 'p': add_pids(o, optarg); break;
		case 'T': o->tree = 1; break;
		case 'l': o->list = 1; break;
		case 'S': o->strict = 1; break;
		case 'f': o->wait.path = optarg; break;
		case 'w':
			if (num_parse(optarg, 10, 0, WAIT_SECS_MAX, &secs))
				die(EXIT_USAGE, "parse wait %s: not a whole number of seconds "
				    "from 0 to %d", optarg, WAIT_SECS_MAX);
			o->wait.timeout = (int)secs;
			o->wait_given = 1;
			break;
		case 'b': o->wait.background = 1; break;
		case 'r': o->wait.restart = 1; break;
		case 'E': o->wait.exe = optarg; break;
		case 'N': o->wait.comm = optarg; break;
		case 'h': o->show_help = 1; break;
		case 'V': o->show_version = 1; break;
		default:
			opt_refused(argc, argv, optstring, longopts, usage, EXIT_USAGE);
		}
	}
	if (optind < argc)
		o->prog = argv + optind;
}

/* Turn the options into one mode; anything ambiguous is a usage error. */
static void validate(struct opts *o)
{
	const char *c;
	int targets = !!o->prog + !!o->npids + !!o->wait.path;

	if (o->show_help || o->show_version)
		return;
	if (o->list && (targets || o->score_arg))
		usage_error("parse option", "-l", "takes no other option");
	if (targets > 1)
		usage_error("parse arguments", o->prog ? o->prog[0] : "-f",
			    "give one of PROG, -p PID or -f PIDFILE");
	if (!o->list && !targets)
		usage_error("parse arguments", "", "nothing to do: give PROG, -p, -f or -l");
	if (o->wait.path && !o->score_arg)
		usage_error("parse option", "-f", "needs -n SCORE");
	if (o->prog && !o->score_arg)
		usage_error("parse arguments", o->prog[0], "needs -n SCORE");
	if (o->tree && !o->npids && !o->wait.path)
		usage_error("parse option", "-T", "goes with -p or -f");
	if (o->tree && !o->score_arg)
		usage_error("parse option", "-T", "needs -n SCORE");
	if (o->strict && !o->prog)
		usage_error("parse option", "--strict", "goes with PROG");
	if (!o->wait.path && (o->wait_given || o->wait.background || o->wait.restart
			      || o->wait.exe || o->wait.comm))
		usage_error("parse option", o->wait_given ? "-w" : o->wait.background ? "-b"
			    : o->wait.restart ? "-r" : o->wait.exe ? "--exe" : "--name",
			    "goes with -f");
	o->wait.tree = o->tree;
	/* The hook names the init script's shell (a command substitution
	 * between us may be a subshell of its own): see pidfile.h. */
	if (o->wait.restart && (c = getenv("OOMGUARD_CALLER")) && pid_parse(c, &o->wait.caller))
		o->wait.caller = 0;
}

/* SCORE, literal or from OOM_SCORE_ADJ: 0, or a message naming the fault. */
static const char *resolve_score(struct opts *o)
{
	static char why[160];
	const char *s = o->score_arg, *err;

	if (!strcmp(s, "fromenv")) {
		s = getenv("OOM_SCORE_ADJ");
		if (!s)
			return "read environment OOM_SCORE_ADJ: not set";
		if ((err = score_parse(s, &o->score)))
			snprintf(why, sizeof why, "parse OOM_SCORE_ADJ '%.40s': %s", s, err);
		return err ? why : NULL;
	}
	if ((err = score_parse(s, &o->score)))
		snprintf(why, sizeof why, "parse score '%.40s': %s", s, err);
	return err ? why : NULL;
}

static int act(struct opts *o)
{
	const char *why;
	int rc;

	if (o->show_help) {
		printf("%s\n%s", usage, help);
		return EXIT_OK;
	}
	if (o->show_version) {
		printf("oomguard %s\n", VERSION);
		return EXIT_OK;
	}
	if (o->list)
		return list_procs();
	if (!o->score_arg)
		return show_pids(o->pids, o->npids);
	why = resolve_score(o);
	/* A service must start even when its protection is misconfigured. */
	if (why && o->prog && !o->strict) {
		say("%s; running %s with its score unchanged", why, o->prog[0]);
		return chain_exec(o->prog);
	}
	if (why)
		die(EXIT_USAGE, "%s", why);
	if (o->npids)
		return apply_pids(o->pids, o->npids, o->score, o->tree);
	if (o->wait.path)
		return pidfile_wait(&o->wait, o->score);
	score_warn_unkillable(o->score);
	rc = score_set(0, o->score, 0);
	if (rc != EXIT_OK && o->strict)
		return rc;
	return chain_exec(o->prog);
}

/* protect and unprotect find files and edit them: a POSIX sh tool
 * (oomguard-protect(8)), not C in the static binary, which is near its size
 * limit (tests/static.bats).  It is the file next to this binary (make
 * builds bin/oomguard-protect, make install puts both in SBINDIR), else
 * PROTECT_TOOL. */
static int protect_exec(char **argv)
{
	static char tool[PATH_MAX];
	static const char base[] = "/oomguard-protect";
	ssize_t len = readlink("/proc/self/exe", tool, sizeof tool - sizeof base);

	if (len > 0) {
		char *slash;

		tool[len] = '\0';
		slash = strrchr(tool, '/');
		if (slash)
			memcpy(slash, base, sizeof base);
	}
	if (len <= 0 || access(tool, X_OK) != 0)
		snprintf(tool, sizeof tool, "%s", PROTECT_TOOL);
	argv[0] = tool;
	execv(tool, argv);
	die(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "exec %s: %s", tool, strerror(errno));
	return EXIT_NOTFOUND;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc;

	msg_init(argv[0]);
	if (!strcmp(msg_prog(), "oom-kill-protect"))
		return nosh_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "apply"))
		return hook_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return watch_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "judge"))
		return judge_main(argc - 1, argv + 1);
	if (argc > 1 && (!strcmp(argv[1], "protect") || !strcmp(argv[1], "unprotect")))
		return protect_exec(argv);
	parse(argc, argv, &o);
	validate(&o);
	rc = act(&o);
	free(o.pids);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_FAIL, "write standard output: %s", strerror(errno));
	return rc;
}
