/* The bootstrap arena: blocks handed out before the route is known (the
 * deciding thread re-entering malloc). Its own file, linked last, so that its
 * 256 KiB of untouched zero pages come after everything the decision writes
 * (BENCHMARKS.md "Per-exec cost": each page first written is a page fault). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include "bytes.h"

#include "route.h"
#include "tables.h"

struct mp_arena mp_arena;

/* Bump allocation; the block size sits in the word before the block. Blocks
 * are never reused: the arena only serves calls made before the route is
 * known, and static storage is already zero for calloc. Any power-of-two
 * alignment that fits is honoured. */
void *mp_arena_alloc(size_t alignment, size_t size)
{
	if (alignment < 16)
		alignment = 16;
	if (size > MP_ARENA_SIZE || alignment > MP_ARENA_SIZE / 2 || (alignment & (alignment - 1))) {
		errno = alignment & (alignment - 1) ? EINVAL : ENOMEM;
		return NULL;
	}
	size_t old = atomic_load(&mp_arena.used), start, end;
	do {
		/* Aligned as an address, not as an offset: the arena itself is only 16-byte aligned. */
		start = (((uintptr_t)mp_arena.bytes + old + sizeof(size_t) + alignment - 1) & ~(uintptr_t)(alignment - 1)) -
			(uintptr_t)mp_arena.bytes;
		end = start + ((size + 15) & ~(size_t)15);
		if (end > MP_ARENA_SIZE) {
			errno = ENOMEM;
			return NULL;
		}
	} while (!atomic_compare_exchange_weak(&mp_arena.used, &old, end));
	((size_t *)(mp_arena.bytes + start))[-1] = size;
	return mp_arena.bytes + start;
}

size_t mp_arena_size(const void *p)
{
	return ((const size_t *)p)[-1];
}

/* realloc of an arena block: a copy in a block of the route. Size 0 does what
 * the route's realloc does with a live block and size 0 (glibc: free it and
 * return NULL). */
void *mp_arena_realloc(void *p, size_t size)
{
	const struct mp_route *r = RT();
	if (size == 0)
		return r->realloc(r->malloc(1), 0);
	void *q = r->malloc(size);
	if (q) {
		size_t old = mp_arena_size(p);
		mp_memcpy(q, p, old < size ? old : size);
	}
	return q;
}
