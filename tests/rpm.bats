#!/usr/bin/env bats
# The RPM (rpm/oomguard.spec, make rpm), built for real by rpmbuild on this
# Debian machine twice: generic, and for RHEL/CentOS 6 (rhel 6 defined,
# RHEL 6's compiler flags and init.d path).  Then read back with rpm -qp,
# its scriptlets run with fake chkconfig, service and initctl, installed
# into a scratch root, run there, and erased.
# shellcheck disable=SC2154 # $T is set by common.bash
bats_require_minimum_version 1.5.0
load common

# The flags RHEL 6's redhat-rpm-config gives, and where it puts init scripts.
EL6_FLAGS="--define 'rhel 6' --define 'dist .el6' --define '_initrddir %{_sysconfdir}/rc.d/init.d' \
--define 'optflags -O2 -g -pipe -Wall -Wp,-D_FORTIFY_SOURCE=2 -fexceptions -fstack-protector --param=ssp-buffer-size=4 -m64 -mtune=generic'"

# Both builds once for the file; a failed one fails the first test, and
# every test that needs its package.
setup_file() {
	B=$BATS_FILE_TMPDIR
	make -C "$TOP" rpm RPMTOPDIR="$B/generic" >"$B/generic.log" 2>&1 || true
	make -C "$TOP" rpm RPMTOPDIR="$B/el6" RPMBUILD_FLAGS="$EL6_FLAGS" >"$B/el6.log" 2>&1 || true
}

local_setup() {
	B=$BATS_FILE_TMPDIR
	V=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")
	GEN=$B/generic/RPMS/x86_64/oomguard-$V-1.x86_64.rpm
	EL6=$B/el6/RPMS/x86_64/oomguard-$V-1.el6.x86_64.rpm
}

local_teardown() {
	if [ -r "$T/og.pid" ]; then kill -9 "$(cat "$T/og.pid")" 2>/dev/null || true; fi
}

# The package's files, but the build-id links this machine's rpm adds.
files_of() { rpm -qlp "$1" | grep -v '^/usr/lib/\.build-id'; }

# Fakes of what the scriptlets call, first on PATH; each logs its
# arguments to $T/calls.  service status succeeds when $T/sysv-running
# exists, initctl status says start/running when $T/upstart-running does.
fakes() {
	mkdir -p "$T/fake"
	for c in chkconfig service initctl; do
		cat >"$T/fake/$c" <<-EOF2
			#!/bin/sh
			echo "$c \$*" >>"$T/calls"
			case "$c \$*" in
			'service oomguard status') [ -e "$T/sysv-running" ] ;;
			'initctl status oomguard')
			    if [ -e "$T/upstart-running" ]; then echo 'oomguard start/running, process 42'
			    else echo 'oomguard stop/waiting'; fi ;;
			esac
		EOF2
		chmod 755 "$T/fake/$c"
	done
}

# scriptlet RPM TAG ARG: run the package's scriptlet (POSTIN, PREUN,
# POSTUN) as rpm does, sh SCRIPT ARG, and leave in $output what it called.
scriptlet() {
	rm -f "$T/calls"
	touch "$T/calls"
	rpm -qp --qf "%{$2}" "$1" >"$T/scriptlet"
	PATH="$T/fake:$PATH" sh "$T/scriptlet" "$3" || fail "$2 $3 exited $?"
	output=$(cat "$T/calls")
}

# The scratch root of rpm --root, with its database inside.
rpm_root() { rpm --root "$T/r" --dbpath /var/lib/rpm "$@"; }

@test "make rpm: one package each, named for the Makefile's VERSION; Version, Release, License; the tarball's top directory" {
	[ -n "$V" ]
	run -0 sh -c "ls '$B'/generic/RPMS/*/*.rpm"
	assert_output "$GEN" || { cat "$B/generic.log"; false; }
	run -0 sh -c "ls '$B'/el6/RPMS/*/*.rpm"
	assert_output "$EL6" || { cat "$B/el6.log"; false; }
	run -0 rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE} %{LICENSE} %{ARCH}\n' "$GEN" "$EL6"
	assert_output "$(printf 'oomguard %s 1 ISC x86_64\noomguard %s 1.el6 ISC x86_64' "$V" "$V")"
	grep -qx "Version: *$V" "$TOP/rpm/oomguard.spec"
	run -0 sh -c "tar tzf '$B/generic/SOURCES/oomguard-$V.tar.gz' | cut -d/ -f1 | sort -u"
	assert_output "oomguard-$V"
	# The compiler had RHEL 6's flags, and -Werror found nothing in them.
	grep -q -- '-Wp,-D_FORTIFY_SOURCE=2 -fexceptions -fstack-protector --param=ssp-buffer-size=4' "$B/el6.log"
}

@test "make dist: the git-tracked files as they are in the work tree, under oomguard-VERSION/" {
	make -s -C "$TOP" dist DISTDIR="$T" >/dev/null
	run -0 sh -c "tar tzf '$T/oomguard-$V.tar.gz' | sort"
	want=$(cd "$TOP" && git ls-files | while IFS= read -r f; do [ ! -e "$f" ] || echo "oomguard-$V/$f"; done | sort)
	assert_output "$want"
	mkdir "$T/x"
	tar xzf "$T/oomguard-$V.tar.gz" -C "$T/x"
	# The work tree's content, not the last commit's.
	cmp "$TOP/Makefile" "$T/x/oomguard-$V/Makefile"
	cmp "$TOP/rpm/oomguard.spec" "$T/x/oomguard-$V/rpm/oomguard.spec"
	[ -x "$T/x/oomguard-$V/sysvinit/oomguard" ]
}

# What both packages hold under /usr.
usr_files() {
	cat <<-EOF
		/usr/sbin/oom-kill-protect
		/usr/sbin/oomguard
		/usr/sbin/oomguard-protect
		/usr/sbin/oomguard-upstart
		/usr/share/doc/oomguard-$V
		/usr/share/doc/oomguard-$V/README.md
		/usr/share/doc/oomguard-$V/monitoring
		/usr/share/doc/oomguard-$V/monitoring/cron
		/usr/share/doc/oomguard-$V/monitoring/icinga2.conf
		/usr/share/doc/oomguard-$V/monitoring/nrpe.cfg
		/usr/share/doc/oomguard-$V/monitoring/sudoers
		/usr/share/doc/oomguard-$V/sysconfig
		/usr/share/doc/oomguard-$V/sysconfig/memcached
		/usr/share/doc/oomguard-$V/sysconfig/mysqld
		/usr/share/doc/oomguard-$V/sysconfig/nginx
		/usr/share/doc/oomguard-$V/sysconfig/postgresql
		/usr/share/doc/oomguard-$V/sysconfig/redis
		/usr/share/doc/oomguard-$V/sysconfig/sshd
		/usr/share/licenses/oomguard-$V
		/usr/share/licenses/oomguard-$V/LICENSE
		/usr/share/man/man5/oomguard.conf.5.gz
		/usr/share/man/man8/oom-kill-protect.8.gz
		/usr/share/man/man8/oomguard-protect.8.gz
		/usr/share/man/man8/oomguard-upstart.8.gz
		/usr/share/man/man8/oomguard.8.gz
		/usr/share/oomguard
		/usr/share/oomguard/oomguard.sh
	EOF
}

@test "the generic package holds exactly these files" {
	run -0 files_of "$GEN"
	assert_output "$(printf '%s\n' /etc/init.d/oomguard /etc/oomguard.conf /etc/oomguard.d \
		/etc/sysconfig/oomguard && usr_files)"
}

@test "the el6 package: the init script in /etc/rc.d/init.d, and the Upstart job" {
	run -0 files_of "$EL6"
	assert_output "$(printf '%s\n' /etc/init/oomguard.conf /etc/oomguard.conf /etc/oomguard.d \
		/etc/rc.d/init.d/oomguard /etc/sysconfig/oomguard && usr_files)"
}

@test "config files: the table, /etc/sysconfig/oomguard and the Upstart job, all noreplace; modes" {
	run -0 rpm -qp --configfiles "$GEN"
	assert_output "$(printf '%s\n' /etc/oomguard.conf /etc/sysconfig/oomguard)"
	run -0 rpm -qp --configfiles "$EL6"
	assert_output "$(printf '%s\n' /etc/init/oomguard.conf /etc/oomguard.conf /etc/sysconfig/oomguard)"
	# c: config, n: noreplace.  Nothing else is config.
	run -0 sh -c "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILENAMES}\n]' '$EL6' | grep -v ' /usr/'"
	assert_output - <<-'EOF'
		cn -rw-r--r-- /etc/init/oomguard.conf
		cn -rw-r--r-- /etc/oomguard.conf
		 drwxr-xr-x /etc/oomguard.d
		 -rwxr-xr-x /etc/rc.d/init.d/oomguard
		cn -rw-r--r-- /etc/sysconfig/oomguard
	EOF
}

@test "scriptlets of the generic package: chkconfig --add; on erase stop and --del; on upgrade restart a running watch" {
	fakes
	scriptlet "$GEN" POSTIN 1
	assert_output 'chkconfig --add oomguard'
	scriptlet "$GEN" POSTIN 2
	assert_output 'chkconfig --add oomguard'
	scriptlet "$GEN" PREUN 1
	assert_output ''
	scriptlet "$GEN" PREUN 0
	assert_output "$(printf '%s\n' 'service oomguard stop' 'chkconfig --del oomguard')"
	scriptlet "$GEN" POSTUN 0
	assert_output ''
	scriptlet "$GEN" POSTUN 1
	assert_output 'service oomguard status'
	touch "$T/sysv-running"
	scriptlet "$GEN" POSTUN 1
	assert_output "$(printf '%s\n' 'service oomguard status' 'service oomguard restart')"
	run -0 sh -c "rpm -qp --qf '[%{REQUIREFLAGS:deptype} %{REQUIRENAME}\n]' '$GEN' | grep -E '^(post|preun|postun) ' | grep -v /bin/sh | sort -u"
	assert_output "$(printf '%s\n' 'post chkconfig' 'postun initscripts' 'preun chkconfig' 'preun initscripts')"
}

@test "scriptlets of the el6 package: the SysV script off from the first install; Upstart's watch stopped on erase, restarted on upgrade" {
	fakes
	scriptlet "$EL6" POSTIN 1
	assert_output "$(printf '%s\n' 'chkconfig --add oomguard' 'chkconfig oomguard off')"
	# An upgrade keeps what the administrator chose since.
	scriptlet "$EL6" POSTIN 2
	assert_output 'chkconfig --add oomguard'
	scriptlet "$EL6" PREUN 1
	assert_output ''
	scriptlet "$EL6" PREUN 0
	assert_output "$(printf '%s\n' 'initctl stop oomguard' 'service oomguard stop' 'chkconfig --del oomguard')"
	scriptlet "$EL6" POSTUN 1
	assert_output "$(printf '%s\n' 'initctl status oomguard' 'service oomguard status')"
	# The SysV script reports Upstart's watch running too (shared pidfile):
	# only Upstart may restart it.
	touch "$T/upstart-running" "$T/sysv-running"
	scriptlet "$EL6" POSTUN 1
	assert_output "$(printf '%s\n' 'initctl status oomguard' 'initctl stop oomguard' 'initctl start oomguard')"
	rm "$T/upstart-running"
	scriptlet "$EL6" POSTUN 1
	assert_output "$(printf '%s\n' 'initctl status oomguard' 'service oomguard status' 'service oomguard restart')"
	scriptlet "$EL6" POSTUN 0
	assert_output ''
}

@test "requires: libc.so.6, /bin/sh and what the scriptlets run; nothing odd" {
	for p in "$GEN" "$EL6"; do
		run -0 sh -c "rpm -qpR '$p' | sed 's/ *$//' | sort -u"
		assert_line 'libc.so.6()(64bit)'
		assert_line /bin/sh
		assert_line chkconfig
		assert_line initscripts
		odd=$(printf '%s\n' "$output" | grep -Ev '^(/bin/sh|chkconfig|initscripts|config\(oomguard\) = .*|rtld\(GNU_HASH\)|rpmlib\(.*|libc\.so\.6\((GLIBC_[0-9.]+)?\)\(64bit\))$' || true)
		assert_equal "$odd" ''
	done
}

@test "installed into a scratch root: the files are the sources', the binary runs; rpm -e leaves only a changed table" {
	for p in "$GEN" "$EL6"; do
		rm -rf "$T/r"
		rpm_root --initdb
		rpm_root -i --nodeps --noscripts "$p"
		run -0 "$T/r/usr/sbin/oomguard" -n 300 -- sh -c 'cat /proc/self/oom_score_adj'
		assert_output 300
		assert_equal "$(readlink "$T/r/usr/sbin/oom-kill-protect")" oomguard
		init=$T/r/etc/init.d/oomguard
		[ "$p" = "$GEN" ] || init=$T/r/etc/rc.d/init.d/oomguard
		cmp "$TOP/sysvinit/oomguard" "$init"
		cmp "$TOP/hooks/oomguard.sh" "$T/r/usr/share/oomguard/oomguard.sh"
		cmp "$TOP/oomguard.conf" "$T/r/etc/oomguard.conf"
		cmp "$TOP/rpm/oomguard.sysconfig" "$T/r/etc/sysconfig/oomguard"
		grep -qx 'OOMGUARD_ENABLE=no' "$T/r/etc/sysconfig/oomguard"
		if [ "$p" = "$EL6" ]; then cmp "$TOP/upstart/oomguard.conf" "$T/r/etc/init/oomguard.conf"; fi
		[ -d "$T/r/etc/oomguard.d" ]
		# The hook of the sysconfig examples is where they source it.
		grep -q '/usr/share/oomguard/oomguard.sh' "$T/r/usr/share/doc/oomguard-$V/sysconfig/mysqld"
		echo 'mine 5' >>"$T/r/etc/oomguard.conf"
		rpm_root -e --nodeps --noscripts oomguard
		run -0 sh -c "cd '$T/r' && find . ! -type d ! -path './var/lib/rpm/*' | sort"
		assert_output ./etc/oomguard.conf.rpmsave
	done
}

@test "the installed init script with the installed /etc/sysconfig/oomguard says it is not starting, and starts nothing" {
	rpm_root --initdb
	rpm_root -i --nodeps --noscripts "$GEN"
	cp /bin/sleep "$T/hogx"
	printf 'hog 700 exe=%s\n' "$T/hogx" >"$T/og.conf"
	chmod 644 "$T/og.conf"
	mkdir -p "$T/etc/sysconfig"
	# The package's file, pointed at this test's daemon, table and pidfile.
	{
		cat "$T/r/etc/sysconfig/oomguard"
		printf '%s\n' "DAEMON=$T/r/usr/sbin/oomguard" "CONFIG=$T/og.conf" "PIDFILE=$T/og.pid"
	} >"$T/etc/sysconfig/oomguard"
	run -0 timeout 20 "$TOP/tests/helpers/with-etc.sh" "$T" sh "$T/r/etc/init.d/oomguard" start 3>&-
	assert_output "oomguard: not starting: OOMGUARD_ENABLE=no in /etc/sysconfig/oomguard (set it to yes once $T/og.conf has your rules)"
	[ ! -e "$T/og.pid" ]
	for e in /proc/[0-9]*/exe; do
		[ "$(readlink "$e" 2>/dev/null)" != "$T/r/usr/sbin/oomguard" ] || fail "started: $e"
	done
	# The same file set to yes starts the installed daemon: the check above
	# would have seen it.
	sed -i 's/^OOMGUARD_ENABLE=no$/OOMGUARD_ENABLE=yes/' "$T/etc/sysconfig/oomguard"
	run -0 timeout 20 "$TOP/tests/helpers/with-etc.sh" "$T" sh "$T/r/etc/init.d/oomguard" start 3>&-
	assert_output 'Starting oomguard: oomguard.'
	assert_equal "$(readlink "/proc/$(cat "$T/og.pid")/exe")" "$T/r/usr/sbin/oomguard"
	run -0 timeout 20 "$TOP/tests/helpers/with-etc.sh" "$T" sh "$T/r/etc/init.d/oomguard" stop 3>&-
	[ ! -e "$T/og.pid" ]
}

@test "rpmlint: no errors in both packages and the spec, but the exceptions of rpm/oomguard.rpmlintrc" {
	run -0 rpmlint -r "$TOP/rpm/oomguard.rpmlintrc" "$GEN" "$EL6" "$TOP/rpm/oomguard.spec"
	assert_line --regexp '^ *2 packages and 1 specfiles checked; 0 errors, [0-9]+ warnings'
	refute_line --partial ': E: '
}
