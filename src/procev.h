#ifndef OOMGUARD_PROCEV_H
#define OOMGUARD_PROCEV_H

#include <stddef.h>

/* New programs from the kernel's process events connector. */
enum { PROCEV_EXEC = 1, PROCEV_COMM = 2 };

struct procev {
	int type;
	int pid;
};

/* A socket fd to poll, or -1 with errno (no CAP_NET_ADMIN, not the initial
 * network namespace, a kernel without CONFIG_PROC_EVENTS): rescan instead. */
int procev_open(void);
/* Read the pending events: their number, or -1 when events were lost
 * (ENOBUFS: the socket buffer overflowed) and a full rescan is due. */
int procev_read(int fd, struct procev *ev, size_t max);
/* Does the open socket deliver events?  A probe child's exec must come
 * within ms: 0, or -1.  In a PID namespace other than the initial one the
 * kernel takes the listen and sends nothing (drivers/connector/cn_proc.c
 * ignores it there), which the open cannot tell. */
int procev_probe(int fd, int ms);

#endif
