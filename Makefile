# swipcs: build, install and uninstall the two tools with their man pages and shell completions.
#
#   make                      release binaries (.build/release/swipcs, swipcrm)
#   make install              into $(DESTDIR)$(PREFIX), PREFIX=/usr/local by default
#   make uninstall            removes exactly what install put there

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
STRIP ?= strip
INSTALL ?= install

BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_completions.d
RELEASE = .build/release

INSTALLED = $(BINDIR)/swipcs $(BINDIR)/swipcrm $(MANDIR)/swipcs.1 $(MANDIR)/swipcrm.1 \
	$(BASHDIR)/swipcs $(BASHDIR)/swipcrm $(ZSHDIR)/_swipcs $(ZSHDIR)/_swipcrm \
	$(FISHDIR)/swipcs.fish $(FISHDIR)/swipcrm.fish

.PHONY: all build install uninstall check-man

all: build

build:
	$(SWIFT) build -c release --static-swift-stdlib --product swipcs
	$(SWIFT) build -c release --static-swift-stdlib --product swipcrm

install: build
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	$(INSTALL) -m 0755 $(RELEASE)/swipcs $(RELEASE)/swipcrm $(DESTDIR)$(BINDIR)/
	$(STRIP) $(DESTDIR)$(BINDIR)/swipcs $(DESTDIR)$(BINDIR)/swipcrm
	$(INSTALL) -m 0644 man/swipcs.1 man/swipcrm.1 $(DESTDIR)$(MANDIR)/
	$(INSTALL) -m 0644 completions/swipcs.bash $(DESTDIR)$(BASHDIR)/swipcs
	$(INSTALL) -m 0644 completions/swipcrm.bash $(DESTDIR)$(BASHDIR)/swipcrm
	$(INSTALL) -m 0644 completions/_swipcs completions/_swipcrm $(DESTDIR)$(ZSHDIR)/
	$(INSTALL) -m 0644 completions/swipcs.fish completions/swipcrm.fish $(DESTDIR)$(FISHDIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR) 2>/dev/null

# The man pages must render with no warning.
check-man:
	@out=$$(groff -ww -man -Tutf8 -z man/swipcs.1 man/swipcrm.1 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi
