/* The route: one immutable table of the functions every exported entry point
 * forwards to, published through one atomic pointer. */
#ifndef MEMPROXY_ROUTE_H
#define MEMPROXY_ROUTE_H

#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One slot per exported C function (glibc's __libc_* aliases share their
 * plain name's slot, cfree shares free's), plus the C++ operators. */
struct mp_route {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*usable_size)(void *);
	int (*trim)(size_t);
	int (*mallopt)(int, int);
	struct mallinfo (*mallinfo)(void);
	struct mallinfo2 (*mallinfo2)(void);
	void (*stats)(void);
	int (*info)(int, FILE *);
	/* The C++ operators: the C++ runtime's own on the system route, the
	 * shim's (cxx.c) over this table's malloc on the allocator route. */
	void *cxx[32];
};

/* The published table. It is filled completely before a release store makes
 * it visible and never written again, so every reader's acquire load sees a
 * whole table on any CPU. On x86-64 the acquire load is a plain move. */
extern const struct mp_route *_Atomic mp_current;

static inline const struct mp_route *RT(void)
{
	return atomic_load_explicit(&mp_current, memory_order_acquire);
}

/* The entry points' own copy of the published table: each exported function
 * jumps through its slot here, so its whole cost is one acquire load of that
 * slot and the jump (x86-64: a single `jmp *slot(%rip)`), as for any
 * interposing library. A slot starts with the boot table's function and is
 * written once, with a release store, after mp_current is published from the
 * same table; a slot not yet written leads to mp_ready(), which returns the
 * published table, so every slot of a process reaches the same route. The
 * slots are accessed only through LIVE() and publish() (memproxy.c). */
extern struct mp_route mp_live;
#define LIVE(slot) __atomic_load_n(&mp_live.slot, __ATOMIC_ACQUIRE)

#if defined(__x86_64__)
/* x86-64: the entry points that only jump are written in assembly, each the
 * single instruction `jmp *slot(%rip)`. A load on x86-64 is an acquire load
 * (LIVE() compiles to a plain mov), but the compiler never folds an atomic
 * load into the jump that uses it: in C each call costs one instruction more
 * than any interposing library must pay (BENCHMARKS.md "Shim overhead").
 * INDEX is the slot's place in struct mp_route; MP_SLOT_AT checks it. */
#if defined(__CET__) && (__CET__ & 1)
#define MP_ASM_ENDBR "endbr64\n\t"  /* built with -fcf-protection: an indirect-branch target */
#else
#define MP_ASM_ENDBR ""
#endif
#define MP_ASM_ENTRY(name, index) \
	".globl " name "\n\t.type " name ", @function\n\t.p2align 4\n" name ":\n\t" MP_ASM_ENDBR \
	"jmp *mp_live+8*(" #index ")(%rip)\n\t.size " name ", .-" name "\n"
#define MP_ASM_ALIAS(name, target) ".globl " name "\n\t.type " name ", @function\n\t.set " name ", " target "\n"
#define MP_SLOT_AT(field, index) \
	_Static_assert(offsetof(struct mp_route, field) == 8 * (index), "slot of " #field)
#endif

/* Bootstrap arena: blocks handed out before the route is known. */
#define MP_ARENA_SIZE (256 * 1024)
extern struct mp_arena {
	_Atomic size_t used;  /* bytes handed out */
	_Alignas(16) unsigned char bytes[MP_ARENA_SIZE];
} mp_arena;
#define IN_ARENA(p) ((uintptr_t)(p) - (uintptr_t)mp_arena.bytes < MP_ARENA_SIZE)

/* Allocator-route helpers shared with cxx.c. */
void *mp_aligned(size_t alignment, size_t size);
/* The C++ runtime's definition of an operator, for the system route and the
 * nothrow forms (cxx.c); NULL when no C++ runtime is loaded. */
void *mp_cxx_runtime(const char *symbol);

#define EXPORT __attribute__((visibility("default")))

#endif
