#!/bin/sh
# ns-holder.sh DIR SPEC...: run under `unshare -m` (mounts private to the new
# namespace): make the mounts SPEC says, then create DIR/ready and sleep
# until killed.  Everything entered with `nsenter -t PID -m` sees them; the
# host does not, and they vanish with the last process inside.
#   overlay:TARGET[:LOWER]  TARGET as it is (with LOWER's files on top, when
#                           given) and writable, the writes going to
#                           DIR/NAME.up: the host's TARGET never changes
#   bind:SRC:TARGET         SRC on TARGET (e.g. a test directory on /run)
#   tmpfs:TARGET            an empty tmpfs on TARGET
# Overlays come first on the command line: a bind inside TARGET after.
set -eu
d=$1
shift
for spec in "$@"; do
	kind=${spec%%:*}
	rest=${spec#*:}
	case $kind in
	overlay)
		target=${rest%%:*}
		lower=$target
		[ "$rest" = "$target" ] || lower=${rest#*:}:$target
		name=$(printf '%s' "$target" | tr / _)
		mkdir -p "$d/$name.up" "$d/$name.work"
		mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/$name.up,workdir=$d/$name.work" "$target"
		;;
	bind) mount --bind "${rest%%:*}" "${rest#*:}" ;;
	tmpfs) mount -t tmpfs tmpfs "$rest" ;;
	*)
		echo "ns-holder.sh: bad spec '$spec'" >&2
		exit 2
		;;
	esac
done
: >"$d/ready"
exec sleep 1000000
