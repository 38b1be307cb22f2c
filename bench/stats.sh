# bench/stats.sh - sourced by the bench scripts (sh), not run.
#
# stats FILE [SEP]: the median and the 99th percentile (the ceil(0.99 N)-th
# smallest) of a file of microseconds, one a line, in ms with three decimals,
# on one line separated by SEP (default a space).
# shellcheck shell=sh
stats() {
	sort -n "$1" | awk -v sep="${2:- }" '{ v[NR] = $1 }
	END {
		med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		i = 0.99 * NR; if (i > int(i)) i = int(i) + 1
		printf "%.3f%s%.3f\n", med / 1000, sep, v[i] / 1000
	}'
}
