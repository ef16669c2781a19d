# Where `make install` puts things; included by the top-level Makefile and shim/Makefile, so both
# default alike. The GNU convention: configuration under the prefix, except for the system's own
# prefix /usr, whose configuration is /etc. A machine-wide build for /etc: make PREFIX=/usr, or
# SYSCONFDIR=/etc.
PREFIX     ?= /usr/local
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif
DESTDIR    ?=
MANDIR      = $(PREFIX)/share/man
