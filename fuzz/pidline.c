/* libFuzzer: the first line of a pidfile, written by whoever owns it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same rule, written the slow way. */
static int expect(const char *b, size_t n, long pid_max)
{
	size_t i = 0;
	long v = 0;

	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if (i == n || b[i] < '0' || b[i] > '9')
		return -1;
	for (; i < n && b[i] >= '0' && b[i] <= '9'; i++)
		if ((v = v * 10 + (b[i] - '0')) > pid_max)
			v = pid_max + 1;
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if ((i < n && b[i] != '\n') || v < 2 || v > pid_max)
		return -1;
	return (int)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long maxes[] = { 32768, PID_LIMIT, 2 };
	char *b;
	size_t k;

	/* Exactly size bytes on the heap: ASan sees any read past the end. */
	b = malloc(size ? size : 1);
	if (!b)
		return 0;
	memcpy(b, data, size);
	for (k = 0; k < sizeof maxes / sizeof *maxes; k++) {
		int pid = -1;
		const char *why = pidline_parse(b, size, maxes[k], &pid);

		if (why ? expect(b, size, maxes[k]) != -1 : expect(b, size, maxes[k]) != pid)
			abort();
	}
	free(b);
	return 0;
}
