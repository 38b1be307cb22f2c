#ifndef OOMGUARD_SCORE_H
#define OOMGUARD_SCORE_H

/* Both return an exit code of msg.h; on failure errno keeps the cause. */
int score_set(int pid, int score, unsigned long long start);
/* The same, silent when the process has exited (EXIT_GONE): for -T members. */
int score_set_member(int pid, int score, unsigned long long start);
/* The same through its oom_score_adj, opened before st was read; closed. */
struct pstat;
int score_set_member_fd(int adjfd, const struct pstat *st, int score);
/* The same in two halves, for the top-down walk (src/walk.c). */
struct score_half {
	int fd, score, step, err;
};
int score_half_write(struct score_half *h, int adjfd, const struct pstat *st, int score);
int score_half_done(struct score_half *h, const struct pstat *st, int *alive);
int score_get(int pid, int *oom_score, int *score_adj);
/* Quiet reading through an open /proc/PID fd, for listings: 0 or -1/errno. */
int score_read(int dirfd, int *oom_score, int *score_adj);
void score_warn_unkillable(int score);

#endif
