#!/usr/bin/env bats
# The .deb, for real: built with dpkg-buildpackage (make deb), lintian-clean,
# installed with dpkg -i on this host, used from its installed paths, then
# purged, leaving nothing behind.  The tests run in order and share the
# package; teardown_file purges it whatever happens, but only if this file
# found the host without oomguard: someone's own install is never touched.
# shellcheck disable=SC2154 # $T and $pid are set by common.bash
bats_require_minimum_version 1.5.0
load common

VERSION=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")
DEB=$BATS_FILE_TMPDIR/deb/oomguard_${VERSION}_$(dpkg --print-architecture).deb
# Set in setup_file once the host is known to be without oomguard: from
# then on, an oomguard package on it is ours to purge.
OURS=$BATS_FILE_TMPDIR/ours

# What the host holds that a package could leave behind: every path with
# "oom" in it, anywhere on the root file system but scratch, the home and
# work trees, and dpkg's own records (checked by dpkg-query), and the
# whole of /etc (rc.d links, conffiles).  Narrower than "all of /usr and
# /run", which other processes on the host may change meanwhile.
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /tmp -o -path /var/tmp \
		-o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache -o -path /work \
		-o -path /root -o -path /run/oomguard-tests -o -path /var/lib/oomguard-tests \) -prune -o -path '*oom*' -print | sort
	find /etc -xdev | sort
}

# Succeeds while a process of the installed binary runs (the watch); the
# binary's name alone would also find other suites' oomguard processes.
installed_running() {
	local e
	for e in /proc/[0-9]*/exe; do
		case $(readlink "$e" 2>/dev/null) in
		/usr/sbin/oomguard | '/usr/sbin/oomguard (deleted)') return 0 ;;
		esac
	done
	return 1
}

# as_policy EXIT CMD...: run CMD as if /usr/sbin/policy-rc.d answered EXIT
# (0: run the action, 101: refuse it), in a private mount namespace: the
# host's own file is not changed.  Without one on the host, nothing is
# refused, and only 0 can be asked for.
as_policy() {
	local code=$1
	shift
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		[ "$code" = 0 ] || return 99
		"$@"
		return
	fi
	printf '#!/bin/sh\nexit %s\n' "$code" >"$T/policy-rc.d"
	chmod 755 "$T/policy-rc.d"
	# shellcheck disable=SC2016 # expanded by the child sh
	unshare -m sh -c 'mount --bind "$1" /usr/sbin/policy-rc.d && shift && exec "$@"' \
		sh "$T/policy-rc.d" "$@"
}

setup_file() {
	# Never purge or overwrite someone's oomguard (a package, make install,
	# a table of their own): refuse, and leave teardown_file nothing to do.
	local p
	if dpkg-query -W oomguard >/dev/null 2>&1; then
		echo "tests/deb.bats: the oomguard package is on this host; it would be purged: remove it first" >&2
		return 1
	fi
	for p in /usr/sbin/oomguard /usr/sbin/oom-kill-protect /usr/sbin/oomguard-upstart /usr/sbin/oomguard-protect \
		/usr/share/oomguard /lib/lsb/init-functions.d/50-oomguard /etc/oomguard.conf \
		/etc/oomguard.d /etc/default/oomguard /etc/init.d/oomguard /run/oomguard.pid; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			echo "tests/deb.bats: $p exists on this host; the package would overwrite it, its purge remove it" >&2
			return 1
		fi
	done
	touch "$OURS"
	snapshot >"$BATS_FILE_TMPDIR/before"
	if ! make -s -C "$TOP" deb DEBDIR="$BATS_FILE_TMPDIR/deb" >"$BATS_FILE_TMPDIR/build.log" 2>&1; then
		tail -n 40 "$BATS_FILE_TMPDIR/build.log" >&2
		return 1
	fi
}

teardown_file() {
	[ -e "$OURS" ] || return 0
	if dpkg-query -W oomguard >/dev/null 2>&1; then
		# A policy-rc.d may refuse the prerm's stop: stop the watch first.
		[ ! -x /etc/init.d/oomguard ] || /etc/init.d/oomguard stop >/dev/null 2>&1 || true
		dpkg --purge oomguard >/dev/null 2>&1 || true
	fi
}

@test "debian/changelog's version is the Makefile's VERSION (native: no revision)" {
	[ -n "$VERSION" ]
	run -0 dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version
	assert_output "$VERSION"
	assert_equal "$(cat "$TOP/debian/source/format")" '3.0 (native)'
}

@test "dpkg-buildpackage built it from a clean copy, with Debian's hardening flags" {
	[ -f "$DEB" ]
	# debian/rules clean ran the Makefile's clean first.
	grep -Eq '^[[:space:]]*make( -j[0-9]+)? clean$' "$BATS_FILE_TMPDIR/build.log"
	grep -q -- '-fstack-protector-strong' "$BATS_FILE_TMPDIR/build.log"
	grep -q -- '-D_FORTIFY_SOURCE=2' "$BATS_FILE_TMPDIR/build.log"
	# The unit tests of the pure parsers ran in the build.
	grep -q '^1\.\.[0-9]' "$BATS_FILE_TMPDIR/build.log"
	# And the binary shows them: PIE, full RELRO, canaries, fortified calls.
	dpkg-deb -x "$DEB" "$T/x"
	run -0 readelf -hW "$T/x/usr/sbin/oomguard"
	assert_line --regexp '^ *Type: +DYN '
	run -0 readelf -dW "$T/x/usr/sbin/oomguard"
	assert_output --partial BIND_NOW
	run -0 readelf -lW "$T/x/usr/sbin/oomguard"
	assert_output --partial GNU_RELRO
	run -0 readelf --dyn-syms -W "$T/x/usr/sbin/oomguard"
	assert_output --partial __stack_chk_fail
	assert_output --regexp '__(printf|snprintf|memcpy)_chk'
}

@test "lintian: no error, no warning, no info, on the .deb and the .changes" {
	run -0 lintian -I "${DEB%.deb}.changes"
	# As root it says so first; that is all it may say.
	assert_equal "$(printf '%s\n' "$output" | grep -v 'running with root privileges')" ''
	run -0 shellcheck "$TOP/debian/oomguard.postrm"
}

@test "the files, their owner, the conffiles, the version, the shipped defaults" {
	# Every file and link, examples included: those are what git tracks in
	# the four service-file directories and monitoring/.
	run -0 sh -c "dpkg-deb -c '$DEB' | awk '{ print \$6 }' | grep -v '/\$' | sort"
	assert_output "$({
		cat <<-EOF
			./etc/default/oomguard
			./etc/init.d/oomguard
			./etc/oomguard.conf
			./lib/lsb/init-functions.d/50-oomguard
			./usr/sbin/oom-kill-protect
			./usr/sbin/oomguard
			./usr/sbin/oomguard-protect
			./usr/sbin/oomguard-upstart
			./usr/share/doc/oomguard/README.md.gz
			./usr/share/doc/oomguard/changelog.gz
			./usr/share/doc/oomguard/copyright
			./usr/share/lintian/overrides/oomguard
			./usr/share/man/man5/oomguard.conf.5.gz
			./usr/share/man/man8/oom-kill-protect.8.gz
			./usr/share/man/man8/oomguard-protect.8.gz
			./usr/share/man/man8/oomguard-upstart.8.gz
			./usr/share/man/man8/oomguard.8.gz
			./usr/share/oomguard/oomguard.sh
		EOF
		git -C "$TOP" ls-files runit sysvinit openrc upstart monitoring | sed 's|^|./usr/share/doc/oomguard/examples/|'
	} | sort)"
	dpkg-deb -c "$DEB" | grep -q ' ./etc/oomguard.d/$'
	# Rules-Requires-Root: no, and still all root's.
	run -0 sh -c "dpkg-deb -c '$DEB' | awk '\$2 != \"root/root\"'"
	assert_output ''
	dpkg-deb -c "$DEB" | grep -Eq '^-rwxr-xr-x .* \./usr/sbin/oomguard$'
	dpkg-deb -c "$DEB" | grep -Eq '^-rwxr-xr-x .* \./etc/init\.d/oomguard$'
	dpkg-deb -c "$DEB" | grep -Eq '^lrwxrwxrwx .* \./usr/sbin/oom-kill-protect -> oomguard$'
	run -0 dpkg-deb -f "$DEB" Package Version Architecture Section
	assert_output "$(printf '%s\n' 'Package: oomguard' "Version: $VERSION" \
		"Architecture: $(dpkg --print-architecture)" 'Section: admin')"
	run -0 dpkg-deb -I "$DEB" conffiles
	assert_output "$(printf '%s\n' /etc/default/oomguard /etc/init.d/oomguard /etc/oomguard.conf)"
	# The init script is the project's own, not a copy that could drift.
	dpkg-deb -x "$DEB" "$T/x"
	cmp "$T/x/etc/init.d/oomguard" "$TOP/sysvinit/oomguard"
	# Off until configured; the table holds only comments.
	run -0 grep -v -e '^#' -e '^[[:space:]]*$' "$T/x/etc/default/oomguard"
	assert_output 'OOMGUARD_ENABLE=no'
	grep -q 'oomguard check' "$T/x/etc/default/oomguard"
	run -1 grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$T/x/etc/oomguard.conf"
}

@test "dpkg -i installs it; its postinst runs the init script, which does not start the watch" {
	# Whatever policy-rc.d this host has: here the postinst's invoke-rc.d
	# really runs /etc/init.d/oomguard start.
	run -0 as_policy 0 dpkg -i "$DEB"
	assert_line 'oomguard: not starting: OOMGUARD_ENABLE=no in /etc/default/oomguard (set it to yes once /etc/oomguard.conf has your rules)'
	# shellcheck disable=SC2016 # dpkg-query's own format
	run -0 dpkg-query -W -f '${Status} ${Version}' oomguard
	assert_output "install ok installed $VERSION"
	run installed_running
	assert_failure
	[ ! -e /run/oomguard.pid ]
	run -0 /etc/init.d/oomguard start
	assert_output 'oomguard: not starting: OOMGUARD_ENABLE=no in /etc/default/oomguard (set it to yes once /etc/oomguard.conf has your rules)'
	run -3 /etc/init.d/oomguard status
	assert_output 'oomguard is not running'
	# update-rc.d (insserv or not, whatever the number) put the links in.
	compgen -G '/etc/rc2.d/S[0-9][0-9]oomguard'
	compgen -G '/etc/rc0.d/K[0-9][0-9]oomguard'
}

@test "from the installed paths: the command, the link, the man pages, check" {
	run -0 /usr/sbin/oomguard -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 300
	run -0 /usr/sbin/oom-kill-protect -- 310 sh -c 'cat /proc/self/oom_score_adj'
	assert_output 310
	run -0 man -w oomguard
	assert_output /usr/share/man/man8/oomguard.8.gz
	# A link to oomguard.8.gz, which man resolves.
	run -0 man -w oom-kill-protect
	assert_output /usr/share/man/man8/oomguard.8.gz
	run -0 man -w 5 oomguard.conf
	assert_output /usr/share/man/man5/oomguard.conf.5.gz
	# The shipped table is all comments: check says nothing is protected.
	run -1 /usr/sbin/oomguard check
	assert_output "oomguard: check /etc/oomguard.conf: no rules, in it or its .d directory: add one with oomguard protect, see oomguard.conf(5)"
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

@test "enabled: the init script runs the watch, which applies the table; stop" {
	cp /bin/sleep "$T/sleepx"
	echo "sleeper 600 exe=$T/sleepx" >>/etc/oomguard.conf
	sed -i 's/^OOMGUARD_ENABLE=no$/OOMGUARD_ENABLE=yes/' /etc/default/oomguard
	run -0 service oomguard start
	assert_output 'Starting oomguard: oomguard.'
	d=$(cat /run/oomguard.pid)
	assert_equal "$(readlink "/proc/$d/exe")" /usr/sbin/oomguard
	start "$T/sleepx" 1000
	wait_for adj_is "$pid" 600
	run -0 /etc/init.d/oomguard status
	assert_output "oomguard is running (pid $d)"
	run -0 /etc/init.d/oomguard stop
	assert_output 'Stopping oomguard: oomguard.'
	run ! kill -0 "$d"
	[ ! -e /run/oomguard.pid ]
}

@test "dpkg --purge leaves nothing behind, even a dead watch's pidfile" {
	# A watch that died without a stop leaves its pidfile (it does not
	# remove its own); here a PID that has exited.  The purge runs where a
	# policy-rc.d refuses the prerm's stop, as in CI, so that only the
	# postrm can remove it (with no policy-rc.d on the host, the stop does).
	sh -c 'echo "$$"' >/run/oomguard.pid
	if [ -e /usr/sbin/policy-rc.d ]; then
		run -0 as_policy 101 dpkg --purge oomguard
	else
		run -0 dpkg --purge oomguard
	fi
	run dpkg-query -W oomguard
	assert_failure
	run compgen -G '/var/lib/dpkg/info/oomguard.*'
	assert_failure
	snapshot >"$BATS_FILE_TMPDIR/after"
	run diff "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
	assert_success
}
