#ifndef OOMGUARD_CONF_H
#define OOMGUARD_CONF_H

#include <stddef.h>

#define CONF_DEFAULT "/etc/oomguard.conf"
#define CONF_NAME_MAX 64
#define CONF_LINE_MAX 4096

/* One line of the table: NAME SCORE [OPTION=VALUE...] */
struct rule {
	char name[CONF_NAME_MAX];
	int score;
	int tree;		/* tree=yes */
	int wait;		/* wait=SECS, -1 when not given */
	int has_children;	/* children=SCORE given */
	int children;		/* score for children that exec another program */
	int has_user;		/* user= given */
	unsigned long uid;	/* user=NAME|UID, resolved when parsed */
	char *pidfile, *exe, *comm;
	char *from;		/* the file it was read from (state.h records it) */
};

/* A line that is not a rule: it disables itself, and only itself. */
struct conf_bad {
	char name[CONF_NAME_MAX];	/* the service it is for, "" if none */
	char *where;			/* FILE:LINE, FILE escaped */
	char *why;			/* 'WORD': REASON, or REASON */
};

struct conf {
	struct rule *rules;
	size_t n;
	unsigned refused;	/* files skipped as untrusted (each one said) */
	struct conf_bad *bad;	/* bad lines, in the order read (none said) */
	size_t nbad;
};

/* Pure: parse one line (modified in place).  Returns 1 with *r filled, 0 for
 * a blank or comment line, -1 with *word and *why naming the fault. */
int conf_parse_line(char *line, struct rule *r, const char **word, const char **why);

/* Read PATH and every *.conf in PATH-without-".conf" + ".d", in name order;
 * a later line for a name replaces an earlier one, a bad line too (then the
 * name has no rule).  A bad line is kept in c->bad, not said: each command
 * decides whose bad lines to say (conf_say_bad).  Returns 0, or -1 after
 * saying why a file could not be read.  A missing default file is an
 * empty table; a missing file named with -c is an error.  As root, a file
 * that another user could have chosen or changed (its owner, mode, type, or
 * a directory above it) is refused with a message and skipped: c->refused
 * counts them; only a refused file named with -c makes this fail. */
int conf_load(const char *path, int must_exist, struct conf *c);
/* Say each bad line for NAME (every one when NAME is NULL), one line each:
 * "parse FILE:LINE: 'WORD': REASON".  Returns how many were said. */
size_t conf_say_bad(const struct conf *c, const char *name);
const struct rule *conf_find(const struct conf *c, const char *name);
void conf_free(struct conf *c);

#endif
