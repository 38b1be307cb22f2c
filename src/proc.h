#ifndef OOMGUARD_PROC_H
#define OOMGUARD_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct pstat {
	int pid, ppid;
	char state;
	signed char mark;		/* the caller's: 0 from proc_scan */
	unsigned long flags;
	unsigned long long start;	/* clock ticks after boot */
	long rss;			/* pages */
	char comm[32];
	unsigned long long ino;		/* of the /proc/PID entry (proc_scan) */
	int nthreads;			/* num_threads (field 20) */
};

#define PF_KTHREAD_FLAG 0x00200000UL

const char *proc_root(void);
/* 1 when OOMGUARD_PROC names another root than /proc: a fake one (tests). */
int proc_root_fake(void);
int proc_open_path(const char *rel, int flags);	/* ENAMETOOLONG, never cut */
int proc_open(int pid);		/* 0 is the caller itself */
int proc_read(int dirfd, const char *name, char *buf, size_t size);
/* The same for a file of one line, which the first read gives whole. */
int proc_read_line(int dirfd, const char *name, char *buf, size_t size);
/* The number after KEY, which starts a line, in a file of /proc. */
int proc_field(int dirfd, const char *file, const char *key, int base, long *v);
/* Processes (and threads) forked since boot, host-wide; -1: unknown. */
int proc_forks(long *n);
int proc_parse_stat(const char *buf, struct pstat *st);
int proc_stat(int dirfd, struct pstat *st);
/* PID/stat under procfd (the procfs root's); ESRCH if it names another. */
int proc_stat_pid(int procfd, int pid, struct pstat *st);
/* PID/oom_score_adj under procfd, O_RDWR, for a write pinned by a stat
 * read after it (see proc_scan_with); -1 if it cannot be opened, or is a
 * fake root's FIFO. */
int proc_open_adj(int procfd, int pid);
/* Has the process exited (a zombie, or dead)?  A main thread that called
 * pthread_exit shows Z too while other threads run: the process is alive
 * then, and a score written to it takes effect. */
int proc_exited(const struct pstat *st);
#define PROC_GIDS_MAX 256
struct proc_ids {
	int tgid, ngids;	/* tgid -1: not given (a fake procfs) */
	uid_t uid;
	gid_t gids[PROC_GIDS_MAX];	/* the real gid first */
};
int proc_ids(int dirfd, struct proc_ids *id);
int proc_uid(int dirfd, uid_t *uid);
const char *user_name(uid_t uid, size_t max, char *buf, size_t n);
/* Every process, in PID order (whatever order the directory lists them). */
size_t proc_scan(struct pstat **list);
/* The same, calling visit(ctx, adjfd, v, n) as each is read: v[n] the new
 * one, v[0..n) those before it (sorted); adjfd its oom_score_adj, opened
 * O_RDWR before its stat was read (-1: it could not be), so that a write
 * through it reaches the process that stat describes or fails with ESRCH.
 * adjfd is the visitor's: it closes it, now or later.  prev (nprev entries,
 * or NULL): the last scan's list, whose entries still there are copied,
 * marks included, not read again nor visited: a rescan reads only the
 * processes started since.  *err, if a process may be missing: why
 * (EMFILE, ENFILE, ENOMEM; or opendir's error); left as it was if not. */
typedef void proc_visit(void *ctx, int adjfd, struct pstat *v, size_t n);
size_t proc_scan_with(struct pstat **list, const struct pstat *prev, size_t nprev,
		      proc_visit *visit, void *ctx, int *err);
/* The children of every thread of process pid, under procfd (the procfs
 * root): task/TID/children, Linux 3.5+ with CONFIG_PROC_CHILDREN.  nthreads
 * 1 reads task/PID/children alone (a child forked by another thread is
 * listed under that thread only); 0 or more, every thread's of task/.
 * Appended to *v (n entries, room for cap; grown).  0, or -1 with errno:
 * ENOENT when the process or the file is not there. */
int proc_children(int procfd, int pid, int nthreads, int **v, size_t *n, size_t *cap);
/* CAP_SYS_RESOURCE in the caller's CapEff, as root: 1, 0, -1 unknown. */
int proc_cap_resource(void);
struct pstat *proc_find(struct pstat *v, size_t n, int pid);
/* Sort by PID, for proc_find. */
void proc_sort(struct pstat *v, size_t n);

#endif
