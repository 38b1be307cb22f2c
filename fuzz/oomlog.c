/* libFuzzer: the OOM killer's reports (src/oomlog.c).  Any bytes go to the
 * three parsers as they are; then the same bytes choose a kill (form, PID,
 * score, a name of up to 15 bytes) that the kernel's own format strings
 * print, as /dev/kmsg and as syslog(2) give it, and the parsers must read
 * back exactly that kill: the name cannot forge a field. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any parser's success: every field in its range. */
static void sane(const struct oomkill *k)
{
	if (k->pid < 1 || k->pid > 4194304
	    || (k->adj != OOMLOG_NONE && (k->adj < -1000 || k->adj > 1000))
	    || (k->uid != -1 && (k->uid < 0 || k->uid > 4294967294LL))
	    || (k->memcg != 0 && k->memcg != 1)
	    || !memchr(k->comm, '\0', sizeof k->comm))
		abort();
}

/* Exactly size bytes on the heap, no NUL added: ASan sees a read past it. */
static void raw(const uint8_t *data, size_t size)
{
	int (*const parse[])(const char *, size_t, struct oomkill *) = {
		oomlog_parse_msg, oomlog_parse_kmsg, oomlog_parse_syslog
	};
	char *b = malloc(size ? size : 1);
	size_t i;

	if (!b)
		return;
	memcpy(b, data, size);
	for (i = 0; i < sizeof parse / sizeof *parse; i++) {
		struct oomkill k;

		memset(&k, 0x55, sizeof k);
		if (parse[i](b, size, &k))
			sane(&k);
	}
	free(b);
}

/* The kill line of each form (mm/oom_kill.c; tests/unit/unit.c cites
 * each): PID, name, then UID 500 and the score where the form has them. */
static int form(char *out, size_t size, unsigned f, int pid, const char *comm, int adj)
{
	static const char rss[] = "total-vm:1kB, anon-rss:2kB, file-rss:3kB";

	switch (f) {
	case 0:		/* 2.6.32 */
		return snprintf(out, size, "Killed process %d (%s)", pid, comm);
	case 1:		/* 2.6.33 .. 2.6.35 */
		return snprintf(out, size, "Killed process %d (%s) vsz:1kB, anon-rss:2kB, "
				"file-rss:3kB", pid, comm);
	case 2:		/* RHEL 6 */
		return snprintf(out, size, "Killed process %d, UID 500, (%s) %s", pid, comm, rss);
	case 3:		/* 2.6.36 .. 4.4 */
		return snprintf(out, size, "Killed process %d (%s) %s", pid, comm, rss);
	case 4:		/* RHEL 7 */
		return snprintf(out, size, "Killed process %d (%s), UID 500, %s, shmem-rss:4kB",
				pid, comm, rss);
	case 5:		/* 4.5 .. 5.0 */
		return snprintf(out, size, "Killed process %d (%s) %s, shmem-rss:4kB", pid, comm, rss);
	case 6:		/* 5.3 */
		return snprintf(out, size, "Out of memory: Killed process %d (%s) %s, "
				"shmem-rss:4kB, UID:500", pid, comm, rss);
	case 7:		/* 5.4 .. 6.x, vm.oom_kill_allocating_task */
		return snprintf(out, size, "Out of memory (oom_kill_allocating_task): Killed "
				"process %d (%s) %s, shmem-rss:4kB, UID:500 pgtables:5kB "
				"oom_score_adj:%d", pid, comm, rss, adj);
	default:	/* 5.4 .. 6.x, a memory cgroup's */
		return snprintf(out, size, "Memory cgroup out of memory: Killed process %d (%s) "
				"%s, shmem-rss:4kB, UID:500 pgtables:5kB oom_score_adj:%d",
				pid, comm, rss, adj);
	}
}
#define NFORMS 9
#define HAS_UID(f) ((f) == 2 || (f) == 4 || (f) >= 6)
#define HAS_ADJ(f) ((f) >= 7)

/* As devkmsg_read() gives it: a byte below ' ', above '~' and '\' as \xHH. */
static void kmsg_esc(char *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < ' ' || c >= 127 || c == '\\')
			out += sprintf(out, "\\x%02x", c);
		else
			*out++ = (char)c;
	}
	*out = '\0';
}

static void want(const struct oomkill *k, unsigned f, int pid, const char *comm, int adj)
{
	sane(k);
	if (k->pid != pid || strcmp(k->comm, comm) || k->memcg != (f == NFORMS - 1)
	    || k->adj != (HAS_ADJ(f) ? adj : OOMLOG_NONE) || k->uid != (HAS_UID(f) ? 500 : -1))
		abort();
}

/* Each line of a syslog(2) record (a name's newline splits it, and the
 * kernel repeats the prefix): a kill read there is the kill itself. */
static void syslog_lines(const char *rec, unsigned f, int pid, const char *comm, int adj)
{
	const char *p = rec, *nl;
	int split = strchr(comm, '\n') != NULL, got = 0;

	for (; *p; p = nl + 1) {
		struct oomkill k;

		nl = strchr(p, '\n');
		if (!oomlog_parse_syslog(p, (size_t)(nl - p + 1), &k))
			continue;
		got++;
		sane(&k);
		/* The first line, cut at the newline: the PID is still the
		 * kernel's, what the name held past it is lost. */
		if (split ? k.pid != pid || k.adj != OOMLOG_NONE || k.us != 42000017
			  : (want(&k, f, pid, comm, adj), k.us != 42000017))
			abort();
	}
	if (split ? got > 1 : got != 1)
		abort();
}

static void built(const uint8_t *data, size_t size)
{
	char comm[16], line[400], esc[64], rec[600], *p;
	struct oomkill k;
	unsigned f;
	int pid, adj;
	size_t i, n;

	if (size < 7)
		return;
	f = data[0] % NFORMS;
	pid = (int)(((unsigned)data[1] << 16 | (unsigned)data[2] << 8 | data[3]) % 4194304) + 1;
	adj = (int)(((unsigned)data[4] << 8 | data[5]) % 2001) - 1000;
	/* TASK_COMM_LEN 16: up to 15 bytes, no NUL; an empty name too. */
	for (n = 0, i = 6; i < size && n < 15 && data[i]; i++)
		comm[n++] = (char)data[i];
	comm[n] = '\0';

	kmsg_esc(esc, comm);
	form(line, sizeof line, f, pid, esc, adj);
	snprintf(rec, sizeof rec, "3,1234,42000017,-;%s\n SUBSYSTEM=x\n", line);
	memset(&k, 0x55, sizeof k);
	if (!oomlog_parse_kmsg(rec, strlen(rec), &k))
		abort();
	want(&k, f, pid, comm, adj);
	if (k.us != 42000017)
		abort();

	form(line, sizeof line, f, pid, comm, adj);
	/* record_print_text(): the prefix again after every newline. */
	p = rec;
	p += sprintf(p, "<3>[   42.000017] ");
	for (i = 0; line[i]; i++)
		p += line[i] == '\n' ? sprintf(p, "\n<3>[   42.000017] ") : (*p = line[i], 1);
	memcpy(p, "\n", 2);
	syslog_lines(rec, f, pid, comm, adj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	raw(data, size);
	built(data, size);
	return 0;
}
