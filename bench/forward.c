/* libforward.so: the least any interposing malloc library can cost, for
 * bench/run.sh. It exports malloc, free, calloc and realloc, and each is one
 * indirect jump to the next definition in the chain (the allocator preloaded
 * after it, or glibc), looked up once with dlsym(RTLD_NEXT). No decision, no
 * ordering: a plain pointer load, which the compiler folds into the jump. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

static void *first_malloc(size_t n);
static void first_free(void *p);
static void *first_calloc(size_t n, size_t size);
static void *first_realloc(void *p, size_t n);

static void *(*next_malloc)(size_t) = first_malloc;
static void (*next_free)(void *) = first_free;
static void *(*next_calloc)(size_t, size_t) = first_calloc;
static void *(*next_realloc)(void *, size_t) = first_realloc;

/* dlsym of a name that exists does not allocate. */
static void resolve(void)
{
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
}

__attribute__((constructor)) static void init(void) { resolve(); }
static void *first_malloc(size_t n) { resolve(); return next_malloc(n); }
static void first_free(void *p) { resolve(); next_free(p); }
static void *first_calloc(size_t n, size_t size) { resolve(); return next_calloc(n, size); }
static void *first_realloc(void *p, size_t n) { resolve(); return next_realloc(p, n); }

void *malloc(size_t n) { return next_malloc(n); }
void free(void *p) { next_free(p); }
void *calloc(size_t n, size_t size) { return next_calloc(n, size); }
void *realloc(void *p, size_t n) { return next_realloc(p, n); }
