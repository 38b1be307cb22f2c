/* oldkernel MAXNR [NR...] -- PROG [ARG...]: run PROG as if on an older
 * x86-64 kernel.  Every system call numbered above MAXNR (x86-64 numbers
 * grow with each release: 298 is the last of 2.6.32, 293 of 2.6.26), and
 * each NR listed, fails with ENOSYS, as it would on a kernel that lacks it.
 * The filter is inherited by every child and survives execve.
 * For tests/portability.bats: what "runs on 2.6.32" means, shown for real. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#define MAXDENY 32

static unsigned long num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 4095) {
		fprintf(stderr, "oldkernel: parse %s: not a system call number\n", s);
		exit(2);
	}
	return (unsigned long)v;
}

int main(int argc, char **argv)
{
	struct sock_filter f[8 + MAXDENY * 2];
	struct sock_fprog prog;
	unsigned short n = 0;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: oldkernel MAXNR [NR...] -- PROG [ARG...]\n");
		return 2;
	}
	/* Another architecture's numbers mean other calls: refuse them all. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, num(argv[1]), 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (i - 2 >= MAXDENY) {
			fprintf(stderr, "oldkernel: more than %d calls to deny\n", MAXDENY);
			return 2;
		}
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, num(argv[i]), 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "oldkernel: no PROG after --\n");
		return 2;
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;
	prog.filter = f;
	/* No new privileges would cost PROG its setuid bits: only without
	 * CAP_SYS_ADMIN, where the kernel asks for it. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0
	    && (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
		|| prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)) {
		perror("oldkernel: install the filter");
		return 1;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "oldkernel: exec %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
