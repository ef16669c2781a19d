/* Who served a block? Each allocator's own introspection, reached without
 * going through the shim: glibc's mallinfo2 from libc.so.6 itself, jemalloc's
 * per-thread byte counter, tcmalloc's and mimalloc's ownership queries. */
#ifndef MEMPROXY_ORACLE_H
#define MEMPROXY_ORACLE_H

#include <dlfcn.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { GLIBC = 1, JEMALLOC = 2, TCMALLOC = 4, MIMALLOC = 8 };

static struct mallinfo2 (*o_mallinfo2)(void);
static int (*o_mallctl)(const char *, void *, size_t *, void *, size_t);
static int (*o_tc_ownership)(const void *);
static int (*o_mi_in_heap)(const void *);
static int (*o_mi_owned)(const void *);

static inline void oracle_init(void)
{
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	*(void **)&o_mallinfo2 = libc ? dlsym(libc, "mallinfo2") : NULL;
	*(void **)&o_mallctl = dlsym(RTLD_DEFAULT, "mallctl");
	*(void **)&o_tc_ownership = dlsym(RTLD_DEFAULT, "MallocExtension_GetOwnership");
	*(void **)&o_mi_in_heap = dlsym(RTLD_DEFAULT, "mi_is_in_heap_region");
	*(void **)&o_mi_owned = dlsym(RTLD_DEFAULT, "mi_check_owned");  /* the calling thread's heap */
	if (!o_mallinfo2) {
		fprintf(stderr, "oracle: no mallinfo2 in libc.so.6\n");
		_exit(99);
	}
}

struct counters {
	size_t glibc;
	uint64_t jemalloc;
};

static inline struct counters oracle_counters(void)
{
	struct counters c = { 0, 0 };
	struct mallinfo2 mi = o_mallinfo2();
	c.glibc = mi.uordblks + mi.hblkhd;
	if (o_mallctl) {
		size_t sz = sizeof c.jemalloc;
		o_mallctl("thread.allocated", &c.jemalloc, &sz, NULL, 0);
	}
	return c;
}

/* The set of allocators that served p (n bytes), given counters read just before. */
static inline int oracle_owners(struct counters before, const void *p, size_t n)
{
	struct counters after = oracle_counters();
	int owners = 0;
	if (after.glibc >= before.glibc + n)
		owners |= GLIBC;
	if (o_mallctl && after.jemalloc >= before.jemalloc + n)
		owners |= JEMALLOC;
	if (o_tc_ownership && o_tc_ownership(p) == 1)  /* MallocExtension::kOwned */
		owners |= TCMALLOC;
	/* mimalloc 2.0's 32-bit build answers false to mi_is_in_heap_region for its own blocks. */
	if ((o_mi_in_heap && o_mi_in_heap(p)) || (o_mi_owned && o_mi_owned(p)))
		owners |= MIMALLOC;
	return owners;
}

static inline int oracle_parse(const char *name)
{
	if (!strcmp(name, "glibc")) return GLIBC;
	if (!strcmp(name, "jemalloc")) return JEMALLOC;
	if (!strcmp(name, "tcmalloc")) return TCMALLOC;
	if (!strcmp(name, "mimalloc")) return MIMALLOC;
	return -1;
}

static inline const char *oracle_name(int owners)
{
	switch (owners) {
	case 0: return "nobody";
	case GLIBC: return "glibc";
	case JEMALLOC: return "jemalloc";
	case TCMALLOC: return "tcmalloc";
	case MIMALLOC: return "mimalloc";
	default: return "several";
	}
}

/* Minimal TAP-like reporting shared by the test programs. */
static int t_failed, t_run;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		t_run++;                                                        \
		if (!(cond)) {                                                  \
			t_failed++;                                             \
			printf("not ok %s:%d: ", __FILE__, __LINE__);           \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
		}                                                               \
	} while (0)

static inline int t_summary(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, t_run, t_failed);
	fflush(stdout);
	return t_failed ? 1 : 0;
}

/* malloc(n), checked to be served by the allocator EXPECTED (GLIBC, ...): the
 * block, for the caller to check further and free. */
static inline void *oracle_checked_malloc(int expected, size_t n)
{
	struct counters c = oracle_counters();
	void *p = malloc(n);
	int owners = oracle_owners(c, p, n);
	CHECK(owners == expected, "malloc(%zu) served by %s, expected %s", n, oracle_name(owners), oracle_name(expected));
	return p;
}

#endif
