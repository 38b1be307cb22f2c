#ifndef OOMGUARD_NUM_H
#define OOMGUARD_NUM_H

#include <stddef.h>

#define SCORE_MIN (-1000)
#define SCORE_MAX 1000
#define PID_LIMIT 4194304	/* PID_MAX_LIMIT on 64-bit kernels */
/* Seconds of a pidfile wait (-w, wait=): the default, and the most, a year.
 * hooks/oomguard.sh has its own copy of the default (OOM_WAIT). */
#define WAIT_SECS_DEFAULT 60
#define WAIT_SECS_MAX 31536000

/* A number macro as a string literal, for messages and --help. */
#define STR_(x) #x
#define STR(x) STR_(x)

/* The one reason for every bad score: in the table, -n, OOM_SCORE_ADJ (the
 * /etc/default hook) and oom-kill-protect's LEVEL, so that a typo reads the
 * same whichever way it came. */
#define SCORE_BAD "not a score from -1000 to 1000"

/* Return 0 and store the value, or a short reason why s is not one. */
const char *num_parse(const char *s, int base, long min, long max, long *out);
const char *score_parse(const char *s, int *out);
const char *pid_parse(const char *s, int *out);
/* Decimal digits only, 0 to max (unsigned: a start time in ticks). */
const char *unum_parse(const char *s, unsigned long long max, unsigned long long *out);
/* A numeric user ID: decimal digits, 0 to 4294967294 ((uid_t)-1 is no
 * user), in an unsigned long, which a 32-bit build's long cannot hold. */
const char *uid_parse(const char *s, unsigned long *out);
/* A uid as a record keeps it: uid_parse's, or -1 (not known). */
const char *uid_or_none(const char *s, long long *out);
/* The first line of a pidfile, buf[0..len): NULL and *pid, or a reason. */
const char *pidline_parse(const char *buf, size_t len, long pid_max, int *pid);

/* The kernel's own conversions between the two scales (fs/proc/base.c). */
int score_to_adj(int score);
int adj_to_score(int adj);

#endif
