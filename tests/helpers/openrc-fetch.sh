#!/bin/sh
# openrc-fetch.sh CACHE: Debian 12's OpenRC 0.45.2 (openrc, librc1,
# libeinfo1, and insserv for /etc/insserv.conf, which it reads), downloaded
# with apt-get and unpacked into CACHE, never installed: the openrc package
# conflicts with sysv-rc.  It leaves two trees for overlay mounts in a
# private mount namespace (tests/openrc-real.bats):
# CACHE/usr, the packages' /bin, /sbin, /lib and /usr merged as this
# merged-/usr host has them, and CACHE/etc.  Idempotent: nothing is done
# when CACHE/usr/lib/rc/version already says 0.45.2.
set -eu
c=${1:?usage: openrc-fetch.sh CACHE}
want=0.45.2
if [ "$(cat "$c/usr/lib/rc/version" 2>/dev/null)" = "$want" ]; then
	exit 0
fi
mkdir -p "$c/debs"
cd "$c/debs"
for p in openrc librc1 libeinfo1 insserv; do
	ls "${p}"_*.deb >/dev/null 2>&1 ||
		apt-get download -q -o APT::Sandbox::User=root "$p" >/dev/null
done
rm -rf "${c:?}/root" "${c:?}/usr" "${c:?}/etc"
for d in ./*.deb; do
	dpkg-deb -x "$d" "$c/root"
done
got=$(cat "$c/root/lib/rc/version")
[ "$got" = "$want" ] || {
	echo "openrc-fetch.sh: the archive has OpenRC $got, not $want" >&2
	exit 1
}
mkdir -p "$c/usr"
for d in bin sbin lib; do
	[ ! -d "$c/root/$d" ] || cp -a "$c/root/$d" "$c/usr/"
done
cp -a "$c/root/usr/." "$c/usr/"
cp -a "$c/root/etc" "$c/etc"
# The mount point for a test's own /etc/conf.d.
mkdir -p "$c/etc/conf.d"
rm -rf "$c/root"
