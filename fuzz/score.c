/* libFuzzer: the score parser (-n, children=, the table) and nosh's
 * base-0 level (oom-kill-protect 0x10, 010). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int sc = 12345, pid = 0;
	long v = 12345;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!score_parse(s, &sc) && (sc < SCORE_MIN || sc > SCORE_MAX))
		abort();
	if (!num_parse(s, 0, SCORE_MIN, SCORE_MAX, &v) && (v < SCORE_MIN || v > SCORE_MAX))
		abort();
	if (!pid_parse(s, &pid) && (pid < 1 || pid > PID_LIMIT))
		abort();
	if (!score_parse(s, &sc) && score_to_adj(sc) > 15)
		abort();
	free(s);
	return 0;
}
