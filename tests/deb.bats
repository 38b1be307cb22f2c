#!/usr/bin/env bats
# The .deb, for real: built with dpkg-buildpackage (make deb), lintian-clean,
# installed with dpkg -i on this host, used from its installed paths, then
# purged, leaving nothing behind.  The tests run in order and share the
# package; teardown_file purges whatever happens.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
bats_require_minimum_version 1.5.0
load common

VERSION=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")
DEB=$BATS_FILE_TMPDIR/deb/oomguard_${VERSION}_$(dpkg --print-architecture).deb

# What the host holds that a package could leave behind: every path with
# "oom" in it, anywhere on the root file system but scratch and dpkg's own
# records, and the whole of /etc.
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /tmp -o -path /var/tmp \
		-o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache -o -path /work \
		-o -path /root \) -prune -o -path '*oom*' -print | sort
	find /etc -xdev | sort
}

setup_file() {
	# Never purge someone's install: this host must be without oomguard.
	if dpkg-query -W oomguard >/dev/null 2>&1 || [ -e /usr/sbin/oomguard ]; then
		echo "oomguard is installed on this host: tests/deb.bats would remove it" >&3
		return 1
	fi
	snapshot >"$BATS_FILE_TMPDIR/before"
	make -s -C "$TOP" deb DEBDIR="$BATS_FILE_TMPDIR/deb" >"$BATS_FILE_TMPDIR/build.log" 2>&1
}

teardown_file() {
	if dpkg-query -W oomguard >/dev/null 2>&1; then
		/etc/init.d/oomguard stop >/dev/null 2>&1 || true
		dpkg --purge oomguard >/dev/null 2>&1 || true
	fi
}

@test "dpkg-buildpackage built it, with Debian's hardening flags" {
	[ -f "$DEB" ]
	grep -q -- '-fstack-protector-strong' "$BATS_FILE_TMPDIR/build.log"
	grep -q -- '-D_FORTIFY_SOURCE=2' "$BATS_FILE_TMPDIR/build.log"
	# The unit tests of the pure parsers ran in the build.
	grep -q '^1\.\.[0-9]' "$BATS_FILE_TMPDIR/build.log"
}

@test "lintian: no error, no warning" {
	run -0 lintian "${DEB%.deb}.changes"
	# As root it says so first; that is all it may say.
	assert_equal "$(printf '%s\n' "$output" | grep -v 'running with root privileges')" ''
}

@test "the files, the conffiles, and the version from the Makefile" {
	run -0 sh -c "dpkg-deb -c '$DEB' | awk '{ print \$6 }' | grep -v '/\$' | grep -v '^./usr/share/doc/oomguard/examples/' | sort"
	assert_output "$(sort <<-EOF
		./etc/default/oomguard
		./etc/init.d/oomguard
		./etc/oomguard.conf
		./lib/lsb/init-functions.d/50-oomguard
		./usr/sbin/oom-kill-protect
		./usr/sbin/oomguard
		./usr/sbin/oomguard-upstart
		./usr/share/doc/oomguard/README.md.gz
		./usr/share/doc/oomguard/changelog.gz
		./usr/share/doc/oomguard/copyright
		./usr/share/lintian/overrides/oomguard
		./usr/share/man/man5/oomguard.conf.5.gz
		./usr/share/man/man8/oom-kill-protect.8.gz
		./usr/share/man/man8/oomguard-upstart.8.gz
		./usr/share/man/man8/oomguard.8.gz
		./usr/share/oomguard/oomguard.sh
	EOF
	)"
	dpkg-deb -c "$DEB" | grep -q ' ./etc/oomguard.d/$'
	run -0 dpkg-deb -f "$DEB" Version
	assert_output "$VERSION"
	run -0 sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xOf - ./conffiles"
	assert_output "$(printf '%s\n' /etc/default/oomguard /etc/init.d/oomguard /etc/oomguard.conf)"
}

@test "dpkg -i installs it; the watch stays off until enabled" {
	run -0 dpkg -i "$DEB"
	# shellcheck disable=SC2016 # dpkg-query's own format
	run -0 dpkg-query -W -f '${Status}' oomguard
	assert_output 'install ok installed'
	# Whether or not a policy-rc.d let the postinst start it: not running.
	run pgrep -x oomguard
	assert_failure
	grep -qx 'OOMGUARD_ENABLE=no' /etc/default/oomguard
	run -0 /etc/init.d/oomguard start
	assert_output 'oomguard: not starting: OOMGUARD_ENABLE=no in /etc/default/oomguard (set it to yes once /etc/oomguard.conf has your rules)'
	run -3 /etc/init.d/oomguard status
	[ -L /etc/rc2.d/S01oomguard ]
}

@test "from the installed paths: the command, the link, the man pages, check" {
	run -0 /usr/sbin/oomguard -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 300
	run -0 /usr/sbin/oom-kill-protect -- 310 sh -c 'cat /proc/self/oom_score_adj'
	assert_output 310
	run -0 man -w oomguard
	assert_output /usr/share/man/man8/oomguard.8.gz
	run -0 man -w oom-kill-protect
	run -0 man -w 5 oomguard.conf
	run -0 /usr/sbin/oomguard check
	assert_line --index 0 --regexp '^RULE +PID +COMMAND'
}

@test "installed: the init-functions.d hook applies the table to an LSB script" {
	echo 'fakesvc 420' >>/etc/oomguard.conf
	cat >"$T/fakesvc" <<-'EOF'
		#!/bin/sh
		. /lib/lsb/init-functions
		cat /proc/self/oom_score_adj
	EOF
	chmod 755 "$T/fakesvc"
	run -0 with_adj 0 "$T/fakesvc" start
	assert_output 420
	run -0 with_adj 0 "$T/fakesvc" status
	assert_output 0
}

@test "enabled: service oomguard start runs the watch, which applies the table; stop" {
	cp /bin/sleep "$T/sleepx"
	echo "sleeper 600 exe=$T/sleepx" >>/etc/oomguard.conf
	sed -i 's/^OOMGUARD_ENABLE=no$/OOMGUARD_ENABLE=yes/' /etc/default/oomguard
	run -0 service oomguard start
	assert_output 'Starting oomguard: oomguard.'
	d=$(cat /run/oomguard.pid)
	assert_equal "$(cat "/proc/$d/comm")" oomguard
	start "$T/sleepx" 1000
	wait_for adj_is "$pid" 600
	run -0 service oomguard status
	assert_output "oomguard is running (pid $d)"
	run -0 service oomguard stop
	run ! kill -0 "$d"
}

@test "dpkg --purge leaves nothing behind" {
	run -0 dpkg --purge oomguard
	run dpkg-query -W oomguard
	assert_failure
	snapshot >"$BATS_FILE_TMPDIR/after"
	run diff "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
	assert_success
}
