/* The C++ operator new/delete family, in C. Exported so that an allocator
 * that defines its own operator new (all three do) cannot bypass the route.
 * No C++ runtime is linked: a C++ program has libstdc++ loaded, and the two
 * functions needed on failure are looked up there when a failure happens. */
#include <stdint.h>
#include <stdlib.h>

#include "elfsym.h"
#include "route.h"

typedef void (*new_handler)(void);

static new_handler current_new_handler(void)
{
	new_handler (*get)(void) = (new_handler(*)(void))mp_symbol_anywhere("_ZSt15get_new_handlerv");
	return get ? get() : NULL;
}

__attribute__((noreturn)) static void throw_bad_alloc(void)
{
	void (*thrower)(void) = (void (*)(void))mp_symbol_anywhere("_ZSt17__throw_bad_allocv");
	if (thrower)
		thrower();  /* std::__throw_bad_alloc() throws std::bad_alloc */
	abort();
}

/* [new.delete.single]: call the new-handler until it succeeds or there is
 * none, then throw std::bad_alloc (nothrow forms: return NULL). An exception
 * thrown by the handler itself propagates, also out of the nothrow forms. */
__attribute__((noinline)) static void *new_failed(size_t size, size_t alignment, int nothrow)
{
	if (size == 0)
		size = 1;
	for (;;) {
		void *p;
		if (alignment == 0)
			p = ROUTE(malloc)(size);
		else if (alignment & (alignment - 1))
			p = NULL;
		else
			p = mp_aligned(alignment, size);
		if (p)
			return p;
		new_handler handler = current_new_handler();
		if (!handler)
			break;
		handler();
	}
	if (nothrow)
		return NULL;
	throw_bad_alloc();
}

static inline void *new_plain(size_t size, int nothrow)
{
	void *p = ROUTE(malloc)(size);
	if (__builtin_expect(p != NULL, 1))
		return p;
	return new_failed(size, 0, nothrow);
}

static inline void *new_aligned(size_t size, size_t alignment, int nothrow)
{
	if (!(alignment & (alignment - 1))) {
		void *p = mp_aligned(alignment, size ? size : 1);
		if (__builtin_expect(p != NULL, 1))
			return p;
	}
	return new_failed(size, alignment, nothrow);
}

static inline void delete_any(void *p)
{
	ROUTE(free)(p);  /* arena blocks: see checked_free */
}

struct nothrow_t;

/* size_t's letter in a mangled name: 'm' (unsigned long) on LP64, 'j' (unsigned int) on i386;
 * SZ(_Znw, ) is _Znwm on x86-64 and _Znwj on i386. */
#if __SIZEOF_SIZE_T__ == 8
#define SZ(prefix, suffix) prefix##m##suffix
#else
#define SZ(prefix, suffix) prefix##j##suffix
#endif

EXPORT void *SZ(_Znw, )(size_t n) { return new_plain(n, 0); }
EXPORT void *SZ(_Zna, )(size_t n) { return new_plain(n, 0); }
EXPORT void *SZ(_Znw, RKSt9nothrow_t)(size_t n, const struct nothrow_t *t) { (void)t; return new_plain(n, 1); }
EXPORT void *SZ(_Zna, RKSt9nothrow_t)(size_t n, const struct nothrow_t *t) { (void)t; return new_plain(n, 1); }
EXPORT void *SZ(_Znw, St11align_val_t)(size_t n, size_t al) { return new_aligned(n, al, 0); }
EXPORT void *SZ(_Zna, St11align_val_t)(size_t n, size_t al) { return new_aligned(n, al, 0); }
EXPORT void *SZ(_Znw, St11align_val_tRKSt9nothrow_t)(size_t n, size_t al, const struct nothrow_t *t) { (void)t; return new_aligned(n, al, 1); }
EXPORT void *SZ(_Zna, St11align_val_tRKSt9nothrow_t)(size_t n, size_t al, const struct nothrow_t *t) { (void)t; return new_aligned(n, al, 1); }

EXPORT void _ZdlPv(void *p) { delete_any(p); }
EXPORT void _ZdaPv(void *p) { delete_any(p); }
EXPORT void SZ(_ZdlPv, )(void *p, size_t n) { (void)n; delete_any(p); }
EXPORT void SZ(_ZdaPv, )(void *p, size_t n) { (void)n; delete_any(p); }
EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const struct nothrow_t *t) { (void)t; delete_any(p); }
EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const struct nothrow_t *t) { (void)t; delete_any(p); }
EXPORT void _ZdlPvSt11align_val_t(void *p, size_t al) { (void)al; delete_any(p); }
EXPORT void _ZdaPvSt11align_val_t(void *p, size_t al) { (void)al; delete_any(p); }
EXPORT void SZ(_ZdlPv, St11align_val_t)(void *p, size_t n, size_t al) { (void)n; (void)al; delete_any(p); }
EXPORT void SZ(_ZdaPv, St11align_val_t)(void *p, size_t n, size_t al) { (void)n; (void)al; delete_any(p); }
EXPORT void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const struct nothrow_t *t) { (void)al; (void)t; delete_any(p); }
EXPORT void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const struct nothrow_t *t) { (void)al; (void)t; delete_any(p); }
