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
#include <sys/stat.h>
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
			return "not a score from -1000 to 1000";
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
		if (num_parse(val, 10, 0, 31536000, &v))
			return "not a whole number of seconds from 0 to 31536000";
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
		*why = "not a score from -1000 to 1000";
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

static void add(struct conf *c, struct rule *r, const char *file, int line)
{
	struct rule *nr;
	size_t i;

	/* A later line for a name replaces the earlier one, and stands where
	 * the later line stands: a drop-in overrides the main table for watch
	 * and check as it does for apply, and an old exe= or comm= left behind
	 * would still claim processes. */
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->rules[i].name, r->name)) {
			free(c->rules[i].pidfile);
			free(c->rules[i].exe);
			free(c->rules[i].comm);
			free(c->rules[i].file);
			memmove(&c->rules[i], &c->rules[i + 1], (c->n - i - 1) * sizeof *c->rules);
			c->n--;
			break;
		}
	nr = realloc(c->rules, (c->n + 1) * sizeof *nr);
	if (!nr)
		die(EXIT_FAIL, "read configuration %s: out of memory", file);
	c->rules = nr;
	r->pidfile = dup_or_die(r->pidfile);
	r->exe = dup_or_die(r->exe);
	r->comm = dup_or_die(r->comm);
	r->file = dup_or_die(file);
	r->line = line;
	c->rules[c->n++] = *r;
}

/* Run as root, the table decides which processes get protected: a file
 * another user could change would let that user choose. */
static int trusted(const char *path, const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode)) {
		say("read %s: not a regular file", path);
		return 0;
	}
	if (geteuid() == 0 && (sb->st_uid != 0 || (sb->st_mode & S_IWOTH)
			       || ((sb->st_mode & S_IWGRP) && sb->st_gid != 0))) {
		say("read %s: refused: writable by a user other than root "
		    "(chown root:root and chmod 644 it)", path);
		return 0;
	}
	return 1;
}

static int load_file(const char *path, int must_exist, struct conf *c)
{
	FILE *f;
	char buf[CONF_LINE_MAX + 2];
	int lineno = 0, bad = 0;
	struct stat sb;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		say("read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) < 0 || !trusted(path, &sb)) {
		fclose(f);
		return -1;
	}
	while (fgets(buf, sizeof buf, f)) {
		struct rule r;
		const char *word = "", *why = "";
		size_t len = strlen(buf);
		int rc;

		lineno++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (len > CONF_LINE_MAX) {
			say("parse %s:%d: line longer than %d bytes", path, lineno, CONF_LINE_MAX);
			bad = 1;
			while (fgets(buf, sizeof buf, f) && !strchr(buf, '\n'))
				;
			continue;
		}
		rc = conf_parse_line(buf, &r, &word, &why);
		if (rc < 0) {
			say("parse %s:%d: '%s': %s", path, lineno, word, why);
			bad = 1;
		} else if (rc > 0)
			add(c, &r, path, lineno);
	}
	if (ferror(f)) {
		say("read %s: %s", path, strerror(errno));
		bad = 1;
	}
	fclose(f);
	return bad ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop-ins: only regular *.conf files, so that editor backups, .dpkg-old
 * and .dpkg-dist files are ignored, in C-locale name order. */
static int load_dir(const char *dir, struct conf *c)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		say("read %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn)
			die(EXIT_FAIL, "read %s: out of memory", dir);
		names = nn;
		names[n++] = dup_or_die(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		char path[4096];

		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			say("read %s/%s: path too long", dir, names[i]);
			rc = -1;
		} else if (load_file(path, 1, c) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int conf_load(const char *path, int must_exist, struct conf *c)
{
	char dir[4096];
	size_t len = strlen(path);
	int rc;

	memset(c, 0, sizeof *c);
	if (len >= sizeof dir - 3) {
		say("read %s: path too long", path);
		return -1;
	}
	rc = load_file(path, must_exist, c);
	memcpy(dir, path, len + 1);
	if (len > 5 && !strcmp(dir + len - 5, ".conf"))
		dir[len - 5] = '\0';
	memcpy(dir + strlen(dir), ".d", 3);
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

void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->rules[i].pidfile);
		free(c->rules[i].exe);
		free(c->rules[i].comm);
		free(c->rules[i].file);
	}
	free(c->rules);
	c->rules = NULL;
	c->n = 0;
}
