# memproxy: the shim (C), the inspector (Java) and the samples.
#   make            build everything          make test     run every test
#   make demo       the doctor on a demo chain make install  PREFIX=… DESTDIR=… SYSCONFDIR=…
#   make deps       install missing Debian packages (idempotent; sudo when not root)

PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR    ?=
BINDIR      = $(PREFIX)/bin
LIBDIR      = $(PREFIX)/lib
DATADIR     = $(PREFIX)/share/memproxy
MANDIR      = $(PREFIX)/share/man

MVN ?= mvn -B -ntp -q -Dstyle.color=never
JAR  = inspector/target/memproxy.jar
JSA  = inspector/target/memproxy.jsa

# What a fresh Debian 12 machine lacks: compilers, the three allocators with their headers,
# and the tools the tests compare against (readelf, a 32-bit and a big-endian toolchain).
# gcc-12-multilib and g++-12-multilib, not gcc-multilib: that one adds only the link /usr/include/asm
# (the i386 builds make their own) and Debian makes it conflict with the cross compilers.
DEBIAN_PACKAGES = gcc g++ make binutils libc6-dev \
	libjemalloc2 libjemalloc-dev libtcmalloc-minimal4 libgoogle-perftools-dev libmimalloc2.0 libmimalloc-dev \
	gcc-12-multilib g++-12-multilib binutils-powerpc-linux-gnu \
	python3 git xz-utils bzip2 groff-base \
	libcap2-bin pax-utils hyperfine time libtree
# The i386 side (dpkg --add-architecture i386): the 32-bit shim's libc, C++ runtime and allocators, and
# small 32-bit programs the shim's checks and the loader comparisons run (none has a 64-bit twin here).
DEBIAN_PACKAGES_I386 = libc6:i386 libstdc++6:i386 \
	libjemalloc2:i386 libtcmalloc-minimal4:i386 libmimalloc2.0:i386 \
	hello:i386 tree:i386 pigz:i386 lua5.4:i386 re2c:i386 dc:i386
# The arm64 side (dpkg --add-architecture arm64): the cross compilers for the aarch64 shim and fixtures, qemu to
# run them, and the arm64 libc and allocators the shim's checks preload. The tests' arm64 system image is
# downloaded from Debian's archive by the test build (inspector/src/test/fixtures/arm64.mk).
DEBIAN_PACKAGES_ARM64 = gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static \
	libc6:arm64 libstdc++6:arm64 libjemalloc2:arm64 libtcmalloc-minimal4:arm64 libmimalloc2.0:arm64

.PHONY: all deps inspector shim samples test test-java test-shim test-launcher test-arm64 demo install uninstall clean bench

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
	{ dpkg --print-foreign-architectures | grep -qx i386 || $$SUDO dpkg --add-architecture i386; } && \
	{ dpkg --print-foreign-architectures | grep -qx arm64 || $$SUDO dpkg --add-architecture arm64; } && \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $$missing >/dev/null && \
	echo "memproxy deps: done"

inspector: $(JAR)

$(JAR): pom.xml inspector/pom.xml $(shell find inspector/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package
	@# AppCDS: record the classes a typical run loads, so later starts map them instead of parsing them.
	@inspector/make-cds-archive $(JAR) $(JSA) || echo "memproxy: no class-data archive (start-up will be slower)"

shim:
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim SYSCONFDIR=$(SYSCONFDIR); fi

samples:
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples; fi

test: all test-shim test-launcher test-java

# The launcher maps its class-data archive from any directory and through a link.
test-launcher: inspector
	inspector/test-launcher

# Not quiet: Surefire's closing "Tests run: …" summary is the record of what ran.
test-java:
	mvn -B -ntp -Dstyle.color=never test

test-shim: shim samples
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim test; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples test; fi

# arm64 (README "arm64 and other architectures"): the aarch64 shim's checks under qemu with each arm64
# allocator (shim/tests/run.sh through static trampolines; 20-30 minutes, qemu is slow), then the inspector's
# arm64 tests (the image, ldd/bind agreement with the arm64 ld.so, doctor, scan, probe; also part of test-java).
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

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(JAR) $(DESTDIR)$(DATADIR)/memproxy.jar
	install -m 0755 inspector/target/memproxy-probe $(DESTDIR)$(DATADIR)/memproxy-probe
	if [ -f inspector/target/memproxy-probe-aarch64 ]; then install -m 0755 inspector/target/memproxy-probe-aarch64 $(DESTDIR)$(DATADIR)/; fi
	sed 's|^DATADIR=.*|DATADIR="$(DATADIR)"|' bin/memproxy > $(DESTDIR)$(BINDIR)/memproxy
	chmod 0755 $(DESTDIR)$(BINDIR)/memproxy
	install -m 0644 inspector/man/memproxy.1 $(DESTDIR)$(MANDIR)/man1/memproxy.1
	@# The class-data archive is only valid for the jar path it was made with.
	@if [ -z "$(DESTDIR)" ]; then inspector/make-cds-archive $(DATADIR)/memproxy.jar $(DATADIR)/memproxy.jsa || true; fi
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memproxy $(DESTDIR)$(MANDIR)/man1/memproxy.1
	rm -rf $(DESTDIR)$(DATADIR)
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR); fi

clean:
	$(MVN) clean
	@if [ -f shim/Makefile ]; then $(MAKE) -C shim clean; fi
	@if [ -f samples/Makefile ]; then $(MAKE) -C samples clean; fi
