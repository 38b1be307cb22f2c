/* The end of a chain-load: become PROG, or say why not in env(1)'s codes. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "oomguard.h"

int chain_exec(char **argv)
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	say("exec %s: %s", argv[0], strerror(err));
	return err == ENOENT || err == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC;
}
