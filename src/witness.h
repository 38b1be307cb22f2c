#ifndef OOMGUARD_WITNESS_H
#define OOMGUARD_WITNESS_H

/* The OOM witness: the kills the kernel reported since boot, each given to
 * the rule whose process it was, by identity only (the PID, and a start
 * time before the kill), for oomguard check; and the watch's record of
 * each kill as it happens, which outlives a ring buffer that wraps. */
#include <stddef.h>

#include "oomlog.h"
#include "state.h"

#define WITNESS_RULE_MAX 64

struct wkill {
	struct oomkill k;
	char rule[WITNESS_RULE_MAX];	/* "": no rule's process, as far as is known */
	int score;			/* the score that rule set */
	int acked, shown;
};

struct witness {
	struct wkill *v;
	size_t n;
	long counted;		/* the kernel's count of kills since boot, or -1 */
	long unseen;		/* of those, how many no log holds, unacknowledged; -1 unknown */
	long long ack_us;	/* kills up to this printk time are acknowledged */
	int read_err;		/* why the kernel log could not be read (errno), or 0 */
};

/* Every kill the kernel log and the watch's record hold; acknowledgements
 * applied.  Never fails: what cannot be read is left out (read_err). */
void witness_load(struct witness *w);
/* Give kills to the services of the state directory's records, by identity. */
void witness_attribute(struct witness *w, const struct state_rec *sv, size_t ns);
/* Acknowledge every kill loaded, and the unseen ones: 0, or -1 (said). */
int witness_ack(struct witness *w);
/* A process as a record or the watch knows it: PID, start time (ticks),
 * real uid (-1: not known), the score in force (OOMLOG_NONE: not known);
 * next: the start time of the one set after it at that PID (0: none). */
struct witness_id {
	int pid, adj;
	unsigned long long start, next;
	long long uid;
};

/* The one judge of both: could the kill be of that process, by what the
 * log says?  The same PID, uid and score where the kernel printed them,
 * started before the kill, and (next) killed before its successor started. */
int witness_fits(const struct witness_id *id, const struct oomkill *k);
/* A kill's wall-clock time, seconds since the epoch, or -1. */
long long witness_wall(const struct oomkill *k);
void witness_free(struct witness *w);

/* For the watch: /dev/kmsg, positioned at its end, O_NONBLOCK; or -1
 * (before 3.5, or not readable).  Each kill read is given to the rule
 * lookup() names for its PID and printk time (NULL: none), and recorded. */
int witness_live_open(void);
typedef const char *witness_lookup(void *ctx, const struct oomkill *k, int *score);
void witness_live_drain(int fd, witness_lookup *lookup, void *ctx);

#endif
