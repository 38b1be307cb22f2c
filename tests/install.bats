#!/usr/bin/env bats
# make install / uninstall into a DESTDIR.
load common

@test "make install puts every piece in place; uninstall removes them but the table" {
	make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/root" >/dev/null
	run sh -c "cd '$T/root' && find . \\( -type f -o -type l \\) | sort"
	assert_output "$(printf '%s\n' ./etc/oomguard.conf \
		./lib/lsb/init-functions.d/50-oomguard \
		./usr/sbin/oom-kill-protect ./usr/sbin/oomguard ./usr/sbin/oomguard-protect ./usr/sbin/oomguard-upstart \
		./usr/share/man/man5/oomguard.conf.5 ./usr/share/man/man8/oom-kill-protect.8 \
		./usr/share/man/man8/oomguard-protect.8 ./usr/share/man/man8/oomguard-upstart.8 \
		./usr/share/man/man8/oomguard.8 \
		./usr/share/oomguard/oomguard.sh)"
	[ "$(readlink "$T/root/usr/sbin/oom-kill-protect")" = oomguard ]
	run "$T/root/usr/sbin/oomguard" -n 200 -- sh -c 'cat /proc/self/oom_score_adj'
	assert_output 200
	# The init-functions.d hook points at where the hook was installed.
	grep -q 'OOMGUARD_HOOK:-/usr/share/oomguard/oomguard.sh}' \
		"$T/root/lib/lsb/init-functions.d/50-oomguard"
	make -s -C "$TOP" uninstall PREFIX=/usr DESTDIR="$T/root" >/dev/null
	run sh -c "cd '$T/root' && find . \\( -type f -o -type l \\) | sort"
	assert_output ./etc/oomguard.conf
}

@test "make install keeps an existing table and follows PREFIX into the hook" {
	mkdir -p "$T/root/etc"
	echo 'mine 5' >"$T/root/etc/oomguard.conf"
	make -s -C "$TOP" install PREFIX=/opt/og DESTDIR="$T/root" >/dev/null
	assert_equal "$(cat "$T/root/etc/oomguard.conf")" 'mine 5'
	grep -q 'OOMGUARD_HOOK:-/opt/og/share/oomguard/oomguard.sh}' \
		"$T/root/lib/lsb/init-functions.d/50-oomguard"
	[ -x "$T/root/opt/og/sbin/oomguard" ]
}

@test "make install under umask 000: every directory 0755, every file 0644 or 0755" {
	(umask 000 && make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/root" >/dev/null)
	run find "$T/root" -mindepth 1 ! -type l ! -perm 755 ! -perm 644 -printf '%m %p\n'
	assert_output ''
	run find "$T/root" -mindepth 1 -perm /022 ! -type l -printf '%m %p\n'
	assert_output ''
	assert_equal "$(stat -c %a "$T/root/usr/share/oomguard")" 755
	assert_equal "$(stat -c %a "$T/root/usr/share/oomguard/oomguard.sh")" 644
	assert_equal "$(stat -c %a "$T/root/etc/oomguard.d")" 755
	assert_equal "$(stat -c %a "$T/root/usr/sbin/oomguard")" 755
}
