# memproxy: the shim (C), the inspector (Java) and the samples.
#   make            build everything          make test     run every test
#   make demo       the doctor on a demo chain make install  PREFIX=… DESTDIR=… SYSCONFDIR=…
#   (SYSCONFDIR defaults to $(PREFIX)/etc, and to /etc for PREFIX=/usr)
#   make deps       install missing Debian packages (idempotent; sudo when not root)
#   make deb        the Debian packages, in build/deb (debian/README.source)

# PREFIX, SYSCONFDIR, DESTDIR, MANDIR, shared with shim/Makefile.
include $(dir $(lastword $(MAKEFILE_LIST)))mk/install-dirs.mk
BINDIR      = $(PREFIX)/bin
LIBDIR      = $(PREFIX)/lib
DATADIR     = $(PREFIX)/share/memproxy
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions

MVN ?= mvn -B -ntp -q -Dstyle.color=never
JAR  = inspector/target/memproxy.jar
JSA  = inspector/target/memproxy.jsa
COMPLETION = inspector/target/completion
MANPAGES   = inspector/target/man

# What a fresh Debian 12 machine lacks: compilers, the three allocators with their headers,
# the tools the tests compare against (readelf, a 32-bit and a big-endian toolchain, systemd-analyze
# for unit files, umoci for container images), the files the shim's real-program checks read (netbase's
# /etc/services: minimal images lack it), and what make deb needs (Debian's packaging tools; for
# libmemproxy:i386, i386 binutils and libc).
# gcc-12-multilib, not the gcc-multilib metapackage: that one conflicts with Debian's cross compilers.
# libgoogle-perftools4, not its -dev package: that one conflicts with libc++'s unwinder.
DEBIAN_PACKAGES = gcc g++ make binutils libc6-dev \
	libjemalloc2 libjemalloc-dev libtcmalloc-minimal4 libgoogle-perftools4 libmimalloc2.0 libmimalloc-dev \
	gcc-12-multilib g++-12-multilib binutils-powerpc-linux-gnu \
	python3 git xz-utils bzip2 groff-base netbase \
	libcap2-bin pax-utils hyperfine time libtree strace bsdutils zsh asciidoctor systemd umoci \
	clang libc++-dev libc++abi-dev libpython3.11-testsuite libglib2.0-tests \
	debhelper dpkg-dev fakeroot lintian binutils-i686-linux-gnu
# The i386 side (dpkg --add-architecture i386): the 32-bit shim's libc, C++ runtime and allocators, and
# small 32-bit programs the shim's checks and the loader comparisons run (none has a 64-bit twin here).
DEBIAN_PACKAGES_I386 = libc6:i386 libstdc++6:i386 \
	libjemalloc2:i386 libtcmalloc-minimal4:i386 libmimalloc2.0:i386 \
	hello:i386 tree:i386 pigz:i386 lua5.4:i386 re2c:i386 dc:i386
# The arm64 side (dpkg --add-architecture arm64): the cross compilers for the aarch64 shim and fixtures, qemu to
# run them, and the arm64 libc, C++ runtime and allocators the shim's checks preload. The tests' arm64 system image
# (inspector/src/test/fixtures/arm64.mk) and the real arm64 programs of the shim's checks (shim/Makefile
# AARCH64_PROGRAM_PACKAGES) are downloaded from Debian's archive by the test build (apt-get download, which needs
# the arm64 architecture added here) and unpacked, never installed.
DEBIAN_PACKAGES_ARM64 = gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static \
	libc6:arm64 libstdc++6:arm64 libjemalloc2:arm64 libtcmalloc-minimal4:arm64 libmimalloc2.0:arm64

.PHONY: all deps inspector shim samples test test-java test-shim test-launcher test-cli test-deb test-docs deb demo install uninstall clean bench soak test-arm64

# The shim first: the jar's class-data training run (inspector/make-cds-archive) uses the demo chain.
all: deps shim samples inspector

deps:
	@missing=""; \
	command -v javac >/dev/null 2>&1 || missing="default-jdk-headless"; \
	command -v mvn >/dev/null 2>&1 || missing="$$missing maven"; \
	for p in $(DEBIAN_PACKAGES) $(DEBIAN_PACKAGES_I386) $(DEBIAN_PACKAGES_ARM64); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "memproxy deps: everything needed is installed"; exit 0; fi; \
	echo "memproxy deps: installing Debian packages:$$missing"; \
	SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	case "$$missing" in *:i386*) dpkg --print-foreign-architectures | grep -qx i386 || $$SUDO dpkg --add-architecture i386;; esac; \
	case "$$missing" in *:arm64*) dpkg --print-foreign-architectures | grep -qx arm64 || $$SUDO dpkg --add-architecture arm64;; esac; \
	{ $$SUDO apt-get update -qq || echo "memproxy deps: apt-get update reported errors; installing from the lists it has"; } && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $$missing >/dev/null && \
	echo "memproxy deps: done"

inspector: $(JAR) $(JSA) $(COMPLETION)/memproxy $(MANPAGES)/memproxy-doctor.1

$(JAR): pom.xml inspector/pom.xml $(shell find inspector/src/main -type f 2>/dev/null) shim/data/allocators.tsv shim/data/exports.txt
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

# Every test, the arm64 ones under qemu included: 9 min 21 s from a fresh clone on 2 otherwise idle cores (docs/testing.md).
test: all test-docs test-shim test-launcher test-cli test-java test-deb

# Every relative link and anchor of the Markdown files resolves inside the repository (after a self-test
# on a tree with known broken links, so a checker that stopped finding them fails too).
test-docs:
	python3 docs/check-links.py --self-test

# The launcher maps its class-data archive from any directory and through a link; one service and one
# container image, end to end through it (about 20 s).
test-launcher: inspector shim
	inspector/test-launcher
	inspector/test-scoped

# The command-line conventions through the launcher: environment, LC_ALL=C, colour, typos, bash
# completion, make install into a temporary prefix (under strace), the class-data archive.
test-cli: inspector shim
	inspector/test-cli

# Not quiet: Surefire's closing "Tests run: …" summary is the record of what ran.
# (.mvn/jvm.config keeps Maven's console library from writing colour resets into the log.)
test-java:
	mvn -B -ntp -Dstyle.color=never test

# The shim's C suite for each arch (aarch64 under qemu: 7.5 to 9.5 minutes of it), then the samples'.
test-shim: shim samples
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim test; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples test; fi

# Real programs' test suites under every chain against no preload (docs/testing.md "Soak"; about 18-25 minutes).
soak: deps shim
	$(MAKE) -C shim soak

# arm64 (docs/arm64.md): the aarch64 shim's checks under qemu with each arm64
# allocator, both routes, secure execution and real arm64 programs (shim/tests/run.sh through static
# trampolines: 331 checks, 7.5 minutes on 2 shared cores, 9.5 from a clean tree), then the inspector's arm64 tests
# (the image, ldd/bind agreement with the arm64 ld.so, doctor, scan, probe: 2 minutes once compiled, 7 from a
# clean tree). Measured in all: 9 minutes 10 seconds. make test runs both parts too (test-shim, test-java);
# this target is the arm64 part alone.
test-arm64: shim
	$(MAKE) -C shim test-aarch64
	$(MVN) -pl inspector test -Dtest='Arm64*Test'

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
# Builds what it installs, and never runs apt (debian/rules calls it). The class-data archive is only valid
# for the jar path it was made with, so a DESTDIR install (a package) leaves it to the post-install step
# `memproxy --build-cds`.
install: shim inspector
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 $(JAR) $(DESTDIR)$(DATADIR)/memproxy.jar
	install -m 0755 inspector/target/memproxy-probe $(DESTDIR)$(DATADIR)/memproxy-probe
	install -m 0755 inspector/target/memproxy-run $(DESTDIR)$(DATADIR)/memproxy-run
	install -m 0755 inspector/make-cds-archive $(DESTDIR)$(DATADIR)/make-cds-archive
	if [ -f inspector/target/memproxy-probe-aarch64 ]; then install -m 0755 inspector/target/memproxy-probe-aarch64 $(DESTDIR)$(DATADIR)/; fi
	sed 's|^DATADIR=.*|DATADIR="$(DATADIR)"|' bin/memproxy > $(DESTDIR)$(BINDIR)/memproxy
	chmod 0755 $(DESTDIR)$(BINDIR)/memproxy
	install -m 0644 inspector/man/memproxy.1 $(MANPAGES)/memproxy-*.1 $(DESTDIR)$(MANDIR)/man1/
	@# bash-completion sources the file: it needs no #! line (the generator writes one).
	sed '1{/^#!/d}' $(COMPLETION)/memproxy > $(DESTDIR)$(BASHCOMPDIR)/memproxy && chmod 0644 $(DESTDIR)$(BASHCOMPDIR)/memproxy
	install -m 0644 $(COMPLETION)/_memproxy $(DESTDIR)$(ZSHCOMPDIR)/_memproxy
	@if [ -z "$(DESTDIR)" ]; then $(BINDIR)/memproxy --build-cds || true; \
	else echo "memproxy: after copying to $(PREFIX), run 'memproxy --build-cds' once (fast start-up)"; fi
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memproxy $(DESTDIR)$(MANDIR)/man1/memproxy.1 $(DESTDIR)$(MANDIR)/man1/memproxy-*.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/memproxy $(DESTDIR)$(ZSHCOMPDIR)/_memproxy
	rm -rf $(DESTDIR)$(DATADIR)
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

# The Debian packages (debian/), built with dpkg-buildpackage in a copy of the tracked and new files
# under build/deb (dpkg-buildpackage writes into the parent directory), then checked with lintian.
DEB_OUT = build/deb
DEB_SRC = $(DEB_OUT)/memproxy
# The architectures libmemproxy is also cross-built for (the build machine's own is built anyway).
DEB_SHIM_ARCHES = i386

deb: deps
	rm -rf $(DEB_OUT) && mkdir -p $(DEB_SRC)
	@# Files deleted but not yet committed are listed too: --ignore-failed-read skips them.
	git ls-files -z --cached --others --exclude-standard \
	  | tar -c --null -T - --ignore-failed-read -f - | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	@# libmemproxy is Multi-Arch: same: cross-built for DEB_SHIM_ARCHES (make deps installs what that needs).
	@for a in $(DEB_SHIM_ARCHES); do \
	  echo "cd $(DEB_SRC) && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -b -us -uc -a$$a -Pcross,pkg.memproxy.shim-only"; \
	  (cd $(DEB_SRC) && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -b -us -uc -a$$a -Pcross,pkg.memproxy.shim-only) || exit 1; \
	done
	lintian --fail-on error,warning --info $(DEB_OUT)/*.changes
	@ls $(DEB_OUT)/*.deb

# Installs, upgrades, removes and purges the packages in a throwaway root (debian/install-test).
test-deb: deb
	debian/install-test $(DEB_OUT)

clean:
	rm -rf $(DEB_OUT)
	$(MVN) clean
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim clean; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples clean; fi
