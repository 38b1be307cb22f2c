# oomguard: plain make.  Targets: all static test install uninstall clean.
VERSION = 0.1.0
PREFIX  = /usr/local
BINDIR  = $(PREFIX)/bin
MANDIR  = $(PREFIX)/share/man
DESTDIR =

CC      = cc
CFLAGS  = -O2 -g
WARN    = -std=c99 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DVERSION='"$(VERSION)"' $(CPPFLAGS)
MUSLCC  = musl-gcc

SRCS = src/main.c src/msg.c src/num.c src/proc.c src/score.c src/apply.c \
       src/list.c src/exec.c src/nosh.c src/pidfile.c src/conf.c src/hook.c
HDRS = $(wildcard src/*.h)

all: bin/oomguard bin/oom-kill-protect

bin/oomguard: $(SRCS) $(HDRS)
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $(LDFLAGS) -o $@ $(SRCS)

bin/oom-kill-protect:
	@mkdir -p bin
	ln -sf oomguard $@

# Static and small, for hosts whose libc is older than anything we build on.
static: bin/oomguard-static

bin/oomguard-static: $(SRCS) $(HDRS)
	@mkdir -p bin
	$(MUSLCC) $(WARN) $(CPPFLAGS_ALL) -Os -static -s -o $@ $(SRCS)

bin/unit: tests/unit/unit.c src/num.c src/proc.c src/msg.c src/conf.c $(HDRS)
	@mkdir -p bin
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -Isrc -o $@ tests/unit/unit.c src/num.c src/proc.c src/msg.c src/conf.c

test: all static bin/unit
	sh tests/run

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	cp bin/oomguard $(DESTDIR)$(BINDIR)/oomguard
	chmod 755 $(DESTDIR)$(BINDIR)/oomguard
	ln -sf oomguard $(DESTDIR)$(BINDIR)/oom-kill-protect
	cp man/oomguard.8 $(DESTDIR)$(MANDIR)/man8/oomguard.8
	chmod 644 $(DESTDIR)$(MANDIR)/man8/oomguard.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/oomguard $(DESTDIR)$(BINDIR)/oom-kill-protect \
	      $(DESTDIR)$(MANDIR)/man8/oomguard.8

clean:
	rm -rf bin

.PHONY: all static test install uninstall clean
