/* The OOM killer's reports (oomlog.h), parsed without trusting the name.
 * The victim's name sits between the PID and the fields the kernel adds;
 * none of those fields holds a ')', so the name ends at the line's last
 * ')' and whatever a crafted name holds stays inside it.  What follows
 * must then be the kernel's fields exactly, or the line is not a kill. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "oomlog.h"

#define LINE_MAX_KILL 512	/* a kill line is under 300 bytes */

/* The fields after the name, in every form since 2.6.32 (oom_kill.c):
 *   2.6.32          ""
 *   2.6.33 .. 2.6.35 " vsz:NkB, anon-rss:NkB, file-rss:NkB"
 *   2.6.36 .. 4.4   " total-vm:NkB, anon-rss:NkB, file-rss:NkB"
 *   4.5 ..          ", shmem-rss:NkB" added
 *   5.3 (5.4?)      ", UID:N" added
 *   5.4 .. 6.x      " pgtables:NkB oom_score_adj:N" added
 *   RHEL 7          ", UID N," between the name and total-vm (killed())
 * Each known key once, a number after each, "kB" where the kernel puts it;
 * any other text, and the line is not taken. */
static const struct {
	const char *key;
	int kb;
} fields[] = {
	{ "total-vm:", 1 }, { "anon-rss:", 1 }, { "file-rss:", 1 }, { "shmem-rss:", 1 },
	{ "UID:", 0 }, { "pgtables:", 1 }, { "oom_score_adj:", 0 }
};
#define NFIELDS (sizeof fields / sizeof *fields)

/* A decimal number at *p (a sign only where allowed); advances *p. */
static int number(const char **p, int sign, long long max, long long *v)
{
	const char *s = *p;
	int neg = 0;
	long long n = 0;

	if (sign && *s == '-')
		neg = 1, s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (max - (*s - '0')) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	*v = neg ? -n : n;
	*p = s;
	return 0;
}

static int tail(const char *p, struct oomkill *k)
{
	size_t i, last = 0;
	int seen = 0;

	while (*p) {
		long long v;
		size_t klen;

		/* ", " or " " between fields: the kernel has both. */
		if (!strncmp(p, ", ", 2) && seen)
			p += 2;
		else if (*p == ' ')
			p++;
		else
			return -1;
		for (i = seen ? last + 1 : 0; i < NFIELDS; i++)
			if (!strncmp(p, fields[i].key, strlen(fields[i].key)))
				break;
		klen = i < NFIELDS ? strlen(fields[i].key) : 0;
		/* 2.6.33 .. 2.6.35 called total-vm "vsz:" (linux-mm, mmotm
		 * 2.6.32; gone in 2.6.36's rewrite): their kills were missed. */
		if (!seen && !strncmp(p, "vsz:", 4))
			i = 0, klen = 4;
		/* In the kernel's order, total-vm first, each once. */
		if (i == NFIELDS || (!seen && i != 0))
			return -1;
		p += klen;
		if (number(&p, i == NFIELDS - 1, i == NFIELDS - 1 ? SCORE_MAX : LLONG_MAX, &v) < 0
		    || (fields[i].kb && strncmp(p, "kB", 2)))
			return -1;
		p += fields[i].kb ? 2 : 0;
		if (i == 4)
			k->uid = v > 4294967294LL ? -1 : v;
		else if (i == NFIELDS - 1)
			k->adj = v < SCORE_MIN ? OOMLOG_NONE : (int)v;
		seen = 1;
		last = i;
	}
	return 0;
}

/* RHEL's ", UID N," at *p, if there: -1 when it is there but broken. */
static int rhel_uid(const char **p, struct oomkill *k)
{
	long long v;

	if (strncmp(*p, ", UID ", 6))
		return 0;
	*p += 6;
	if (number(p, 0, 4294967294LL, &v) < 0 || *(*p)++ != ',')
		return -1;
	k->uid = v;
	return 0;
}

/* "Killed process PID (COMM)TAIL", RHEL 6's "Killed process PID, UID N,
 * (COMM)TAIL" or RHEL 7's "Killed process PID (COMM), UID N,TAIL", in buf
 * (NUL-terminated, no newline). */
static int killed(const char *p, struct oomkill *k)
{
	const char *open, *close;
	long long v;

	if (strncmp(p, "Killed process ", 15))
		return 0;
	p += 15;
	if (number(&p, 0, PID_LIMIT, &v) < 0 || v < 1)
		return 0;
	k->pid = (int)v;
	k->uid = -1;
	k->adj = OOMLOG_NONE;
	if (rhel_uid(&p, k) < 0 || strncmp(p, " (", 2))
		return 0;
	open = p + 2;
	/* An empty name is a name (prctl(PR_SET_NAME, "")): "()" is a kill. */
	if (!(close = strrchr(open, ')')) || (size_t)(close - open) >= sizeof k->comm)
		return 0;
	memcpy(k->comm, open, (size_t)(close - open));
	k->comm[close - open] = '\0';
	p = close + 1;
	/* RHEL 7's UID after the name (ltp issue 1080): not in RHEL 6's too. */
	if (k->uid == -1 && rhel_uid(&p, k) < 0)
		return 0;
	return tail(p, k) == 0;
}

int oomlog_parse_msg(const char *msg, size_t len, struct oomkill *k)
{
	static const char cg[] = "Memory cgroup out of memory: ", all[] = "Out of memory: ";
	/* 5.1 and later with vm.oom_kill_allocating_task=1 (out_of_memory()) */
	static const char cur[] = "Out of memory (oom_kill_allocating_task): ";
	char buf[LINE_MAX_KILL] = "";	/* all defined: clang-tidy's analyzer */
	const char *p = buf;

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	/* A NUL inside: not one line of the kernel's. */
	if (len >= sizeof buf || memchr(msg, '\0', len))
		return 0;
	memcpy(buf, msg, len);
	buf[len] = '\0';
	k->memcg = 0;
	if (!strncmp(p, cg, sizeof cg - 1))
		p += sizeof cg - 1, k->memcg = 1;
	else if (!strncmp(p, all, sizeof all - 1))
		p += sizeof all - 1;
	else if (!strncmp(p, cur, sizeof cur - 1))
		p += sizeof cur - 1;
	return killed(p, k);
}

/* /dev/kmsg writes a byte below ' ', above '~', and '\' as \xHH
 * (printk.c): the name as the process set it. */
static void unescape(char *s)
{
	char *w = s, hex[3] = { 0, 0, 0 };

	for (; *s; s++) {
		hex[0] = (char)(s[1] ? s[2] : 0);
		hex[1] = (char)(hex[0] ? s[3] : 0);
		if (s[0] == '\\' && s[1] == 'x' && hex[0] && hex[1]
		    && strspn(hex, "0123456789abcdefABCDEF") == 2 && strtol(hex, NULL, 16)) {
			*w++ = (char)strtol(hex, NULL, 16);
			s += 3;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

int oomlog_parse_kmsg(const char *rec, size_t len, struct oomkill *k)
{
	char hdr[80];
	const char *semi, *nl, *p = hdr;
	size_t hlen;
	long long pri, seq, us;

	/* The prefix, NUL-terminated: the record itself need not be. */
	semi = memchr(rec, ';', len < sizeof hdr ? len : sizeof hdr - 1);
	if (!semi)
		return 0;
	hlen = (size_t)(semi - rec);
	memcpy(hdr, rec, hlen);
	hdr[hlen] = '\0';
	if (number(&p, 0, LLONG_MAX, &pri) < 0 || *p++ != ','
	    || number(&p, 0, LLONG_MAX, &seq) < 0 || *p++ != ','
	    || number(&p, 0, LLONG_MAX, &us) < 0 || (*p != ',' && *p))
		return 0;
	/* Facility 0: the kernel's (devkmsg_write() gives a writer's record
	 * LOG_USER when it asks for 0); level 3: every kill line is KERN_ERR
	 * (printk(KERN_ERR ...) in 2.6.32, pr_err since), and a message of
	 * another level that prints a name or a path a user chose cannot
	 * pass for one. */
	if (pri != 3)
		return 0;
	/* The text ends at the first newline; " KEY=VALUE" lines follow.
	 * devkmsg_read() always ends it so: a record cut before it is not
	 * taken, or "oom_score_adj:1000" cut to "oom_score_adj:10" is 10. */
	len -= hlen + 1;
	nl = memchr(semi + 1, '\n', len);
	if (!nl || !oomlog_parse_msg(semi + 1, (size_t)(nl - semi - 1), k))
		return 0;
	unescape(k->comm);
	k->us = us;
	return 1;
}

int oomlog_parse_syslog(const char *line, size_t len, struct oomkill *k)
{
	char buf[LINE_MAX_KILL + 40];
	const char *p = buf;
	long long pri, s, us = -1, frac;

	/* The line with its newline, which every kill line has (one printk
	 * with "\n"): one cut short could read a number cut short. */
	if (len >= sizeof buf || !len || line[len - 1] != '\n' || memchr(line, '\0', len))
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	/* Level 3 of facility 0, as in a record.  READ_ALL gives each line of
	 * a record the record's prefix: a name or a path with a newline in a
	 * message of another level (the "executable stack" warning, 5.8+,
	 * prints a path) makes lines of that level, never of this one. */
	if (*p++ != '<' || number(&p, 0, 191, &pri) < 0 || *p++ != '>' || pri != 3)
		return 0;
	/* "[%5lu.%06lu] ", with printk.time; then "[%6s]", the caller (T123,
	 * C1), with CONFIG_PRINTK_CALLER (5.1+). */
	if (*p == '[') {
		p++;
		while (*p == ' ')
			p++;
		if (number(&p, 0, LLONG_MAX / 1000000 - 1, &s) < 0 || *p++ != '.'
		    || number(&p, 0, 999999, &frac) < 0 || *p++ != ']')
			return 0;
		if (*p == '[' && (p += 1 + strspn(p + 1, " "), *p == 'T' || *p == 'C')
		    && (p += 1 + strspn(p + 1, "0123456789"), *p == ']'))
			p++;
		if (*p++ != ' ')
			return 0;
		us = s * 1000000 + frac;
	}
	if (!oomlog_parse_msg(p, strlen(p), k))
		return 0;
	k->us = us;
	return 1;
}
