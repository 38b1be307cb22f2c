/* The table of services: /etc/oomguard.conf and the drop-ins in /etc/oomguard.d.
 * One parser, used by every command that reads it. */
#include <dirent.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <unistd.h>

#include "conf.h"
#include "msg.h"
#include "num.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split off the next blank-separated word; NULL at the end or at a '#'. */
static char *next_word(char **p)
{
	char *s = *p, *w;

	while (is_blank(*s))
		s++;
	if (!*s || *s == '#')
		return NULL;
	w = s;
	while (*s && !is_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

/* Names as init scripts and supervisors spell them: mysql, redis-server,
 * php7.4-fpm, postgresql@15-main, getty_tty1. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= CONF_NAME_MAX || *s == '.' || *s == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.@+-") == n;
}

static int yesno(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return *out = 1, 0;
		if (!strcasecmp(s, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

static const char *option(struct rule *r, char *key, char *val)
{
	long v;

	if (!strcmp(key, "pidfile") || !strcmp(key, "exe")) {
		char **slot = key[0] == 'p' ? &r->pidfile : &r->exe;

		if (*slot)
			return "given twice";
		if (val[0] != '/')
			return "not an absolute path";
		*slot = val;
	} else if (!strcmp(key, "comm")) {
		if (r->comm)
			return "given twice";
		/* The kernel keeps 15 bytes of a name (TASK_COMM_LEN 16). */
		if (!*val || strlen(val) > 15)
			return "not a process name of 1 to 15 characters";
		r->comm = val;
	} else if (!strcmp(key, "tree")) {
		if (r->tree >= 0)
			return "given twice";
		if (yesno(val, &r->tree))
			return "not yes or no";
	} else if (!strcmp(key, "children")) {
		int sc;

		if (r->has_children)
			return "given twice";
		if (score_parse(val, &sc))
			return SCORE_BAD;
		r->has_children = 1;
		r->children = sc;
	} else if (!strcmp(key, "user")) {
		struct passwd *pw;

		if (r->has_user)
			return "given twice";
		if (!num_parse(val, 10, 0, 4294967294L, &v))
			r->uid = (unsigned long)v;
		else if ((pw = getpwnam(val)))
			r->uid = (unsigned long)pw->pw_uid;
		else
			return "no such user";
		r->has_user = 1;
	} else if (!strcmp(key, "wait")) {
		if (r->wait >= 0)
			return "given twice";
		if (num_parse(val, 10, 0, WAIT_SECS_MAX, &v))
			return "not a whole number of seconds from 0 to " STR(WAIT_SECS_MAX);
		r->wait = (int)v;
	} else
		return "unknown option (known: pidfile= exe= comm= user= tree= "
		       "children= wait=)";
	return NULL;
}

int conf_parse_line(char *line, struct rule *r, const char **word, const char **why)
{
	char *p = line, *w;

	memset(r, 0, sizeof *r);
	r->tree = -1;
	r->wait = -1;
	if (!(w = next_word(&p)))
		return 0;
	*word = w;
	if (!name_ok(w)) {
		*why = "not a service name (letters, digits and _.@+-, at most 63)";
		return -1;
	}
	/* name_ok: at most 63 bytes, and the field holds 64. */
	memcpy(r->name, w, strlen(w) + 1);
	if (!(w = next_word(&p))) {
		*why = "a score must follow the name";
		return -1;
	}
	*word = w;
	if (score_parse(w, &r->score)) {
		*why = SCORE_BAD;
		return -1;
	}
	while ((w = next_word(&p))) {
		char *eq = strchr(w, '=');
		const char *err;

		*word = w;
		if (!eq || eq == w) {
			*why = "not OPTION=VALUE";
			return -1;
		}
		*eq = '\0';
		err = option(r, w, eq + 1);
		*eq = '=';
		if (err) {
			*why = err;
			return -1;
		}
	}
	if (r->tree < 0)
		r->tree = 0;
	return 1;
}

static char *dup_or_die(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		die(EXIT_FAIL, "read configuration: out of memory");
	return d;
}

static void rule_free(struct rule *r)
{
	free(r->pidfile);
	free(r->exe);
	free(r->comm);
	free(r->from);
}

/* A later line for a name replaces the earlier one, and stands where the
 * later line stands: a drop-in overrides the main table for watch and check
 * as it does for apply, and an old exe= or comm= left behind would still
 * claim processes.  A bad later line replaces it too: a broken override
 * must not fall back to the very rule it was written to replace. */
static void drop(struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->rules[i].name, name)) {
			rule_free(&c->rules[i]);
			memmove(&c->rules[i], &c->rules[i + 1], (c->n - i - 1) * sizeof *c->rules);
			c->n--;
			break;
		}
}

static void add(struct conf *c, struct rule *r, const char *file)
{
	struct rule *nr;

	drop(c, r->name);
	nr = realloc(c->rules, (c->n + 1) * sizeof *nr);
	if (!nr)
		die(EXIT_FAIL, "read configuration %s: out of memory", file);
	c->rules = nr;
	r->pidfile = dup_or_die(r->pidfile);
	r->exe = dup_or_die(r->exe);
	r->comm = dup_or_die(r->comm);
	r->from = dup_or_die(file);
	c->rules[c->n++] = *r;
}

/* Run as root, the table decides which processes get protected: a file,
 * or a directory above it, that another user could change would let that
 * user choose (sshd's StrictModes, sudo's sudoers checks).  NULL, or why
 * not.  A sticky world-writable directory (/tmp, /var/tmp) is refused as
 * well: there another user may create the name before root does. */
static const char *untrusted(const struct stat *sb)
{
	if (geteuid() != 0)
		return NULL;
	if (sb->st_uid != 0)
		return "owned by a user other than root";
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static void refuse(struct conf *c, const char *path, const char *what, const char *why)
{
	char e[512];

	say("read %s: refused%s%s: %s", msg_esc(e, sizeof e, path), *what ? ": " : "",
	    what, why);
	c->refused++;
}

static void say_errno(const char *path)
{
	char e[512];
	int err = errno;

	say("read %s: %s", msg_esc(e, sizeof e, path), strerror(err));
}

/* Open DIR, which realpath() made absolute and free of links, one name at
 * a time from / with O_NOFOLLOW, checking each directory on the way: no
 * window for a rename between the check and the use.  Returns the fd, -1
 * with errno, or -2 after a refusal.  As root only: other users read their
 * own tables as they please. */
static int open_dir_checked(const char *dir, const char *path, struct conf *c)
{
	char cur[PATH_MAX] = "/", name[256];
	const char *p = dir;
	int fd;

	if (geteuid() != 0)
		return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (;;) {
		struct stat sb;
		size_t len, at;
		int next;
		const char *why;

		if (fd < 0 || fstat(fd, &sb) < 0)
			return fd < 0 ? -1 : (close(fd), -1);
		if ((why = untrusted(&sb))) {
			char e[512], what[600];

			snprintf(what, sizeof what, "directory %s", msg_esc(e, sizeof e, cur));
			refuse(c, path, what, why);
			close(fd);
			return -2;
		}
		while (*p == '/')
			p++;
		if (!*p)
			return fd;
		len = strcspn(p, "/");
		at = strlen(cur);
		if (len >= sizeof name || at + len + 2 > sizeof cur) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		snprintf(cur + at, sizeof cur - at, "%s%s", at > 1 ? "/" : "", name);
		p += len;
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		close(fd);
		fd = next;
	}
}
/* The whole file, NUL-terminated: a table is a few lines, and one read
 * into memory sees every byte (a NUL inside a line included).  Bigger than
 * this is not a table. */
#define CONF_FILE_MAX 1048576L

static char *slurp(int fd, size_t *len)
{
	char *buf = malloc(CONF_FILE_MAX + 2);

	if (!buf)
		die(EXIT_FAIL, "read configuration: out of memory");
	*len = 0;
	while (*len <= CONF_FILE_MAX) {
		ssize_t n = read(fd, buf + *len, CONF_FILE_MAX + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	return buf;
}

/* The service a line names, when its first word is a name: a line too
 * long or holding a NUL is still that service's line. */
static void line_name(const char *p, char *name)
{
	size_t n;

	while (is_blank(*p))
		p++;
	n = strcspn(p, " \t\r#");
	name[0] = '\0';
	if (n < CONF_NAME_MAX) {
		memcpy(name, p, n);
		name[n] = '\0';
		if (!name_ok(name))
			name[0] = '\0';
	}
}

/* Keep a bad line: its name loses any earlier rule (see drop). */
static void add_bad(struct conf *c, const char *name, const char *path, int lineno,
		    const char *word, const char *why)
{
	struct conf_bad *nb = realloc(c->bad, (c->nbad + 1) * sizeof *nb), *b;
	char e[512], buf[700];

	if (!nb)
		die(EXIT_FAIL, "read configuration %s: out of memory", path);
	c->bad = nb;
	b = &c->bad[c->nbad++];
	memcpy(b->name, name, strlen(name) + 1);
	snprintf(buf, sizeof buf, "%s:%d", msg_esc(e, sizeof e, path), lineno);
	b->where = dup_or_die(buf);
	if (word) {
		char ew[128];

		snprintf(buf, sizeof buf, "'%s': %s", msg_esc(ew, sizeof ew, word), why);
	} else
		snprintf(buf, sizeof buf, "%s", why);
	b->why = dup_or_die(buf);
	if (*name)
		drop(c, name);
}

/* Every line on its own: a bad one is kept aside and disables only itself,
 * so that one typo leaves every other service protected. */
static void parse_text(char *buf, size_t len, const char *path, struct conf *c)
{
	char *p = buf, *end = buf + len;
	int lineno = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end;
		char name[CONF_NAME_MAX];
		struct rule r;
		const char *word = "", *why = "";
		int rc;

		lineno++;
		*stop = '\0';
		line_name(p, name);
		/* CONF_LINE_MAX is 4096, as the message says. */
		if ((size_t)(stop - p) > CONF_LINE_MAX)
			why = "line longer than 4096 bytes";
		else if (strlen(p) != (size_t)(stop - p))
			why = "a NUL byte";
		if (*why)
			add_bad(c, name, path, lineno, NULL, why);
		else if ((rc = conf_parse_line(p, &r, &word, &why)) < 0)
			add_bad(c, name, path, lineno, word, why);
		else if (rc > 0)
			add(c, &r, path);
		p = stop + 1;
	}
}

/* A file of procfs or sysfs says regular and root-owned, and holds text
 * that a process chooses (its cmdline): never a table. */
static int pseudo_fs(int fd)
{
#ifdef __linux__
	struct statfs fs;

	if (fstatfs(fd, &fs) == 0 && ((unsigned long)fs.f_type == 0x9fa0UL	/* PROC */
				      || (unsigned long)fs.f_type == 0x62656572UL))	/* SYSFS */
		return 1;
#else
	(void)fd;
#endif
	return 0;
}

/* NAME in the directory open as dfd; PATH for messages.  O_NOFOLLOW: a
 * symbolic link is refused; O_NONBLOCK: a FIFO never blocks the open, and
 * fstat refuses it.  0, -1 on error (said), -2 refused (said). */
static int load_at(int dfd, const char *name, const char *path, int must_exist, struct conf *c)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat sb;
	const char *why = NULL;
	char *buf;
	size_t len;

	if (fd < 0 && errno == ENOENT && !must_exist)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return refuse(c, path, "", "a symbolic link"), -2;
	/* A socket (ENXIO) or a device without a driver cannot even be opened. */
	if (fd < 0 && fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(sb.st_mode))
		return refuse(c, path, "", "not a regular file"), -2;
	if (fd < 0) {
		say_errno(path);
		return -1;
	}
	if (fstat(fd, &sb) < 0)
		why = strerror(errno);
	else if (!S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (pseudo_fs(fd))
		why = "on /proc or /sys";
	else
		why = untrusted(&sb);
	if (why) {
		close(fd);
		return refuse(c, path, "", why), -2;
	}
	buf = slurp(fd, &len);
	if (!buf) {
		say_errno(path);
		close(fd);
		return -1;
	}
	close(fd);
	if (len > CONF_FILE_MAX) {
		free(buf);
		return refuse(c, path, "", "larger than 1 MiB"), -2;
	}
	parse_text(buf, len, path, c);
	free(buf);
	return 0;
}

/* The directory of PATH, resolved and checked; -3 when it does not exist. */
static int open_parent(const char *path, int must_exist, struct conf *c, const char **base)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (!realpath(dir, real)) {
		if ((errno == ENOENT || errno == ENOTDIR) && !must_exist)
			return -3;
		say_errno(path);
		return -1;
	}
	fd = open_dir_checked(real, path, c);
	if (fd == -1)
		say_errno(path);
	return fd;
}

static int load_file(const char *path, int must_exist, struct conf *c)
{
	const char *base;
	int dfd = open_parent(path, must_exist, c, &base), rc;

	if (dfd == -3)
		return 0;
	if (dfd < 0)
		return must_exist || dfd == -1 ? -1 : 0;
	rc = load_at(dfd, base, path, must_exist, c);
	close(dfd);
	/* A refused table named with -c is an error; a refused default one
	 * is skipped, and the drop-ins still apply. */
	return rc == -2 ? (must_exist ? -1 : 0) : rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names in d, sorted in C-locale order; their count in *n. */
static char **conf_names(DIR *d, const char *dir, size_t *n)
{
	struct dirent *de;
	char **names = NULL, e[512];

	*n = 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		nn = realloc(names, (*n + 1) * sizeof *names);
		if (!nn)
			die(EXIT_FAIL, "read %s: out of memory", msg_esc(e, sizeof e, dir));
		names = nn;
		names[(*n)++] = dup_or_die(de->d_name);
	}
	if (*n)
		qsort(names, *n, sizeof *names, by_name);
	return names;
}

/* Drop-ins: only regular *.conf files, so that editor backups, .dpkg-old
 * and .dpkg-dist files are ignored, in C-locale name order.  A drop-in
 * refused for its owner, mode or type is skipped: the rest still apply. */
static int load_dir(const char *dir, struct conf *c)
{
	char real[PATH_MAX], e[512];
	int dfd, rc = 0;
	DIR *d;
	char **names;
	size_t n, i;
	struct stat a, b;

	if (!realpath(dir, real)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		say_errno(dir);
		return -1;
	}
	if ((dfd = open_dir_checked(real, dir, c)) < 0) {
		if (dfd == -2 || errno == ENOTDIR)
			return 0;
		say_errno(dir);
		return -1;
	}
	/* opendir() by the resolved path, then made sure it is the directory
	 * just checked (fdopendir would cost the static binary 200 bytes). */
	d = opendir(real);
	if (!d || fstat(dirfd(d), &a) < 0 || fstat(dfd, &b) < 0
	    || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		if (d)
			closedir(d), errno = EAGAIN;
		say_errno(dir);
		close(dfd);
		return -1;
	}
	names = conf_names(d, dir, &n);
	closedir(d);
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];

		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			say("read %s/...: path too long", msg_esc(e, sizeof e, dir));
			rc = -1;
		} else if (load_at(dfd, names[i], path, 1, c) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	close(dfd);
	return rc;
}

int conf_load(const char *path, int must_exist, struct conf *c)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);
	int rc;

	memset(c, 0, sizeof *c);
	if (len >= sizeof dir - 3) {
		say("read %.200s...: path too long", path);
		return -1;
	}
	rc = load_file(path, must_exist, c);
	memcpy(dir, path, len + 1);
	if (len > 5 && !strcmp(dir + len - 5, ".conf"))
		dir[len - 5] = '\0';
	len = strlen(dir);
	dir[len] = '.';
	dir[len + 1] = 'd';
	dir[len + 2] = '\0';
	if (load_dir(dir, c) < 0)
		rc = -1;
	return rc;
}

const struct rule *conf_find(const struct conf *c, const char *name)
{
	size_t i = c->n;

	while (i-- > 0)
		if (!strcmp(c->rules[i].name, name))
			return &c->rules[i];
	return NULL;
}

size_t conf_say_bad(const struct conf *c, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < c->nbad; i++)
		if (!name || !strcmp(c->bad[i].name, name)) {
			say("parse %s: %s", c->bad[i].where, c->bad[i].why);
			n++;
		}
	return n;
}

void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		rule_free(&c->rules[i]);
	for (i = 0; i < c->nbad; i++) {
		free(c->bad[i].where);
		free(c->bad[i].why);
	}
	free(c->rules);
	free(c->bad);
	c->rules = NULL;
	c->bad = NULL;
	c->n = c->nbad = 0;
}
