/* Run-time interposition: LD_PRELOAD=trace-preload.so PROGRAM. Defines malloc
 * and friends ahead of libc and forwards with dlsym(RTLD_NEXT, ...). Sees every
 * call in the process, libc's own included. Two traps it must handle:
 * - dlsym() itself may call calloc/malloc before the real one is known: those
 *   calls get a small static buffer (the same problem libmemproxy solves with
 *   its bootstrap arena);
 * - printf would allocate and recurse: the trace is formatted by hand and
 *   written with write(2). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

static _Alignas(16) char early[4096];
static size_t early_used;
static int resolving;

static void *early_alloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (early_used + size > sizeof early)
		return NULL;
	void *p = early + early_used;
	early_used += size;
	return p;  /* static storage: already zero, as calloc needs */
}

static void resolve(void)
{
	if (real_free || resolving)
		return;
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

static void trace(const char *what, size_t a, const void *p)
{
	char line[96], *o = line;
	const char *hex = "0123456789abcdef";
	o = memcpy(o, "trace: ", 7) + 7;
	o = memcpy(o, what, strlen(what)) + strlen(what);
	o = memcpy(o, " size=", 6) + 6;
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + a % 10);
	while ((a /= 10) != 0);
	while (n > 0)
		*o++ = digits[--n];
	o = memcpy(o, " ptr=0x", 7) + 7;
	for (int shift = 44; shift >= 0; shift -= 4)
		*o++ = hex[((uintptr_t)p >> shift) & 15];
	*o++ = '\n';
	if (write(2, line, (size_t)(o - line)) < 0)
		return;
}

static int from_early(const void *p)
{
	return (const char *)p >= early && (const char *)p < early + sizeof early;
}

void *malloc(size_t size)
{
	resolve();
	if (!real_malloc)
		return early_alloc(size);
	void *p = real_malloc(size);
	trace("malloc", size, p);
	return p;
}

void *calloc(size_t n, size_t size)
{
	resolve();
	if (!real_calloc)
		return early_alloc(n * size);
	void *p = real_calloc(n, size);
	trace("calloc", n * size, p);
	return p;
}

void *realloc(void *old, size_t size)
{
	resolve();
	if (from_early(old)) {
		void *p = malloc(size);
		size_t room = (size_t)(early + sizeof early - (char *)old);
		if (p)
			memcpy(p, old, size < room ? size : room);
		return p;
	}
	void *p = real_realloc(old, size);
	trace("realloc", size, p);
	return p;
}

void free(void *p)
{
	if (!p || from_early(p))
		return;
	resolve();
	trace("free", 0, p);
	real_free(p);
}
