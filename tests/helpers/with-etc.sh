#!/bin/sh
# with-etc.sh DIR CMD [ARG...]: run CMD in a mount namespace whose /etc is
# an overlay of the real one, holding as /etc/default/oomguard and
# /etc/sysconfig/oomguard exactly the files found in DIR/etc/default and
# DIR/etc/sysconfig (none there: none at all).  This Debian host has no
# /etc/sysconfig to bind a directory on, and its /etc must not be written:
# the overlay's changes go to DIR/etc.up.  CMD keeps this process's PID
# (unshare and sh exec it), so a caller may track or kill it.
set -u
d=$1
shift
mkdir -p "$d/etc/default" "$d/etc/sysconfig" "$d/etc.up" "$d/etc.work" || exit 99
# shellcheck disable=SC2016 # expanded by the child sh
exec unshare -m sh -c '
	d=$1
	shift
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc.up,workdir=$d/etc.work" /etc &&
		mkdir -p /etc/default /etc/sysconfig &&
		rm -f /etc/default/oomguard /etc/sysconfig/oomguard || exit 99
	for s in default sysconfig; do
		[ ! -e "$d/etc/$s/oomguard" ] || cp "$d/etc/$s/oomguard" "/etc/$s/oomguard" || exit 99
	done
	exec "$@"' sh "$d" "$@"
