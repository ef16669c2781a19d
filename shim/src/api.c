/* The exported C functions: glibc's whole malloc API, as libc.so.6 exports it.
 * Each forwards to one slot of the published table (route.h). The tables:
 * boot (decide first), system (libc.so.6's own functions, nothing in
 * between) and allocator (the allocator's functions, through the adapters
 * below where its contract differs from glibc's; docs/shim.md, "What each
 * exported symbol does"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include "bytes.h"
#include <sys/auxv.h>

#include "tables.h"

/* --------------------------------------------------------------- boot */

static void *boot_malloc(size_t size)
{
	const struct mp_route *r = mp_ready();
	return r ? r->malloc(size) : mp_arena_alloc(16, size);
}

static void boot_free(void *p)
{
	const struct mp_route *r;
	if (!IN_ARENA(p) && (r = mp_ready()) != NULL)
		r->free(p);
}

static void *boot_calloc(size_t n, size_t size)
{
	const struct mp_route *r = mp_ready();
	size_t total;
	if (r)
		return r->calloc(n, size);
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return mp_arena_alloc(16, total);
}

static void *boot_realloc(void *p, size_t size)
{
	const struct mp_route *r = mp_ready();
	if (r)
		return r->realloc(p, size);
	if (IN_ARENA(p)) {
		/* Still deciding: grow within the arena. */
		void *q = size ? mp_arena_alloc(16, size) : NULL;
		if (q)
			mp_memcpy(q, p, mp_arena_size(p) < size ? mp_arena_size(p) : size);
		return q;
	}
	return p ? NULL : mp_arena_alloc(16, size);  /* no other block exists before the decision */
}

static void *boot_reallocarray(void *p, size_t n, size_t size)
{
	const struct mp_route *r = mp_ready();
	size_t total;
	if (r)
		return r->reallocarray(p, n, size);
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return boot_realloc(p, total);
}

static void *boot_memalign(size_t alignment, size_t size)
{
	const struct mp_route *r = mp_ready();
	return r ? r->memalign(alignment, size) : mp_arena_alloc(alignment, size);
}

static void *boot_aligned_alloc(size_t alignment, size_t size)
{
	const struct mp_route *r = mp_ready();
	return r ? r->aligned_alloc(alignment, size) : mp_arena_alloc(alignment, size);
}

static int boot_posix_memalign(void **out, size_t alignment, size_t size)
{
	const struct mp_route *r = mp_ready();
	if (r)
		return r->posix_memalign(out, alignment, size);
	if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)))
		return EINVAL;
	int saved_errno = errno;
	void *p = mp_arena_alloc(alignment, size);
	errno = saved_errno;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

static void *boot_valloc(size_t size)
{
	const struct mp_route *r = mp_ready();
	return r ? r->valloc(size) : mp_arena_alloc(getauxval(AT_PAGESZ), size);
}

static void *boot_pvalloc(size_t size)
{
	const struct mp_route *r = mp_ready();
	size_t page = getauxval(AT_PAGESZ);
	return r ? r->pvalloc(size) : mp_arena_alloc(page, (size + page - 1) & ~(page - 1));
}

static size_t boot_usable_size(void *p)
{
	const struct mp_route *r = mp_ready();
	return r ? r->usable_size(p) : 0;
}

static int boot_trim(size_t pad)
{
	const struct mp_route *r = mp_ready();
	return r ? r->trim(pad) : 0;
}

static int boot_mallopt(int param, int value)
{
	const struct mp_route *r = mp_ready();
	return r ? r->mallopt(param, value) : 0;
}

static struct mallinfo boot_mallinfo(void)
{
	const struct mp_route *r = mp_ready();
	struct mallinfo none = { 0 };
	return r ? r->mallinfo() : none;
}

static struct mallinfo2 boot_mallinfo2(void)
{
	const struct mp_route *r = mp_ready();
	struct mallinfo2 none = { 0 };
	return r ? r->mallinfo2() : none;
}

static void boot_stats(void)
{
	const struct mp_route *r = mp_ready();
	if (r)
		r->stats();
}

static int boot_info(int options, FILE *fp)
{
	const struct mp_route *r = mp_ready();
	return r ? r->info(options, fp) : EINVAL;
}

#define BOOT_ROUTE { \
	boot_malloc, boot_free, boot_calloc, boot_realloc, boot_reallocarray, boot_memalign, \
	boot_aligned_alloc, boot_posix_memalign, boot_valloc, boot_pvalloc, boot_usable_size, boot_trim, \
	boot_mallopt, boot_mallinfo, boot_mallinfo2, boot_stats, boot_info, MP_CXX_OWN, }

const struct mp_route mp_boot_route = BOOT_ROUTE;
const struct mp_route *_Atomic mp_current = &mp_boot_route;
struct mp_route mp_live = BOOT_ROUTE;

/* ------------------------------------------------------------- system */

int mp_system_route(struct mp_route *t, const struct mp_object *libc)
{
	static const char *const names[] = {
		"malloc", "free", "calloc", "realloc", "reallocarray", "memalign", "aligned_alloc",
		"posix_memalign", "valloc", "pvalloc", "malloc_usable_size", "malloc_trim", "mallopt",
		"mallinfo", "mallinfo2", "malloc_stats", "malloc_info",
	};
	void *fn[sizeof names / sizeof *names];
	int found = libc != NULL;
	for (size_t i = 0; found && i < sizeof names / sizeof *names; i++)
		found = (fn[i] = mp_object_symbol(libc, names[i])) != NULL;
	mp_memset(t, 0, sizeof *t);
	if (!found)
		return 0;
	t->malloc = (void *(*)(size_t))fn[0];
	t->free = (void (*)(void *))fn[1];
	t->calloc = (void *(*)(size_t, size_t))fn[2];
	t->realloc = (void *(*)(void *, size_t))fn[3];
	t->reallocarray = (void *(*)(void *, size_t, size_t))fn[4];
	t->memalign = (void *(*)(size_t, size_t))fn[5];
	t->aligned_alloc = (void *(*)(size_t, size_t))fn[6];
	t->posix_memalign = (int (*)(void **, size_t, size_t))fn[7];
	t->valloc = (void *(*)(size_t))fn[8];
	t->pvalloc = (void *(*)(size_t))fn[9];
	t->usable_size = (size_t (*)(void *))fn[10];
	t->trim = (int (*)(size_t))fn[11];
	t->mallopt = (int (*)(int, int))fn[12];
	t->mallinfo = (struct mallinfo (*)(void))fn[13];
	t->mallinfo2 = (struct mallinfo2 (*)(void))fn[14];
	t->stats = (void (*)(void))fn[15];
	t->info = (int (*)(int, FILE *))fn[16];
	mp_raw.malloc = t->malloc;
	mp_raw.free = t->free;
	mp_raw.realloc = t->realloc;
	return 1;
}

/* ---------------------------------------------------------- allocator */

/* Allocators that can return NULL without setting errno get these instead of
 * their own function (profile errno_roles): every NULL comes with ENOMEM. */
static void *errno_malloc(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

static void *checked_malloc(size_t size)
{
	return errno_malloc(mp_raw.malloc(size));
}

/* For an allocator whose only errno-less NULL is for sizes beyond
 * PTRDIFF_MAX: the test comes first, and the call is a tail jump. */
static void *bounded_malloc(size_t size)
{
	if (__builtin_expect(size > PTRDIFF_MAX, 0)) {
		errno = ENOMEM;
		return NULL;
	}
	return mp_raw.malloc(size);
}

static void *bounded_realloc(void *p, size_t size)
{
	if (__builtin_expect(size > PTRDIFF_MAX, 0)) {
		errno = ENOMEM;
		return NULL;
	}
	return mp_raw.realloc(p, size);
}

static void *checked_realloc(void *p, size_t size)
{
	if (IN_ARENA(p))
		return mp_arena_realloc(p, size);
	void *q = mp_raw.realloc(p, size);
	if (!q && size != 0)
		errno = ENOMEM;
	return q;
}

static void *arena_checked_realloc(void *p, size_t size)
{
	if (IN_ARENA(p))
		return mp_arena_realloc(p, size);
	return mp_raw.realloc_after_arena(p, size);
}

static void checked_free(void *p)
{
	if (!IN_ARENA(p))
		mp_raw.free(p);
}

/* tcmalloc and mimalloc return NULL for an overflowing product without errno. */
static void *alloc_calloc(size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return errno_malloc(mp_raw.calloc(n, size));
}

static void *alloc_reallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return RT()->realloc(p, total);
}

static int power_of_two(size_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

void *mp_aligned(size_t alignment, size_t size)
{
	if (alignment < 16)
		alignment = 16;
	void *p = mp_raw.memalign(alignment, size);
	if (__builtin_expect(p && ((uintptr_t)p & (alignment - 1)), 0)) {
		/* mimalloc 2.0.9 returns misaligned blocks when the size is a
		 * multiple of an alignment of 256-1024; any other size takes its
		 * aligning path. */
		RT()->free(p);
		p = size < SIZE_MAX ? mp_raw.memalign(alignment, size + 1) : NULL;
		if (p && ((uintptr_t)p & (alignment - 1))) {
			RT()->free(p);
			p = NULL;
		}
	}
	if (!p)
		errno = ENOMEM;
	return p;
}

static int alloc_posix_memalign(void **out, size_t alignment, size_t size)
{
	if (!power_of_two(alignment) || alignment % sizeof(void *) != 0)
		return EINVAL;
	int saved_errno = errno;
	void *p = mp_aligned(alignment, size);
	errno = saved_errno;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

/* The allocator route's contract: C11 and POSIX, not glibc's leniency. */
static void *alloc_memalign(size_t alignment, size_t size)
{
	if (!power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return mp_aligned(alignment, size);
}

static void *alloc_valloc(size_t size)
{
	return mp_aligned(getauxval(AT_PAGESZ), size);
}

/* jemalloc has no pvalloc: glibc would serve it and jemalloc would crash freeing it. */
static void *alloc_pvalloc(size_t size)
{
	size_t page = getauxval(AT_PAGESZ), rounded;
	if (__builtin_add_overflow(size, page - 1, &rounded)) {
		errno = ENOMEM;
		return NULL;
	}
	rounded &= ~(page - 1);
	return mp_aligned(page, rounded ? rounded : page);
}

static size_t alloc_usable_size(void *p)
{
	return p ? mp_raw.usable_size(p) : 0;
}

/* malloc_trim adapters: 1 when memory was (asked to be) returned. */
static int trim_none(size_t pad)
{
	(void)pad;
	return 0;
}

static int trim_mallctl(size_t pad)
{
	(void)pad;
	int (*mallctl)(const char *, void *, size_t *, void *, size_t) = mp_raw.trim_target;
	/* 4096 is MALLCTL_ARENAS_ALL in jemalloc 5 (jemalloc_macros.h). */
	return mallctl("arena.4096.purge", NULL, NULL, NULL, 0) == 0;
}

static int trim_void(size_t pad)
{
	(void)pad;
	((void (*)(void))mp_raw.trim_target)();
	return 1;
}

static int trim_bool(size_t pad)
{
	(void)pad;
	((void (*)(bool))mp_raw.trim_target)(true);
	return 1;
}

static int trim_int(size_t pad)
{
	return ((int (*)(size_t))mp_raw.trim_target)(pad);
}

void mp_allocator_route(struct mp_route *t, const struct mp_decision *d, const struct mp_object *holder)
{
	void *fn[MP_ROLES];
	enum mp_trim_kind trim = MP_TRIM_NONE;
	unsigned errno_roles = MP_ROLE_BIT(MP_MALLOC) | MP_ROLE_BIT(MP_CALLOC) | MP_ROLE_BIT(MP_REALLOC);
	int big_no_errno = 0;
	mp_memset(t, 0, sizeof *t);
	mp_memcpy(fn, d->fn, sizeof fn);  /* found by the decision */
	if (d->profile >= 0) {
		const struct mp_profile *p = &mp_profiles[d->profile];
		fn[MP_TRIM] = p->sym[MP_TRIM] ? mp_object_symbol(holder, p->sym[MP_TRIM]) : NULL;
		trim = fn[MP_TRIM] ? p->trim : MP_TRIM_NONE;
		errno_roles = p->errno_roles;
		big_no_errno = p->big_no_errno;
		mp_raw.allocator = p->name;
		mp_raw.stats = p->stats;
	} else {
		/* @symbol: each role's first definition in load order (mp_decide). */
		trim = fn[MP_TRIM] ? MP_TRIM_INT : MP_TRIM_NONE;
		mp_raw.allocator = "custom";
		mp_raw.stats = MP_STATS_NONE;
	}
	mp_raw.malloc = (void *(*)(size_t))fn[MP_MALLOC];
	mp_raw.free = (void (*)(void *))fn[MP_FREE];
	mp_raw.calloc = (void *(*)(size_t, size_t))fn[MP_CALLOC];
	mp_raw.realloc = (void *(*)(void *, size_t))fn[MP_REALLOC];
	mp_raw.memalign = (void *(*)(size_t, size_t))fn[MP_MEMALIGN];
	mp_raw.usable_size = (size_t (*)(void *))fn[MP_USABLE];
	mp_raw.trim_target = fn[MP_TRIM];

	t->malloc = errno_roles & MP_ROLE_BIT(MP_MALLOC) ? checked_malloc : big_no_errno ? bounded_malloc : mp_raw.malloc;
	t->free = mp_raw.free;
	t->calloc = alloc_calloc;
	t->realloc = errno_roles & MP_ROLE_BIT(MP_REALLOC) ? checked_realloc : big_no_errno ? bounded_realloc : mp_raw.realloc;
	t->reallocarray = alloc_reallocarray;
	t->memalign = alloc_memalign;
	t->aligned_alloc = alloc_memalign;
	t->posix_memalign = alloc_posix_memalign;
	t->valloc = alloc_valloc;
	t->pvalloc = alloc_pvalloc;
	t->usable_size = alloc_usable_size;
	switch (trim) {
	case MP_TRIM_NONE: t->trim = trim_none; break;
	case MP_TRIM_INT: t->trim = trim_int; break;
	case MP_TRIM_MALLCTL: t->trim = trim_mallctl; break;
	case MP_TRIM_VOID: t->trim = trim_void; break;
	case MP_TRIM_BOOL: t->trim = trim_bool; break;
	}
	mp_stats_route(t, holder);
	mp_cxx_allocator(t);
}

void mp_arena_checks(struct mp_route *t, int arena_in_use)
{
	if (!arena_in_use || !t->malloc)
		return;
	if (!mp_raw.free)
		mp_raw.free = t->free;
	if (!mp_raw.realloc)
		mp_raw.realloc = t->realloc;
	t->free = checked_free;
	/* The same realloc as before, arena blocks aside (checked_realloc tests already). */
	if (t->realloc != checked_realloc) {
		mp_raw.realloc_after_arena = t->realloc;
		t->realloc = arena_checked_realloc;
	}
}

/* ----------------------------------------------------- the C interface */

EXPORT size_t malloc_usable_size(void *p)
{
	if (IN_ARENA(p))
		return mp_arena_size(p);
	return LIVE(usable_size)(p);
}

/* The others only jump through their slot: in assembly on x86-64 (route.h),
 * in C elsewhere. Then glibc's other names for the same functions (libc.so.6
 * exports them as aliases); tcmalloc and mimalloc export some of them too, so
 * without these a program calling them could mix two heaps. cfree is a
 * compatibility symbol in glibc (programs linked before glibc 2.26); an
 * unversioned definition here also satisfies their versioned reference. */
#if defined(__x86_64__)
MP_SLOT_AT(malloc, 0); MP_SLOT_AT(free, 1); MP_SLOT_AT(calloc, 2); MP_SLOT_AT(realloc, 3);
MP_SLOT_AT(reallocarray, 4); MP_SLOT_AT(memalign, 5); MP_SLOT_AT(aligned_alloc, 6);
MP_SLOT_AT(posix_memalign, 7); MP_SLOT_AT(valloc, 8); MP_SLOT_AT(pvalloc, 9); MP_SLOT_AT(trim, 11);
MP_SLOT_AT(mallopt, 12); MP_SLOT_AT(mallinfo, 13); MP_SLOT_AT(mallinfo2, 14); MP_SLOT_AT(stats, 15);
MP_SLOT_AT(info, 16);
__asm__(".pushsection .text\n"
	MP_ASM_ENTRY("malloc", 0) MP_ASM_ENTRY("free", 1) MP_ASM_ENTRY("calloc", 2) MP_ASM_ENTRY("realloc", 3)
	MP_ASM_ENTRY("reallocarray", 4) MP_ASM_ENTRY("memalign", 5) MP_ASM_ENTRY("aligned_alloc", 6)
	MP_ASM_ENTRY("posix_memalign", 7) MP_ASM_ENTRY("valloc", 8) MP_ASM_ENTRY("pvalloc", 9)
	MP_ASM_ENTRY("malloc_trim", 11) MP_ASM_ENTRY("mallopt", 12) MP_ASM_ENTRY("mallinfo", 13)
	MP_ASM_ENTRY("mallinfo2", 14) MP_ASM_ENTRY("malloc_stats", 15) MP_ASM_ENTRY("malloc_info", 16)
	MP_ASM_ALIAS("__libc_malloc", "malloc") MP_ASM_ALIAS("__libc_free", "free") MP_ASM_ALIAS("cfree", "free")
	MP_ASM_ALIAS("__libc_calloc", "calloc") MP_ASM_ALIAS("__libc_realloc", "realloc")
	MP_ASM_ALIAS("__libc_memalign", "memalign") MP_ASM_ALIAS("__libc_valloc", "valloc")
	MP_ASM_ALIAS("__libc_pvalloc", "pvalloc") MP_ASM_ALIAS("__libc_mallopt", "mallopt")
	MP_ASM_ALIAS("__libc_mallinfo", "mallinfo") ".popsection\n");
#else
EXPORT void *malloc(size_t size)
{
	return LIVE(malloc)(size);
}

EXPORT void free(void *p)
{
	LIVE(free)(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	return LIVE(calloc)(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
	return LIVE(realloc)(p, size);
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	return LIVE(reallocarray)(p, n, size);
}

EXPORT void *memalign(size_t alignment, size_t size)
{
	return LIVE(memalign)(alignment, size);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
	return LIVE(aligned_alloc)(alignment, size);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t size)
{
	return LIVE(posix_memalign)(out, alignment, size);
}

EXPORT void *valloc(size_t size)
{
	return LIVE(valloc)(size);
}

EXPORT void *pvalloc(size_t size)
{
	return LIVE(pvalloc)(size);
}

EXPORT int malloc_trim(size_t pad)
{
	return LIVE(trim)(pad);
}

EXPORT int mallopt(int param, int value)
{
	return LIVE(mallopt)(param, value);
}

EXPORT struct mallinfo mallinfo(void)
{
	return LIVE(mallinfo)();
}

EXPORT struct mallinfo2 mallinfo2(void)
{
	return LIVE(mallinfo2)();
}

EXPORT void malloc_stats(void)
{
	LIVE(stats)();
}

EXPORT int malloc_info(int options, FILE *fp)
{
	return LIVE(info)(options, fp);
}

/* The aliases need not repeat the attributes glibc's header puts on their targets. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-attributes"
#endif
EXPORT void *__libc_malloc(size_t size) __attribute__((alias("malloc")));
EXPORT void __libc_free(void *p) __attribute__((alias("free")));
EXPORT void cfree(void *p) __attribute__((alias("free")));
EXPORT void *__libc_calloc(size_t n, size_t size) __attribute__((alias("calloc")));
EXPORT void *__libc_realloc(void *p, size_t size) __attribute__((alias("realloc")));
EXPORT void *__libc_memalign(size_t alignment, size_t size) __attribute__((alias("memalign")));
EXPORT void *__libc_valloc(size_t size) __attribute__((alias("valloc")));
EXPORT void *__libc_pvalloc(size_t size) __attribute__((alias("pvalloc")));
EXPORT int __libc_mallopt(int param, int value) __attribute__((alias("mallopt")));
EXPORT struct mallinfo __libc_mallinfo(void) __attribute__((alias("mallinfo")));
#endif
