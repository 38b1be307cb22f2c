#ifndef OOMGUARD_DETACH_H
#define OOMGUARD_DETACH_H

/* The end of becoming a background process, once forked and in a new
 * session: every inherited descriptor but keep (-1: none) closed, stdio on
 * /dev/null, working directory /, messages to syslog. */
void detach_finish(int keep);
/* Fork twice, the middle one a session leader that exits, and finish: 1 in
 * the caller, 0 in the detached grandchild. */
int detach_fork(void);

#endif
