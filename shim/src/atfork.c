/* pthread_atfork for libraries that look it up at run time.
 *
 * glibc keeps pthread_atfork in libc_nonshared.a: a program gets its own copy at link time, and libc.so.6
 * exports it only as a compatibility symbol on the architectures older than glibc 2.28 (x86-64, i386).
 * aarch64's libc.so.6 has none. A library that names it as a weak undefined symbol, as gperftools does
 * (libtcmalloc_minimal.so.4: its prepare handler locks its central caches, its child handler unlocks
 * them), then finds nothing on arm64 and registers no handlers: a child forked while another thread holds
 * one of its locks waits forever at its first allocation. The shim is first in the chain, so such a
 * lookup ends here, and the handlers are registered the way libc_nonshared.a's copy registers them. */
#include "route.h"

extern int __register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso);
/* The handle the handlers are registered under. The shim is linked without start files (shim/Makefile),
 * so it has no crtbegin.o __dso_handle; this byte stands for it. glibc unregisters handlers only when
 * __cxa_finalize runs for their handle, and nothing runs it for this one: they stay for the process's
 * life, as the shim does (a preloaded object is never unloaded). */
static const char mp_atfork_owner;

EXPORT int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	return __register_atfork(prepare, parent, child, (void *)&mp_atfork_owner);
}
