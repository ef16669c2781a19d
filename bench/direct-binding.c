/* libdirect-binding.so: the one way a preloaded library could route malloc
 * at no cost per call, tried on this machine by direct-binding.sh. Its
 * malloc, free, calloc and realloc are GNU indirect functions: ld.so calls
 * the resolver once per reference and binds the caller straight to the
 * function it returns, so no call passes through the library afterwards.
 * The resolvers only return forwarders to glibc's own functions; what
 * direct-binding.sh reads is what ld.so says while it binds them. */
#include <stddef.h>

extern void *__libc_malloc(size_t n);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static void *to_malloc(size_t n) { return __libc_malloc(n); }
static void to_free(void *p) { __libc_free(p); }
static void *to_calloc(size_t n, size_t size) { return __libc_calloc(n, size); }
static void *to_realloc(void *p, size_t n) { return __libc_realloc(p, n); }

/* Resolvers take no relocated data: the addresses are PC-relative. */
static void *(*pick_malloc(void))(size_t) { return to_malloc; }
static void (*pick_free(void))(void *) { return to_free; }
static void *(*pick_calloc(void))(size_t, size_t) { return to_calloc; }
static void *(*pick_realloc(void))(void *, size_t) { return to_realloc; }

void *malloc(size_t n) __attribute__((ifunc("pick_malloc")));
void free(void *p) __attribute__((ifunc("pick_free")));
void *calloc(size_t n, size_t size) __attribute__((ifunc("pick_calloc")));
void *realloc(void *p, size_t n) __attribute__((ifunc("pick_realloc")));
