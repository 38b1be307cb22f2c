/* oomguard judge: the questions oomguard-protect(8) asks before it names a
 * pidfile or a process in a file root reads.  Trust and identity have one
 * judge, in C (pidfile.c), for the waiter, check, watch and protect alike:
 * the shell tool asks here and never decides again.  See oomguard(8),
 * JUDGE. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "oomguard.h"
#include "opt.h"
#include "pidfile.h"
#include "proc.h"

/* Kept equal to oomguard(8)'s SYNOPSIS line, as main.c's. */
static const char usage[] =
	"usage: oomguard judge QUESTION [--exe PATH] [--name COMM] [--user USER] [ARG]\n";

/* The supervisors a daemon's parent chain may show, by comm. */
static const char *const supervisors[] = {
	"runsv", "supervise", "s6-supervise", "supervise-daemon", NULL
};

static void judge_usage(const char *object, const char *why)
{
	opt_usage_error(usage, EXIT_USAGE, "judge", object, why);
}

static int pid_arg(const char *s)
{
	int pid;
	const char *why = pid_parse(s, &pid);

	if (why)
		die(EXIT_USAGE, "parse PID %s: %s", s, why);
	return pid;
}

/* pidfile: PID on standard output when the waiter would take it, and the
 * process runs as root or as USER, or else the file is root's alone (a
 * daemon that drops privileges after its root parent wrote the file);
 * else exit 3 and one line why (the path escaped: anyone may name a file).
 * The waiter trusts a file a user can write for that user's processes: a
 * local user's copy of the daemon's program, with its pidfile in /run/lock,
 * is that user's, not the service's. */
static int judge_pidfile(const struct pidwait *w, const char *user)
{
	char why[400], esc[256];
	unsigned long long start;
	int pid, fd;
	uid_t uid = 0;
	struct passwd *pw;

	if (!pidfile_probe(w, NULL, &pid, &start, why, sizeof why)) {
		say("judge pidfile %s: %s", msg_esc(esc, sizeof esc, w->path), why);
		return EXIT_GONE;
	}
	fd = proc_open(pid);
	if (fd < 0 || proc_uid(fd, &uid) < 0)
		uid = (uid_t)-1;
	if (fd >= 0)
		close(fd);
	pw = user ? getpwnam(user) : NULL;
	if (uid != 0 && !(pw && pw->pw_uid == uid)) {
		struct pidwait ro = *w;

		ro.root_only = 1;
		if (!pidfile_probe(&ro, NULL, &pid, &start, why, sizeof why)) {
			char name[64];

			say("judge pidfile %s: %s; and pid %d runs as %s, not as root%s%s",
			    msg_esc(esc, sizeof esc, w->path), why, pid,
			    user_name(uid, (size_t)-1, name, sizeof name), user ? " nor as " : "",
			    user ? user : "");
			return EXIT_GONE;
		}
	}
	printf("%d\n", pid);
	return EXIT_OK;
}

/* Its executable, escaped (anyone may name a file), "?" when unreadable. */
static const char *exe_of(int pid)
{
	static char esc[PATH_MAX + 64];
	char link[64], exe[PATH_MAX];
	ssize_t len;

	snprintf(link, sizeof link, "%s/%d/exe", proc_root(), pid);
	len = readlink(link, exe, sizeof exe - 1);
	if (len <= 0)
		return "?";
	exe[len] = '\0';
	/* The package was upgraded under the running daemon: the program. */
	if (len > 10 && !strcmp(exe + len - 10, " (deleted)"))
		exe[len - 10] = '\0';
	return msg_esc(esc, sizeof esc, exe);
}

/* A process counts as the daemon when it runs --exe as root or as --user:
 * never as whoever else happens to run a program of that name. */
static int judge_pid(const struct pidwait *w, const char *user, const char *arg)
{
	char why[400], name[64];
	int pid = pid_arg(arg);
	uid_t uid;

	if (pidfile_proc_judge(pid, w, &uid, why, sizeof why) < 0) {
		say("judge pid %d: %s", pid, why + strlen("names "));
		return EXIT_GONE;
	}
	if (uid != 0) {
		struct passwd *pw = user ? getpwnam(user) : NULL;

		if (!pw || pw->pw_uid != uid) {
			say("judge pid %d: runs as user %s, not as root%s%s", pid,
			    user_name(uid, (size_t)-1, name, sizeof name), user ? " nor as " : "",
			    user ? user : "");
			return EXIT_GONE;
		}
	}
	printf("%d %s %s\n", pid, user_name(uid, (size_t)-1, name, sizeof name), exe_of(pid));
	return EXIT_OK;
}

/* chain PID: the first supervisor above PID (runsv, supervise,
 * s6-supervise, supervise-daemon), else the init that holds it (PID 1, or
 * an Upstart session init): "COMM PID".  Evidence of what runs a service,
 * where a directory's existence is none. */
static int judge_chain(const char *arg)
{
	int pid = pid_arg(arg), hops;

	for (hops = 0; hops < 4096 && pid > 1; hops++) {
		struct pstat st;
		int fd = proc_open(pid), i;

		if (fd < 0 || proc_stat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			say("judge chain %s: pid %d is not running", arg, pid);
			return EXIT_GONE;
		}
		close(fd);
		for (i = 0; hops && supervisors[i]; i++)
			if (!strcmp(st.comm, supervisors[i])) {
				printf("%s %d\n", st.comm, pid);
				return EXIT_OK;
			}
		if (hops && !strcmp(st.comm, "init")) {
			printf("init %d\n", pid);
			return EXIT_OK;
		}
		pid = st.ppid;
	}
	printf("init 1\n");
	return EXIT_OK;
}

/* The directory a running runsvdir, svscan or s6-svscan scans: its first
 * argument that is no option (Debian's runsvdir-start adds a log argument
 * after it: runsvdir -P /etc/service 'log: ...'), else its working
 * directory; resolved. */
static int scans(int pid, const char *want)
{
	char args[4096], cwd[PATH_MAX], dir[PATH_MAX], real[PATH_MAX], link[64];
	int fd = proc_open(pid), len;
	uid_t uid;
	const char *first = NULL, *p;

	if (fd < 0)
		return 0;
	len = proc_read(fd, "cmdline", args, sizeof args - 1);
	if (proc_uid(fd, &uid) < 0 || uid != 0 || len <= 0) {
		close(fd);
		return 0;
	}
	close(fd);
	args[len] = '\0';
	for (p = args + strlen(args) + 1; !first && p < args + len; p += strlen(p) + 1)
		if (*p && *p != '-')
			first = p;
	snprintf(link, sizeof link, "%s/%d/cwd", proc_root(), pid);
	len = (int)readlink(link, cwd, sizeof cwd - 1);
	if (len <= 0)
		return 0;
	cwd[len] = '\0';
	if (!first)
		snprintf(dir, sizeof dir, "%s", cwd);
	else if (first[0] == '/')
		snprintf(dir, sizeof dir, "%s", first);
	else if (snprintf(dir, sizeof dir, "%s/%s", cwd, first) >= (int)sizeof dir)
		return 0;
	return realpath(dir, real) && !strcmp(real, want);
}

/* scanned DIR: exit 0 when a root runsvdir, svscan or s6-svscan scans DIR
 * now, or runit or s6 is the host's init (it scans its own). */
static int judge_scanned(const char *dir)
{
	static const char *const scanners[] = { "runsvdir", "svscan", "s6-svscan", NULL };
	char want[PATH_MAX], esc[256];
	struct pstat *v;
	size_t n = proc_scan(&v), i;
	int found = 0, k;

	if (!realpath(dir, want)) {
		say("judge scanned %s: %s", msg_esc(esc, sizeof esc, dir), strerror(errno));
		free(v);
		return EXIT_GONE;
	}
	for (i = 0; i < n && !found; i++) {
		if (v[i].pid == 1 && (!strcmp(v[i].comm, "runit") || !strcmp(v[i].comm, "s6-svscan")))
			found = 1;
		for (k = 0; !found && scanners[k]; k++)
			if (!strcmp(v[i].comm, scanners[k]))
				found = scans(v[i].pid, want);
	}
	free(v);
	if (!found)
		say("judge scanned %s: no running runsvdir, svscan or s6-svscan scans it",
		    msg_esc(esc, sizeof esc, want));
	return found ? EXIT_OK : EXIT_GONE;
}

static int judge_run(const char *what, const struct pidwait *w, const char *user,
		     int argc, char **argv)
{
	int want = strcmp(what, "caps") ? 1 : 0;

	if (argc - optind != want)
		judge_usage(what, want ? "takes one argument" : "takes no argument");
	if (!strcmp(what, "pidfile")) {
		struct pidwait pw = *w;

		pw.path = argv[optind];
		return judge_pidfile(&pw, user);
	}
	if (!strcmp(what, "pid"))
		return judge_pid(w, user, argv[optind]);
	if (!strcmp(what, "chain"))
		return judge_chain(argv[optind]);
	if (!strcmp(what, "scanned"))
		return judge_scanned(argv[optind]);
	if (!strcmp(what, "esc")) {
		char esc[4096];

		printf("%s\n", msg_esc(esc, sizeof esc, argv[optind]));
		return EXIT_OK;
	}
	if (!strcmp(what, "caps"))
		return proc_cap_resource() == 1 ? EXIT_OK : EXIT_FAIL;
	judge_usage(what, "unknown question");
	return EXIT_USAGE;
}

int judge_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "exe", required_argument, 0, 'E' },
		{ "name", required_argument, 0, 'N' },
		{ "user", required_argument, 0, 'u' },
		{ 0, 0, 0, 0 }
	};
	struct pidwait w;
	const char *user = NULL, *what;
	int c, rc;

	if (argc < 2)
		judge_usage("", "give a question");
	/* The question is the command name getopt skips. */
	argc--;
	argv++;
	what = argv[0];
	memset(&w, 0, sizeof w);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'E': w.exe = optarg; break;
		case 'N': w.comm = optarg; break;
		case 'u': user = optarg; break;
		default: opt_refused(argc, argv, "+", longopts, usage, EXIT_USAGE);
		}
	}
	rc = judge_run(what, &w, user, argc, argv);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_FAIL, "write standard output: %s", strerror(errno));
	return rc;
}
