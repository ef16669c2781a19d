/* The route: the functions every exported entry point forwards to. */
#ifndef MEMPROXY_ROUTE_H
#define MEMPROXY_ROUTE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct mp_route {
	void *(*_Atomic malloc)(size_t);
	void (*_Atomic free)(void *);
	void *(*_Atomic calloc)(size_t, size_t);
	void *(*_Atomic realloc)(void *, size_t);
	void *(*_Atomic memalign)(size_t, size_t);
	size_t (*_Atomic usable_size)(void *);
	int (*_Atomic trim)(size_t);
};

extern struct mp_route mp_route;

/* A relaxed load is a plain move on x86-64: the hot path is one indirect jump. */
#define ROUTE(fn) atomic_load_explicit(&mp_route.fn, memory_order_relaxed)

/* Bootstrap arena: blocks handed out before the route is known. */
extern unsigned char mp_arena[];
#define MP_ARENA_SIZE (256 * 1024)
#define IN_ARENA(p) ((uintptr_t)(p) - (uintptr_t)mp_arena < MP_ARENA_SIZE)

void *mp_aligned(size_t alignment, size_t size);

#define EXPORT __attribute__((visibility("default")))

#endif
