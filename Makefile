# swipcs: build, install and uninstall the two tools with their man pages, shell completions and the systemd
# units that refresh the metrics file (contrib/systemd; not enabled by install: systemctl enable --now
# swipcs-textfile.timer).
#
#   make                      release binaries (.build/release/swipcs, swipcrm)
#   make install              into $(DESTDIR)$(PREFIX), PREFIX=/usr/local by default
#   make uninstall            removes exactly what install put there, and the directories it made
#
# The completion directories are the ones under PREFIX each shell's own pkg-config file names when its prefix is
# PREFIX; not every shell searches them by default (README.md, Install, says what to do). Each can be set:
#   make install FISHDIR="$(pkg-config --variable=completionsdir fish)"

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
# systemd's unit search path has both /usr/local/lib/systemd/system and /usr/lib/systemd/system, so this default
# works for either PREFIX. A distribution's own directory: UNITDIR="$(pkg-config --variable=systemdsystemunitdir systemd)".
UNITDIR = $(PREFIX)/lib/systemd/system
# The directories install made, one a line, without DESTDIR: uninstall removes those (and only those) it leaves
# empty. A directory that existed before install, even an empty one (Debian has /usr/local/share/man, and zsh's
# postinst makes /usr/local/share/zsh/site-functions), is never listed, so never removed.
DATADIR = $(PREFIX)/share/swipcs
MADEDIRS = $(DATADIR)/installed-directories
RELEASE = .build/release

DIRS = $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(UNITDIR) $(DATADIR)
INSTALLED = $(BINDIR)/swipcs $(BINDIR)/swipcrm $(MANDIR)/swipcs.1 $(MANDIR)/swipcrm.1 \
	$(BASHDIR)/swipcs $(BASHDIR)/swipcrm $(ZSHDIR)/_swipcs $(ZSHDIR)/_swipcrm \
	$(FISHDIR)/swipcs.fish $(FISHDIR)/swipcrm.fish \
	$(UNITDIR)/swipcs-textfile.service $(UNITDIR)/swipcs-textfile.timer $(MADEDIRS)

.PHONY: all build install uninstall check-man

all: build

# --disable-local-rpath: no RUNPATH $ORIGIN in the binaries (an installed tool must not load libraries from its
# own directory first); the release link options are in Package.swift.
build:
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --product swipcs
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --product swipcrm

install: build
	@made=; for dir in $(DIRS); do \
	  while [ -n "$$dir" ] && [ ! -d "$(DESTDIR)$$dir" ]; do made="$$made $$dir"; dir=$${dir%/*}; done; \
	done; \
	$(INSTALL) -d $(addprefix $(DESTDIR),$(DIRS)) && \
	{ cat "$(DESTDIR)$(MADEDIRS)" 2>/dev/null || :; printf '%s\n' $$made; } | sed '/^$$/d' | LC_ALL=C sort -u \
	  > "$(DESTDIR)$(MADEDIRS).new" && mv "$(DESTDIR)$(MADEDIRS).new" "$(DESTDIR)$(MADEDIRS)"
	$(INSTALL) -m 0755 $(RELEASE)/swipcs $(RELEASE)/swipcrm $(DESTDIR)$(BINDIR)/
	$(STRIP) $(DESTDIR)$(BINDIR)/swipcs $(DESTDIR)$(BINDIR)/swipcrm
	$(INSTALL) -m 0644 man/swipcs.1 man/swipcrm.1 $(DESTDIR)$(MANDIR)/
	$(INSTALL) -m 0644 completions/swipcs.bash $(DESTDIR)$(BASHDIR)/swipcs
	$(INSTALL) -m 0644 completions/swipcrm.bash $(DESTDIR)$(BASHDIR)/swipcrm
	$(INSTALL) -m 0644 completions/_swipcs completions/_swipcrm $(DESTDIR)$(ZSHDIR)/
	$(INSTALL) -m 0644 completions/swipcs.fish completions/swipcrm.fish $(DESTDIR)$(FISHDIR)/
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/swipcs-textfile.service > $(DESTDIR)$(UNITDIR)/swipcs-textfile.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/swipcs-textfile.service
	$(INSTALL) -m 0644 contrib/systemd/swipcs-textfile.timer $(DESTDIR)$(UNITDIR)/

# The made directories deepest first (a path sorts after its parent), each removed if it is still there and empty.
uninstall:
	@made=$$(LC_ALL=C sort -r "$(DESTDIR)$(MADEDIRS)" 2>/dev/null || :); \
	rm -f $(addprefix $(DESTDIR),$(INSTALLED)) && \
	for dir in $$made; do \
	  [ ! -d "$(DESTDIR)$$dir" ] || rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$dir" || exit 1; \
	done

# The man pages must render with no warning.
check-man:
	@out=$$(groff -t -ww -man -Tutf8 -z man/swipcs.1 man/swipcrm.1 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi
