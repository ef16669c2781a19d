/* The C++ operator new/delete family, in C. Exported so that an allocator
 * that defines its own operator new (all three do) cannot bypass the route.
 * No C++ runtime is linked: a C++ program has one loaded (libstdc++, or
 * libc++ with libc++abi), and what is needed from it is looked up there.
 *
 * System route: the runtime's own operators, exactly what the program gets
 * without the shim (they call malloc, which is glibc's on this route).
 * Allocator route: the shim's own, over the route's malloc and memalign. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include "bytes.h"

#include "tables.h"

/* size_t in mangled names: unsigned long (m) on LP64, unsigned int (j) on ILP32. */
#if __SIZEOF_SIZE_T__ == 8
#define Z "m"
#else
#define Z "j"
#endif

static const char *const op_names[OPS] = {
	[NEW] = "_Znw" Z, [NEW_A] = "_Zna" Z,
	[NEW_NT] = "_Znw" Z "RKSt9nothrow_t", [NEW_A_NT] = "_Zna" Z "RKSt9nothrow_t",
	[NEW_AL] = "_Znw" Z "St11align_val_t", [NEW_A_AL] = "_Zna" Z "St11align_val_t",
	[NEW_AL_NT] = "_Znw" Z "St11align_val_tRKSt9nothrow_t",
	[NEW_A_AL_NT] = "_Zna" Z "St11align_val_tRKSt9nothrow_t",
	[DEL] = "_ZdlPv", [DEL_A] = "_ZdaPv", [DEL_SZ] = "_ZdlPv" Z, [DEL_A_SZ] = "_ZdaPv" Z,
	[DEL_NT] = "_ZdlPvRKSt9nothrow_t", [DEL_A_NT] = "_ZdaPvRKSt9nothrow_t",
	[DEL_AL] = "_ZdlPvSt11align_val_t", [DEL_A_AL] = "_ZdaPvSt11align_val_t",
	[DEL_SZ_AL] = "_ZdlPv" Z "St11align_val_t", [DEL_A_SZ_AL] = "_ZdaPv" Z "St11align_val_t",
	[DEL_AL_NT] = "_ZdlPvSt11align_val_tRKSt9nothrow_t", [DEL_A_AL_NT] = "_ZdaPvSt11align_val_tRKSt9nothrow_t",
};

_Static_assert(OPS <= sizeof(((struct mp_route *)0)->cxx) / sizeof(void *), "room for every operator");

/* The C++ runtime is the object that defines std::get_new_handler (libstdc++,
 * libc++abi); the allocators do not. Searched when asked, so a runtime
 * loaded later by dlopen is found too. */
static int runtime_one(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct mp_object *o = data;
	mp_memset(o, 0, sizeof *o);
	o->base = info->dlpi_addr;
	mp_object_load(o, info);
	return mp_object_usable(o) && mp_object_symbol(o, "_ZSt15get_new_handlerv") != NULL;
}

/* 1 and the runtime's object in o when a C++ runtime is loaded. */
static int runtime_object(struct mp_object *o)
{
	return dl_iterate_phdr(runtime_one, o) != 0;
}

void *mp_cxx_runtime(const char *symbol)
{
	struct mp_object o;
	return runtime_object(&o) ? mp_object_symbol(&o, symbol) : NULL;
}

typedef void (*new_handler)(void);

static new_handler current_new_handler(void)
{
	new_handler (*get)(void) = (new_handler(*)(void))mp_symbol_anywhere("_ZSt15get_new_handlerv");
	return get ? get() : NULL;
}

/* std::__throw_bad_alloc(): libstdc++ and libc++ both define it (libc++ in std::, not std::__1). */
__attribute__((noreturn)) static void throw_bad_alloc(void)
{
	void (*thrower)(void) = (void (*)(void))mp_symbol_anywhere("_ZSt17__throw_bad_allocv");
	if (thrower)
		thrower();
	abort();
}

static int valid_alignment(size_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

static void *try_alloc(size_t size, size_t alignment)
{
	const struct mp_route *r = RT();
	if (size == 0)
		size = 1;
	if (!alignment)
		return r->malloc(size);
	return r->memalign(alignment < sizeof(void *) ? sizeof(void *) : alignment, size);
}

/* [new.delete.single]: call the new-handler until it succeeds or there is
 * none, then throw std::bad_alloc. A non-power-of-two alignment is not a
 * valid align_val_t: std::bad_alloc at once, as libstdc++ does. */
static void *own_new(size_t size, size_t alignment)
{
	if (alignment && !valid_alignment(alignment))
		throw_bad_alloc();
	for (;;) {
		void *p = try_alloc(size, alignment);
		if (__builtin_expect(p != NULL, 1))
			return p;
		new_handler handler = current_new_handler();
		if (!handler)
			throw_bad_alloc();
		handler();
	}
}

/* The nothrow forms must return NULL whatever the new-handler does, and the
 * handler may throw; C cannot catch. After a failed first try, the C++
 * runtime's own nothrow form is called: it calls the throwing operator new
 * (this shim's) inside a try block and returns NULL on any exception. With
 * no runtime loaded there is no new-handler either: NULL. */
static void *own_new_nothrow(size_t size, size_t alignment, enum op runtime_op)
{
	if (!alignment || valid_alignment(alignment)) {
		void *p = try_alloc(size, alignment);
		if (__builtin_expect(p != NULL, 1))
			return p;
	}
	void *f = mp_cxx_runtime(op_names[runtime_op]);
	if (!f)
		return NULL;
	if (alignment)
		return ((void *(*)(size_t, size_t, const void *))f)(size, alignment, NULL);
	return ((void *(*)(size_t, const void *))f)(size, NULL);
}

/* The shim's own operators: the boot table's C++ slots (MP_CXX_OWN). */
void mp_own_delete(void *p)
{
	RT()->free(p);
}

void *mp_own_new(size_t n) { return own_new(n, 0); }
void *mp_own_new_al(size_t n, size_t al) { return own_new(n, al); }
void *mp_own_new_nt(size_t n, const void *t) { (void)t; return own_new_nothrow(n, 0, NEW_NT); }
void *mp_own_new_a_nt(size_t n, const void *t) { (void)t; return own_new_nothrow(n, 0, NEW_A_NT); }
void *mp_own_new_al_nt(size_t n, size_t al, const void *t) { (void)t; return own_new_nothrow(n, al, NEW_AL_NT); }
void *mp_own_new_a_al_nt(size_t n, size_t al, const void *t) { (void)t; return own_new_nothrow(n, al, NEW_A_AL_NT); }

void mp_cxx_allocator(struct mp_route *t)
{
	for (int i = 0; i < OPS; i++)
		t->cxx[i] = mp_boot_route.cxx[i];
}

void mp_cxx_system(struct mp_route *t)
{
	struct mp_object o;
	int runtime = runtime_object(&o);
	for (int i = 0; i < OPS; i++) {
		void *f = runtime ? mp_object_symbol(&o, op_names[i]) : NULL;
		t->cxx[i] = f ? f : mp_boot_route.cxx[i];
	}
}

/* The entry point's slot (route.h); before the decision, the shim's own. */
#define op(i) LIVE(cxx[i])

#if defined(__x86_64__)
/* Each a single jump through its slot (route.h). */
MP_SLOT_AT(cxx[NEW], 17); MP_SLOT_AT(cxx[DEL_A_AL_NT], 17 + 19);
__asm__(".pushsection .text\n"
	MP_ASM_ENTRY("_Znwm", 17) MP_ASM_ENTRY("_Znam", 18) MP_ASM_ENTRY("_ZnwmRKSt9nothrow_t", 19)
	MP_ASM_ENTRY("_ZnamRKSt9nothrow_t", 20) MP_ASM_ENTRY("_ZnwmSt11align_val_t", 21)
	MP_ASM_ENTRY("_ZnamSt11align_val_t", 22) MP_ASM_ENTRY("_ZnwmSt11align_val_tRKSt9nothrow_t", 23)
	MP_ASM_ENTRY("_ZnamSt11align_val_tRKSt9nothrow_t", 24) MP_ASM_ENTRY("_ZdlPv", 25) MP_ASM_ENTRY("_ZdaPv", 26)
	MP_ASM_ENTRY("_ZdlPvm", 27) MP_ASM_ENTRY("_ZdaPvm", 28) MP_ASM_ENTRY("_ZdlPvRKSt9nothrow_t", 29)
	MP_ASM_ENTRY("_ZdaPvRKSt9nothrow_t", 30) MP_ASM_ENTRY("_ZdlPvSt11align_val_t", 31)
	MP_ASM_ENTRY("_ZdaPvSt11align_val_t", 32) MP_ASM_ENTRY("_ZdlPvmSt11align_val_t", 33)
	MP_ASM_ENTRY("_ZdaPvmSt11align_val_t", 34) MP_ASM_ENTRY("_ZdlPvSt11align_val_tRKSt9nothrow_t", 35)
	MP_ASM_ENTRY("_ZdaPvSt11align_val_tRKSt9nothrow_t", 36) ".popsection\n");
#else
typedef void *(*new_fn)(size_t);
typedef void *(*new_nt_fn)(size_t, const void *);
typedef void *(*new_al_fn)(size_t, size_t);
typedef void *(*new_al_nt_fn)(size_t, size_t, const void *);
typedef void (*del_fn)(void *);
typedef void (*del_x_fn)(void *, size_t);          /* sized, or aligned: one extra word */
typedef void (*del_nt_fn)(void *, const void *);
typedef void (*del_sz_al_fn)(void *, size_t, size_t);
typedef void (*del_al_nt_fn)(void *, size_t, const void *);

/* The exported names are the mangled ones; the C names only serve this file. */
EXPORT void *op_new(size_t n) __asm__("_Znw" Z);
EXPORT void *op_new_a(size_t n) __asm__("_Zna" Z);
EXPORT void *op_new_nt(size_t n, const void *t) __asm__("_Znw" Z "RKSt9nothrow_t");
EXPORT void *op_new_a_nt(size_t n, const void *t) __asm__("_Zna" Z "RKSt9nothrow_t");
EXPORT void *op_new_al(size_t n, size_t al) __asm__("_Znw" Z "St11align_val_t");
EXPORT void *op_new_a_al(size_t n, size_t al) __asm__("_Zna" Z "St11align_val_t");
EXPORT void *op_new_al_nt(size_t n, size_t al, const void *t) __asm__("_Znw" Z "St11align_val_tRKSt9nothrow_t");
EXPORT void *op_new_a_al_nt(size_t n, size_t al, const void *t) __asm__("_Zna" Z "St11align_val_tRKSt9nothrow_t");
EXPORT void op_del(void *p) __asm__("_ZdlPv");
EXPORT void op_del_a(void *p) __asm__("_ZdaPv");
EXPORT void op_del_sz(void *p, size_t n) __asm__("_ZdlPv" Z);
EXPORT void op_del_a_sz(void *p, size_t n) __asm__("_ZdaPv" Z);
EXPORT void op_del_nt(void *p, const void *t) __asm__("_ZdlPvRKSt9nothrow_t");
EXPORT void op_del_a_nt(void *p, const void *t) __asm__("_ZdaPvRKSt9nothrow_t");
EXPORT void op_del_al(void *p, size_t al) __asm__("_ZdlPvSt11align_val_t");
EXPORT void op_del_a_al(void *p, size_t al) __asm__("_ZdaPvSt11align_val_t");
EXPORT void op_del_sz_al(void *p, size_t n, size_t al) __asm__("_ZdlPv" Z "St11align_val_t");
EXPORT void op_del_a_sz_al(void *p, size_t n, size_t al) __asm__("_ZdaPv" Z "St11align_val_t");
EXPORT void op_del_al_nt(void *p, size_t al, const void *t) __asm__("_ZdlPvSt11align_val_tRKSt9nothrow_t");
EXPORT void op_del_a_al_nt(void *p, size_t al, const void *t) __asm__("_ZdaPvSt11align_val_tRKSt9nothrow_t");

void *op_new(size_t n) { return ((new_fn)op(NEW))(n); }
void *op_new_a(size_t n) { return ((new_fn)op(NEW_A))(n); }
void *op_new_nt(size_t n, const void *t) { return ((new_nt_fn)op(NEW_NT))(n, t); }
void *op_new_a_nt(size_t n, const void *t) { return ((new_nt_fn)op(NEW_A_NT))(n, t); }
void *op_new_al(size_t n, size_t al) { return ((new_al_fn)op(NEW_AL))(n, al); }
void *op_new_a_al(size_t n, size_t al) { return ((new_al_fn)op(NEW_A_AL))(n, al); }
void *op_new_al_nt(size_t n, size_t al, const void *t) { return ((new_al_nt_fn)op(NEW_AL_NT))(n, al, t); }
void *op_new_a_al_nt(size_t n, size_t al, const void *t) { return ((new_al_nt_fn)op(NEW_A_AL_NT))(n, al, t); }
void op_del(void *p) { ((del_fn)op(DEL))(p); }
void op_del_a(void *p) { ((del_fn)op(DEL_A))(p); }
void op_del_sz(void *p, size_t n) { ((del_x_fn)op(DEL_SZ))(p, n); }
void op_del_a_sz(void *p, size_t n) { ((del_x_fn)op(DEL_A_SZ))(p, n); }
void op_del_nt(void *p, const void *t) { ((del_nt_fn)op(DEL_NT))(p, t); }
void op_del_a_nt(void *p, const void *t) { ((del_nt_fn)op(DEL_A_NT))(p, t); }
void op_del_al(void *p, size_t al) { ((del_x_fn)op(DEL_AL))(p, al); }
void op_del_a_al(void *p, size_t al) { ((del_x_fn)op(DEL_A_AL))(p, al); }
void op_del_sz_al(void *p, size_t n, size_t al) { ((del_sz_al_fn)op(DEL_SZ_AL))(p, n, al); }
void op_del_a_sz_al(void *p, size_t n, size_t al) { ((del_sz_al_fn)op(DEL_A_SZ_AL))(p, n, al); }
void op_del_al_nt(void *p, size_t al, const void *t) { ((del_al_nt_fn)op(DEL_AL_NT))(p, al, t); }
void op_del_a_al_nt(void *p, size_t al, const void *t) { ((del_al_nt_fn)op(DEL_A_AL_NT))(p, al, t); }
#endif
