#include "msg.h"
#include "pidfile.h"

int pidfile_wait(const struct pidwait *w, int score)
{
	(void)score;
	die(EX_FAIL, "wait %s: not built yet", w->path);
}
