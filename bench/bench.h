/* What the bench helpers (pidfile-latency.c, watch-latency.c) share: the
 * clock, naps, a small PRNG for the random phase of each event, strict
 * argument parsing, and the reads of oom_score_adj and the pidfile writes
 * that every trial makes.  Compiled into each helper from bench/bench.c. */
#ifndef OOMGUARD_BENCH_H
#define OOMGUARD_BENCH_H

#include <sys/types.h>

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_NORETURN __attribute__((noreturn))
#else
#define BENCH_NORETURN
#endif

/* Name the messages after NAME; seed rnd() from the clock and the pid. */
void bench_init(const char *name);
/* "NAME: WHAT: strerror(errno)" on stderr, and exit 1. */
void fail(const char *what) BENCH_NORETURN;
/* The integer S, argument WHAT, in MIN..MAX; else one line why, and exit 2. */
long arg_long(const char *s, const char *what, long min, long max);

long long now_ns(void);			/* CLOCK_MONOTONIC */
void nap_us(long long us);		/* sleeps through EINTR */
long long rnd(long long n);		/* uniform in 0..n-1; n > 0 */

/* A child that only waits, until it is killed. */
pid_t idler(void);
/* Open /proc/PID/oom_score_adj for reading, or fail. */
int score_open(pid_t pid);
/* The score read from FD, or -100000 when there is none. */
int score_of(int fd);
/* Write TEXT to PATH (open, write, close), or fail. */
void put(const char *path, const char *text);
/* Spin, yielding, until FD reads SCORE: the microseconds since T0 (ns),
 * or fail after 10 s. */
long long wait_score(int fd, int score, long long t0);

#endif
