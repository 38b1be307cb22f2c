/* The netlink process events connector (Linux >= 2.6.15).  The few structs
 * are those of include/uapi/linux/connector.h and cn_proc.h, a stable ABI,
 * written out here so that the musl build needs no kernel headers. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procev.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define NETLINK_CONNECTOR 11
#define CN_IDX_PROC 1
#define CN_VAL_PROC 1
#define PROC_CN_MCAST_LISTEN 1
#define NLMSG_DONE 3
#define EV_EXEC 0x00000002u
#define EV_COMM 0x00000200u

struct sockaddr_nl_ {
	unsigned short nl_family, nl_pad;
	uint32_t nl_pid, nl_groups;
};

struct nlmsghdr_ {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};

struct cn_msg_ {
	uint32_t idx, val, seq, ack;
	uint16_t len, flags;
};

struct proc_event_ {
	uint32_t what, cpu;
	uint64_t timestamp_ns;
	uint32_t pid, tgid;	/* exec and comm events start alike */
};

#define NLHDR_LEN ((sizeof(struct nlmsghdr_) + 3) & ~(size_t)3)

#ifndef SO_ATTACH_FILTER
#define SO_ATTACH_FILTER 26
#endif

/* Classic BPF, as in include/uapi/linux/filter.h. */
struct sock_filter_ {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct sock_fprog_ {
	unsigned short len;
	struct sock_filter_ *filter;
};

/* The kernel sends every fork, exit, setuid... of the whole system to each
 * listener: on a busy host thousands a second.  Only exec and comm events
 * matter here, so let the kernel drop the rest before they wake us (and
 * before they fill the buffer).  BPF reads words in network order. */
static void attach_filter(int fd)
{
	struct sock_filter_ code[] = {
		{ 0x20, 0, 0, (uint32_t)(NLHDR_LEN + sizeof(struct cn_msg_)) }, /* ld [what] */
		{ 0x15, 2, 0, 0 },	/* jeq EXEC, accept */
		{ 0x15, 1, 0, 0 },	/* jeq COMM, accept */
		{ 0x06, 0, 0, 0 },	/* ret 0: drop */
		{ 0x06, 0, 0, 0xffffffffu },	/* ret all: accept */
	};
	struct sock_fprog_ prog;

	code[1].k = htonl(EV_EXEC);
	code[2].k = htonl(EV_COMM);
	prog.len = sizeof code / sizeof code[0];
	prog.filter = code;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
		/* Not fatal: every event then wakes us, and is ignored. */
	}
}

static int send_listen(int fd)
{
	struct {
		struct nlmsghdr_ nl;
		struct cn_msg_ cn;
		uint32_t op;
	} req;

	memset(&req, 0, sizeof req);
	req.nl.len = sizeof req;
	req.nl.type = NLMSG_DONE;
	req.nl.pid = (uint32_t)getpid();
	req.cn.idx = CN_IDX_PROC;
	req.cn.val = CN_VAL_PROC;
	req.cn.len = sizeof req.op;
	req.op = PROC_CN_MCAST_LISTEN;
	return send(fd, &req, sizeof req, 0) == (ssize_t)sizeof req ? 0 : -1;
}

int procev_open(void)
{
	struct sockaddr_nl_ sa;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	int size = 1 << 20;

	if (fd < 0)
		return -1;
	/* A burst of execs must not overflow a default-sized buffer. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0) {
		/* Not fatal: the default buffer only overflows sooner. */
	}
	attach_filter(fd);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = CN_IDX_PROC;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || send_listen(fd) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int procev_read(int fd, struct procev *ev, size_t max)
{
	union {
		char buf[8192];
		uint32_t align;
	} u;
	size_t n = 0;

	for (;;) {
		ssize_t len = recv(fd, u.buf, sizeof u.buf, MSG_DONTWAIT);
		size_t off = 0;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return (int)n;
			return -1;	/* ENOBUFS: events were dropped */
		}
		while (off + NLHDR_LEN <= (size_t)len) {
			struct nlmsghdr_ nl;
			struct cn_msg_ cn;
			struct proc_event_ pe;
			const char *p = u.buf + off;

			memcpy(&nl, p, sizeof nl);
			if (nl.len < NLHDR_LEN || off + nl.len > (size_t)len)
				break;
			if (nl.len >= NLHDR_LEN + sizeof cn + sizeof pe) {
				memcpy(&cn, p + NLHDR_LEN, sizeof cn);
				memcpy(&pe, p + NLHDR_LEN + sizeof cn, sizeof pe);
				/* Only whole processes: a thread's exec is its
				 * process's, and tgid names the process. */
				if (cn.idx == CN_IDX_PROC && n < max
				    && (pe.what == EV_EXEC || pe.what == EV_COMM)) {
					ev[n].type = pe.what == EV_EXEC ? PROCEV_EXEC : PROCEV_COMM;
					ev[n].pid = (int)pe.tgid;
					n++;
				}
			}
			off += (nl.len + 3) & ~(uint32_t)3;
		}
		if (n >= max)
			return (int)n;
	}
}

/* A child that execs (the event every kernel since 2.6.15 sends) and is
 * gone: its PID.  Our own binary, which is there for sure, says its
 * version to /dev/null. */
static pid_t probe_child(void)
{
	pid_t child = fork();

	if (child == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl("/proc/self/exe", "oomguard", "--version", (char *)NULL);
		_exit(127);
	}
	return child;
}

int procev_probe(int fd, int ms)
{
	struct procev ev[64];
	struct timespec t0, t;
	pid_t child = probe_child();
	int got = 0, left = ms;

	if (child < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!got && left > 0) {
		struct pollfd p = { fd, POLLIN, 0 };
		int n, i;

		if (poll(&p, 1, left) < 0 && errno != EINTR)
			break;
		/* The probe's own exec, by the PID fork gave us: where the
		 * listen was ignored, another listener on the host still
		 * makes the kernel send us every process's events, with PIDs
		 * of the host's namespace, which mean nothing here.  Lost
		 * events (ENOBUFS) in our namespace: the connector delivers. */
		if ((n = procev_read(fd, ev, sizeof ev / sizeof *ev)) < 0)
			got = 1;
		for (i = 0; i < n; i++)
			got |= ev[i].type == PROCEV_EXEC && ev[i].pid == (int)child;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return got ? 0 : -1;
}
