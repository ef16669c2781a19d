# memproxy: the shim (C), the inspector (Java) and the samples.
#   make            build everything          make test     run every test
#   make demo       the doctor on a demo chain make install  PREFIX=… DESTDIR=… SYSCONFDIR=…
#   (SYSCONFDIR defaults to $(PREFIX)/etc, and to /etc for PREFIX=/usr)
#   make deps       install missing Debian packages (idempotent; sudo when not root)

PREFIX     ?= /usr/local
# The GNU convention: configuration under the prefix, except for the system's own prefix /usr, whose
# configuration is /etc. A machine-wide build for /etc: make PREFIX=/usr, or SYSCONFDIR=/etc.
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif
DESTDIR    ?=
BINDIR      = $(PREFIX)/bin
LIBDIR      = $(PREFIX)/lib
DATADIR     = $(PREFIX)/share/memproxy
MANDIR      = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions

MVN ?= mvn -B -ntp -q -Dstyle.color=never
JAR  = inspector/target/memproxy.jar
JSA  = inspector/target/memproxy.jsa
COMPLETION = inspector/target/completion
MANPAGES   = inspector/target/man

# What a fresh Debian 12 machine lacks: compilers, the three allocators with their headers,
# and the tools the tests compare against (readelf, a 32-bit and a big-endian toolchain).
DEBIAN_PACKAGES = gcc g++ make binutils libc6-dev \
	libjemalloc2 libjemalloc-dev libtcmalloc-minimal4 libgoogle-perftools-dev libmimalloc2.0 libmimalloc-dev \
	gcc-multilib binutils-powerpc-linux-gnu \
	python3 git xz-utils bzip2 groff-base \
	libcap2-bin pax-utils hyperfine time libtree strace bsdutils zsh asciidoctor

.PHONY: all deps inspector shim samples test test-java test-shim test-launcher test-cli demo install uninstall clean bench

# The shim first: the jar's class-data training run (inspector/make-cds-archive) uses the demo chain.
all: deps shim samples inspector

deps:
	@missing=""; \
	command -v javac >/dev/null 2>&1 || missing="default-jdk-headless"; \
	command -v mvn >/dev/null 2>&1 || missing="$$missing maven"; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "memproxy deps: everything needed is installed"; exit 0; fi; \
	echo "memproxy deps: installing Debian packages:$$missing"; \
	SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null && \
	echo "memproxy deps: done"

inspector: $(JAR) $(JSA) $(COMPLETION)/memproxy $(MANPAGES)/memproxy-doctor.1

$(JAR): pom.xml inspector/pom.xml $(shell find inspector/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

# AppCDS: record the classes a typical run loads, so later starts map them instead of parsing them.
# Rebuilt whenever the jar changes (also after a plain mvn package): a stale archive is not used.
$(JSA): $(JAR)
	@inspector/make-cds-archive $(JAR) $(JSA) || echo "memproxy: no class-data archive (start-up will be slower)"

# Shell completion from the picocli model, so it knows exactly what --help shows.
$(COMPLETION)/memproxy: $(JAR)
	java -cp $(JAR) io.memproxy.cli.Completion $(COMPLETION)

# One man page per command from the same model (picocli-codegen writes AsciiDoc, asciidoctor makes
# the pages); memproxy(1), the overview, is inspector/man/memproxy.1.
$(MANPAGES)/memproxy-doctor.1: $(JAR)
	rm -rf $(MANPAGES)
	java -cp $(JAR):inspector/target/build-tools/picocli-codegen.jar io.memproxy.cli.ManPages $(MANPAGES)
	asciidoctor -b manpage -a mansource=memproxy -a manmanual="memproxy manual" -D $(MANPAGES) $(MANPAGES)/*.adoc

shim:
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim SYSCONFDIR=$(SYSCONFDIR); fi

samples:
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples; fi

test: all test-shim test-launcher test-cli test-java

# The launcher maps its class-data archive from any directory and through a link.
test-launcher: inspector
	inspector/test-launcher

# The command-line conventions through the launcher: environment, LC_ALL=C, colour, typos, bash
# completion, make install into a temporary prefix (under strace), the class-data archive.
test-cli: inspector shim
	inspector/test-cli

# Not quiet: Surefire's closing "Tests run: …" summary is the record of what ran.
# (.mvn/jvm.config keeps Maven's console library from writing colour resets into the log.)
test-java:
	mvn -B -ntp -Dstyle.color=never test

test-shim: shim samples
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim test; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples test; fi

# Shim overhead (BENCHMARKS.md "Shim overhead"); installs valgrind if missing.
bench: shim
	$(MAKE) -C bench bench

# The main job: the doctor on the demo chain (the freshly built shim, then jemalloc from Debian, with the
# sample exclusion list), probe included. Nothing is installed.
DEMO_CHAIN  = $(CURDIR)/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
DEMO_CONFIG = samples/memproxy.conf

demo: all
	bin/memproxy doctor --preload $(DEMO_CHAIN) --config $(DEMO_CONFIG) --probe

# Everything goes under $(DESTDIR)$(PREFIX), except the exclusion list, under $(DESTDIR)$(SYSCONFDIR).
# The class-data archive is only valid for the jar path it was made with, so a DESTDIR install (a
# package) leaves it to the post-install step `memproxy --build-cds`.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 $(JAR) $(DESTDIR)$(DATADIR)/memproxy.jar
	install -m 0755 inspector/target/memproxy-probe $(DESTDIR)$(DATADIR)/memproxy-probe
	install -m 0755 inspector/make-cds-archive $(DESTDIR)$(DATADIR)/make-cds-archive
	sed 's|^DATADIR=.*|DATADIR="$(DATADIR)"|' bin/memproxy > $(DESTDIR)$(BINDIR)/memproxy
	chmod 0755 $(DESTDIR)$(BINDIR)/memproxy
	install -m 0644 inspector/man/memproxy.1 $(MANPAGES)/memproxy-*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(COMPLETION)/memproxy $(DESTDIR)$(BASHCOMPDIR)/memproxy
	install -m 0644 $(COMPLETION)/_memproxy $(DESTDIR)$(ZSHCOMPDIR)/_memproxy
	@if [ -z "$(DESTDIR)" ]; then $(BINDIR)/memproxy --build-cds || true; \
	else echo "memproxy: after copying to $(PREFIX), run 'memproxy --build-cds' once (fast start-up)"; fi
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memproxy $(DESTDIR)$(MANDIR)/man1/memproxy.1 $(DESTDIR)$(MANDIR)/man1/memproxy-*.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/memproxy $(DESTDIR)$(ZSHCOMPDIR)/_memproxy
	rm -rf $(DESTDIR)$(DATADIR)
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

clean:
	$(MVN) clean
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim clean; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples clean; fi
