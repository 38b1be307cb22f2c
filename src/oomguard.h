#ifndef OOMGUARD_H
#define OOMGUARD_H

#include <stddef.h>

/* The modes main() dispatches to; each returns an exit code (msg.h). */
int apply_pids(const int *pids, size_t n, int score, int tree);
int apply_tree_pinned(int pid, unsigned long long start, int score);
int show_pids(const int *pids, size_t n);
int list_procs(void);
int chain_exec(char **argv);
int nosh_main(int argc, char **argv);
int hook_main(int argc, char **argv);
int watch_main(int argc, char **argv);
int check_main(int argc, char **argv);
int judge_main(int argc, char **argv);

#endif
