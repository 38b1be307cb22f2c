# oomguard: plain make.  Targets: all static test install uninstall clean,
# fuzz fuzz-replay (libFuzzer, clang), lint (cppcheck, clang-tidy),
# dist (bin/oomguard-VERSION.tar.gz), rpm (bin/rpm/RPMS/), deb (bin/deb/).
# make test SANITIZE=1: ASan + UBSan.  WERROR=1: warnings are errors (CI and
# make lint; off by default, so that a newer compiler cannot break a build).
VERSION = 0.1.0
PREFIX  = /usr/local
SBINDIR = $(PREFIX)/sbin
MANDIR  = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/oomguard
SYSCONFDIR = /etc
LSBDIR  = /lib/lsb/init-functions.d
DESTDIR =

CC      = cc
# clock_gettime lived in librt until glibc 2.17 (RHEL 6 has 2.12); an empty
# stub since, and in musl.
LDLIBS  = -lrt
CFLAGS  = -O2 -g
WERROR  =
WERROR_FLAGS_1 = -Werror
WARN    = -std=c99 -pedantic -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          $(WERROR_FLAGS_$(WERROR))
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DVERSION='"$(VERSION)"' $(CPPFLAGS)
MUSLCC  = musl-gcc
# Small: drop unused functions and the unwind tables nothing here uses.
# No RELRO segment: only a dynamic linker applies it, and musl's static start
# never does (no mprotect after execve), so it was 3 KB of page padding.
# Not position-independent: a static binary loads where it was linked, and
# Debian's gcc makes PIE code by default (1.4 KB of GOT-relative addressing).
STATIC_CFLAGS = -Os -static -s -ffunction-sections -fdata-sections -Wl,--gc-sections \
                -fno-pie -no-pie -fno-asynchronous-unwind-tables -fno-unwind-tables \
                -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none

# SANITIZE=1: bin/oomguard and bin/unit with ASan + UBSan, for make test.
# The static binary stays plain: musl has no sanitizer runtime.
SANITIZE =
SANFLAGS_1 = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SANFLAGS = $(SANFLAGS_$(SANITIZE))
SANSRCS_1 = tests/helpers/sanopts.c
SANSRCS = $(SANSRCS_$(SANITIZE))

SRCS = $(wildcard src/*.c)
HDRS = $(wildcard src/*.h)
# The unit tests link only the pure parts.
UNIT_SRCS = tests/unit/unit.c src/num.c src/proc.c src/msg.c src/conf.c src/oomlog.c

all: bin/oomguard bin/oom-kill-protect bin/oomguard-protect

bin/oomguard: $(SRCS) $(HDRS) $(SANSRCS) bin/.sanitize
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(LDLIBS)

# Changes with CC, SANITIZE or WERROR, so that the binaries are rebuilt each
# way (and a WERROR=1 build really compiles with -Werror).
BUILD_ID = $(CC) $(SANFLAGS) $(WERROR_FLAGS_$(WERROR))
bin/.sanitize: FORCE
	@mkdir -p bin
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' >$@

# oomguard protect runs the tool next to it: in the build tree too.
bin/oomguard-protect: protect/oomguard-protect
	@mkdir -p bin
	cp protect/oomguard-protect $@
	chmod 755 $@

bin/oom-kill-protect:
	@mkdir -p bin
	ln -sf oomguard $@

# Static and small, for hosts whose libc is older than anything we build on.
static: bin/oomguard-static

bin/oomguard-static: $(SRCS) $(HDRS)
	@mkdir -p bin
	$(MUSLCC) $(WARN) $(CPPFLAGS_ALL) $(STATIC_CFLAGS) -o $@ $(filter %.c,$^) $(LDLIBS)

bin/unit: $(UNIT_SRCS) $(HDRS) $(SANSRCS) bin/.sanitize
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $(SANFLAGS) -Isrc -o $@ $(filter %.c,$^)

# Runs a program as if on an older kernel (tests/portability.bats).
bin/oldkernel: tests/helpers/oldkernel.c
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -o $@ $<

# check's monitor formats, fed rows that the table's grammar cannot make
# (tests/monitor.bats).
bin/report-rows: tests/helpers/report-rows.c src/report.c src/msg.c $(HDRS) $(SANSRCS) bin/.sanitize
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $(SANFLAGS) -Isrc -o $@ tests/helpers/report-rows.c src/report.c src/msg.c $(SANSRCS)

# Fault injection for the dynamic bin/oomguard (LD_PRELOAD): a close() that
# fails after a good write, a symlink swapped in after lstat (tests/helpers/shim.c).
bin/shim.so: tests/helpers/shim.c
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -fPIC -shared -o $@ tests/helpers/shim.c -ldl

# A memory hog for the end-to-end OOM tests and the demo.
bin/hog: tests/helpers/hog.c
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -o $@ $<

# tests/identity.bats: a wall clock stepped for one program only (LD_PRELOAD
# on the dynamic build), and a process with a second thread.
bin/clockstep.so: tests/helpers/clockstep.c
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -fPIC -shared -o $@ tests/helpers/clockstep.c

bin/threads: tests/helpers/threads.c
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -pthread -o $@ tests/helpers/threads.c

# What the suites run besides the program; tests/mutants builds these too.
TEST_BINS = bin/unit bin/hog bin/oldkernel bin/report-rows bin/clockstep.so bin/threads bin/shim.so
test-bins: all $(TEST_BINS)

test: all static test-bins
	sh tests/run

# Mutation testing (tests/mutants, tests/mutants.list): slow, not in make test.
mutants:
	sh tests/mutants

# libFuzzer: each target runs FUZZ_SECONDS on a scratch corpus under bin/
# grown from its seeds in fuzz/corpus/NAME; fuzz-replay runs only the seeds.
FUZZCC = clang
FUZZ_SECONDS = 30
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = score pidline conf oomlog

bin/fuzz-score bin/fuzz-pidline: bin/fuzz-%: fuzz/%.c src/num.c $(HDRS)
	@mkdir -p bin
	$(FUZZCC) $(WARN) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -Isrc -o $@ $(filter %.c,$^)

bin/fuzz-oomlog: fuzz/oomlog.c src/oomlog.c $(HDRS)
	@mkdir -p bin
	$(FUZZCC) $(WARN) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -Isrc -o $@ $(filter %.c,$^)

bin/fuzz-conf: fuzz/conf.c src/conf.c src/num.c src/msg.c $(HDRS)
	@mkdir -p bin
	$(FUZZCC) $(WARN) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -Isrc -o $@ $(filter %.c,$^)

fuzz: fuzz-replay
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p bin/fuzz-corpus/$$t && \
	    bin/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=bin/fuzz-$$t- \
	        bin/fuzz-corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

fuzz-replay: $(FUZZ_TARGETS:%=bin/fuzz-%)
	for t in $(FUZZ_TARGETS); do bin/fuzz-$$t -runs=0 fuzz/corpus/$$t || exit 1; done

# Static analysis of every C file here; the checks are in the repo
# (.clang-tidy, lint/cppcheck.supp), and both must report nothing.
LINT_SRCS = $(wildcard src/*.c tests/unit/*.c tests/helpers/*.c fuzz/*.c bench/*.c)
LINT_DEFS = $(CPPFLAGS_ALL) -Isrc

lint: lint-cc lint-cppcheck lint-tidy

# The compiler's own warnings are lint too: every C file, as errors.
lint-cc:
	@for f in $(LINT_SRCS); do \
	    $(CC) $(WARN) $(WERROR_FLAGS_1) $(LINT_DEFS) -fsyntax-only "$$f" || { echo "lint-cc: $$f"; exit 1; }; \
	done

# -D__GNUC__: so that it sees die() as noreturn, as the compilers do.
lint-cppcheck:
	cppcheck --std=c99 --enable=warning,style,performance,portability -q --error-exitcode=1 \
	    --inline-suppr --suppressions-list=lint/cppcheck.supp -D__GNUC__ $(LINT_DEFS) $(LINT_SRCS)

# One file a run: clang-tidy 14 carries analyzer state from one file into
# the next (a false "uninitialized va_list" in msg.c after any other file).
lint-tidy:
	@for f in $(LINT_SRCS); do \
	    clang-tidy --quiet "$$f" -- -std=c99 $(LINT_DEFS) 2>/dev/null || { echo "lint-tidy: $$f"; exit 1; }; \
	done

# The user's story under a real OOM kill, in a memory cgroup (root).
demo: all bin/hog
	sh tests/demo.sh

# Every directory and file with an explicit mode, whatever the umask: under
# umask 000, mkdir -p and cp made /usr/share/oomguard 0777, and root sources
# the hook in it.  Generated files are made in bin/ first, then installed.
install: all
	install -d -m 755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	         $(DESTDIR)$(DATADIR) $(DESTDIR)$(LSBDIR) $(DESTDIR)$(SYSCONFDIR) \
	         $(DESTDIR)$(SYSCONFDIR)/oomguard.d
	install -m 755 bin/oomguard $(DESTDIR)$(SBINDIR)/oomguard
	ln -sf oomguard $(DESTDIR)$(SBINDIR)/oom-kill-protect
	install -m 755 upstart/oomguard-upstart $(DESTDIR)$(SBINDIR)/oomguard-upstart
	sed 's|^HOOK=/usr/share/oomguard/|HOOK=$(DATADIR)/|; s|^LSBHOOK=/lib/lsb/init-functions.d/|LSBHOOK=$(LSBDIR)/|' \
	    protect/oomguard-protect >bin/oomguard-protect.installed
	install -m 755 bin/oomguard-protect.installed $(DESTDIR)$(SBINDIR)/oomguard-protect
	install -m 644 hooks/oomguard.sh $(DESTDIR)$(DATADIR)/oomguard.sh
	sed 's|/usr/share/oomguard/|$(DATADIR)/|' hooks/init-functions.d/50-oomguard >bin/50-oomguard
	install -m 644 bin/50-oomguard $(DESTDIR)$(LSBDIR)/50-oomguard
	install -m 644 man/oomguard.8 $(DESTDIR)$(MANDIR)/man8/oomguard.8
	install -m 644 man/oomguard-upstart.8 $(DESTDIR)$(MANDIR)/man8/oomguard-upstart.8
	install -m 644 man/oomguard-protect.8 $(DESTDIR)$(MANDIR)/man8/oomguard-protect.8
	# oom-kill-protect is documented in oomguard(8).
	echo '.so man8/oomguard.8' >bin/oom-kill-protect.8
	install -m 644 bin/oom-kill-protect.8 $(DESTDIR)$(MANDIR)/man8/oom-kill-protect.8
	install -m 644 man/oomguard.conf.5 $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5
	# Never overwrite the administrator's table.
	[ -e $(DESTDIR)$(SYSCONFDIR)/oomguard.conf ] || \
	    install -m 644 oomguard.conf $(DESTDIR)$(SYSCONFDIR)/oomguard.conf

# Leaves /etc/oomguard.conf and oomguard.d: they are the administrator's.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/oomguard $(DESTDIR)$(SBINDIR)/oom-kill-protect \
	      $(DESTDIR)$(SBINDIR)/oomguard-upstart $(DESTDIR)$(MANDIR)/man8/oomguard-upstart.8 \
	      $(DESTDIR)$(SBINDIR)/oomguard-protect $(DESTDIR)$(MANDIR)/man8/oomguard-protect.8 \
	      $(DESTDIR)$(DATADIR)/oomguard.sh $(DESTDIR)$(LSBDIR)/50-oomguard \
	      $(DESTDIR)$(MANDIR)/man8/oomguard.8 $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5 \
	      $(DESTDIR)$(MANDIR)/man8/oom-kill-protect.8
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf bin

# The git-tracked files as they are in the work tree (uncommitted edits
# included), under oomguard-VERSION/.  It needs git and a git work tree:
# without them it fails with one line saying so (git's own words, and the
# recipe, hidden), rather than making an empty tarball.
DISTDIR = bin
DISTLIST = $(DISTDIR)/oomguard-$(VERSION).files
dist:
	@mkdir -p $(DISTDIR)
	@rm -f $(DISTLIST)
	@git ls-files >$(DISTLIST) 2>/dev/null && [ -s $(DISTLIST) ] || \
	    { rm -f $(DISTLIST); echo 'make dist: needs git, in a git work tree (apt-get install -y git; git clone)' >&2; exit 1; }
	while IFS= read -r f; do [ ! -e "$$f" ] || printf '%s\n' "$$f"; done <$(DISTLIST) | \
	    tar -czf $(DISTDIR)/oomguard-$(VERSION).tar.gz.tmp --no-recursion --owner=0 --group=0 \
	        --numeric-owner --transform 's,^,oomguard-$(VERSION)/,S' -T -
	@rm -f $(DISTLIST)
	mv -f $(DISTDIR)/oomguard-$(VERSION).tar.gz.tmp $(DISTDIR)/oomguard-$(VERSION).tar.gz

# rpm/oomguard.spec, built in RPMTOPDIR; RPMBUILD_FLAGS (e.g. --define
# 'rhel 6') go to rpmbuild.  Where rpm does not manage the system (Debian):
# its database is empty, so no BuildRequires can be met (--nodeps), and
# Debian's brp-compress, bash behind #!/bin/sh, fails in dash and leaves
# the man pages uncompressed (run it with bash).
RPMTOPDIR = $(CURDIR)/bin/rpm
RPMBUILD_FLAGS =
rpm:
	$(MAKE) dist DISTDIR=$(RPMTOPDIR)/SOURCES
	if rpm -q rpm >/dev/null 2>&1; then set --; else \
	    set -- --nodeps --define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}'; fi; \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL rpmbuild -bb "$$@" --define "_topdir $(RPMTOPDIR)" $(RPMBUILD_FLAGS) rpm/oomguard.spec

# debian/, built from a copy of the tree (make dist) in DEBDIR; the .deb is
# left in DEBDIR.  Packages are built as a distribution would: nothing of
# this make's command line (SANITIZE=1, CC=) may reach them through MAKEFLAGS.
DEBDIR = $(CURDIR)/bin/deb
deb:
	rm -rf $(DEBDIR)
	$(MAKE) dist DISTDIR=$(DEBDIR)
	cd $(DEBDIR) && tar -xzf oomguard-$(VERSION).tar.gz && cd oomguard-$(VERSION) && \
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b

.PHONY: all static test test-bins mutants demo install uninstall clean fuzz fuzz-replay lint lint-cc lint-cppcheck lint-tidy dist rpm deb FORCE
