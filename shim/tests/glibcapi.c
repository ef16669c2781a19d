/* glibcapi ROUTE-OWNER: glibc's other entry points follow the route.
 * - free(__libc_malloc(n)), cfree and the other __libc_* names mix no heaps;
 * - on the system route mallopt is glibc's: M_MMAP_MAX 0 makes glibc serve a
 *   large block from its heap (glibc's own mallinfo2 shows it);
 * - on the allocator route mallinfo2 reports the allocator's figures. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "glibc-names.h"
#include "oracle.h"

#define N 100000

int main(int argc, char **argv)
{
	int expected;
	if (argc != 2 || (expected = oracle_parse(argv[1])) < 0)
		return 2;
	oracle_init();
	struct counters c;
	void *p;
	c = oracle_counters(); p = __libc_malloc(N);
	CHECK(oracle_owners(c, p, N) == expected, "__libc_malloc served by %s", oracle_name(oracle_owners(c, p, N)));
	free(p);
	p = malloc(N); __libc_free(p);
	p = __libc_calloc(N, 1); cfree(p);
	p = __libc_realloc(malloc(10), N); free(p);
	p = __libc_memalign(64, N); free(p);
	p = __libc_valloc(N); free(p);
	p = __libc_pvalloc(N); free(p);
	p = malloc(N); cfree(p);

	if (expected == GLIBC) {
		CHECK(mallopt(M_MMAP_MAX, 0) == 1, "mallopt(M_MMAP_MAX, 0)");
		c = oracle_counters();
		p = malloc(8 << 20);
		memset(p, 1, 8 << 20);
		struct mallinfo2 mi = o_mallinfo2();
		CHECK(mi.hblkhd == 0 && mi.uordblks >= (8u << 20), "with M_MMAP_MAX 0 glibc serves 8 MiB from its heap: "
		      "uordblks %zu hblkhd %zu", mi.uordblks, mi.hblkhd);
		free(p);
	} else {
		p = malloc(8 << 20);
		memset(p, 1, 8 << 20);
		struct mallinfo2 mi = mallinfo2();
		CHECK(mi.uordblks >= (8u << 20), "mallinfo2 reports the allocator's figures: uordblks %zu", mi.uordblks);
		free(p);
	}
	return t_summary("glibcapi");
}
