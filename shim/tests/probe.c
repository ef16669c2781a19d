/* probe EXPECTED [no-trim]: every function of the malloc family, and memory libc
 * allocates for the caller, must be served by EXPECTED (glibc, jemalloc,
 * tcmalloc or mimalloc) and by nothing else; freeing it must work. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"

#define N 100000  /* below glibc's mmap threshold, so mallinfo2 counts it in uordblks */

static int expected;

static void expect(const char *what, struct counters before, void *p, size_t n)
{
	int owners = oracle_owners(before, p, n);
	CHECK(p != NULL, "%s returned NULL", what);
	CHECK(owners == expected, "%s: served by %s, expected %s", what, oracle_name(owners),
	      oracle_name(expected));
}

int main(int argc, char **argv)
{
	int no_trim = argc == 3 && strcmp(argv[2], "no-trim") == 0;
	if (argc < 2 || argc > 2 + no_trim || (expected = oracle_parse(argv[1])) < 0) {
		fprintf(stderr, "usage: probe glibc|jemalloc|tcmalloc|mimalloc [no-trim]\n");
		return 2;
	}
	oracle_init();
	struct counters c;
	void *p;

	c = oracle_counters(); p = malloc(N); expect("malloc", c, p, N); free(p);
	c = oracle_counters(); p = calloc(N / 4, 4); expect("calloc", c, p, N); free(p);
	c = oracle_counters(); p = realloc(NULL, N); expect("realloc(NULL)", c, p, N);
	c = oracle_counters(); p = realloc(p, 2 * N); expect("realloc grow", c, p, N); free(p);
	c = oracle_counters(); p = reallocarray(NULL, N, 1); expect("reallocarray", c, p, N); free(p);
	c = oracle_counters(); p = memalign(4096, N); expect("memalign", c, p, N); free(p);
	c = oracle_counters(); p = aligned_alloc(256, N); expect("aligned_alloc", c, p, N); free(p);
	c = oracle_counters(); p = NULL; CHECK(posix_memalign(&p, 64, N) == 0, "posix_memalign");
	expect("posix_memalign", c, p, N); free(p);
	c = oracle_counters(); p = valloc(N); expect("valloc", c, p, N); free(p);
	c = oracle_counters(); p = pvalloc(N); expect("pvalloc", c, p, N); free(p);
	p = malloc(N);
	CHECK(malloc_usable_size(p) >= N, "malloc_usable_size %zu < %d", malloc_usable_size(p), N);
	free(p);

	/* Memory libc allocates on the program's behalf, freed by the program. */
	char *big = malloc(N + 1);
	memset(big, 'x', N);
	big[N] = '\0';
	c = oracle_counters(); p = strdup(big); expect("strdup", c, p, N); free(p);
	c = oracle_counters(); char *s = NULL;
	CHECK(asprintf(&s, "%s", big) == N, "asprintf"); expect("asprintf", c, s, N); free(s);
	char *ms = NULL;
	size_t ms_len = 0;
	FILE *f = open_memstream(&ms, &ms_len);
	fputs(big, f);
	fclose(f);
	CHECK(ms_len == N, "open_memstream length %zu", ms_len);
	free(ms);
	char tmpl[] = "/tmp/memproxy-probe-XXXXXX";
	int fd = mkstemp(tmpl);
	CHECK(fd >= 0 && write(fd, big, N) == N && write(fd, "\n", 1) == 1, "write %s", tmpl);
	close(fd);
	f = fopen(tmpl, "r");
	char *line = NULL;
	size_t cap = 0;
	c = oracle_counters();
	CHECK(f && getline(&line, &cap, f) == N + 1, "getline");
	expect("getline", c, line, N);
	free(line);
	fclose(f);
	unlink(tmpl);
	free(big);
	/* Under an allocator, malloc_trim asks it to return memory and says so;
	 * with no trim function (no-trim) it is a no-op returning 0. */
	int trimmed = malloc_trim(0);
	if (no_trim)
		CHECK(trimmed == 0, "malloc_trim without a trim function returned %d", trimmed);
	else
		CHECK(expected == GLIBC ? trimmed == 0 || trimmed == 1 : trimmed == 1, "malloc_trim returned %d", trimmed);
	return t_summary("probe");
}
