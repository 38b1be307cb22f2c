/* libFuzzer: one line of /etc/oomguard.conf, as load_file hands it over
 * (at most CONF_LINE_MAX bytes, the newline gone, ends at the first NUL). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const char *p, const char *line, size_t size)
{
	return !p || (p >= line && p < line + size && p[0] && strlen(p) < size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule r;
	const char *word = NULL, *why = NULL;
	char *line;
	int rc;

	if (size > CONF_LINE_MAX)
		return 0;
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	rc = conf_parse_line(line, &r, &word, &why);
	if (rc < 0 && (!why || !word || !inside(word, line, size + 1)))
		abort();
	if (rc > 0) {
		if (!r.name[0] || strlen(r.name) >= CONF_NAME_MAX
		    || r.score < SCORE_MIN || r.score > SCORE_MAX
		    || (r.tree != 0 && r.tree != 1) || r.wait < -1
		    || (r.has_children && (r.children < SCORE_MIN || r.children > SCORE_MAX)))
			abort();
		if (!inside(r.pidfile, line, size) || !inside(r.exe, line, size)
		    || !inside(r.comm, line, size))
			abort();
		if ((r.pidfile && r.pidfile[0] != '/') || (r.exe && r.exe[0] != '/')
		    || (r.comm && strlen(r.comm) > 15))
			abort();
	}
	free(line);
	return 0;
}
