/* The C/POSIX contract of every exported function, whatever serves it. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static void fill_and_free(void *p, size_t n)
{
	memset(p, 0xa5, n);
	free(p);
}

int main(int argc, char **argv)
{
	/* "allocator": the allocator route's documented contract (docs/shim.md); glibc is laxer. */
	int allocator_route = argc == 2 && strcmp(argv[1], "allocator") == 0;
	/* volatile: the compiler must not see, and reject, the sizes. A 32-bit
	 * process can get SIZE_MAX / 2 bytes: ask for more than it can address. */
	volatile size_t huge = sizeof(size_t) == 8 ? SIZE_MAX / 2 : SIZE_MAX - 65536, quarter = SIZE_MAX / 4;
	void *p;

	free(NULL);
	errno = 0; CHECK(malloc(huge) == NULL && errno == ENOMEM, "malloc(huge): errno %d", errno);
	/* Above PTRDIFF_MAX: glibc fails with ENOMEM, mimalloc fails without
	 * setting errno. tcmalloc's 32-bit build serves such a block (2 GiB), and
	 * the allocator route serves what the allocator serves: there a block
	 * must be truly that large. */
	volatile size_t over = (size_t)PTRDIFF_MAX + 1;
#define OVER(what, expr)                                                                     \
	do {                                                                                 \
		errno = 0;                                                                   \
		void *r_ = (expr);                                                           \
		int e_ = errno;                                                              \
		CHECK(r_ ? allocator_route && malloc_usable_size(r_) >= over : e_ == ENOMEM, \
		      "%s: %p errno %d", what, r_, e_);                                      \
		free(r_);                                                                    \
	} while (0)
	OVER("malloc(PTRDIFF_MAX + 1)", malloc(over));
	OVER("calloc(1, PTRDIFF_MAX + 1)", calloc(1, over));
	OVER("realloc(NULL, PTRDIFF_MAX + 1)", realloc(NULL, over));
	errno = 0; CHECK(calloc(quarter, 8) == NULL && errno == ENOMEM, "calloc overflow: errno %d", errno);
	errno = 0; CHECK(calloc(1, huge) == NULL && errno == ENOMEM, "calloc(1,huge): errno %d", errno);
	errno = 0; CHECK(reallocarray(NULL, quarter, 8) == NULL && errno == ENOMEM, "reallocarray overflow");
	errno = 0; CHECK(realloc(NULL, huge) == NULL && errno == ENOMEM, "realloc(NULL,huge)");

	p = calloc(1000, 8);
	int zero = 1;
	for (size_t i = 0; i < 8000; i++)
		zero &= ((unsigned char *)p)[i] == 0;
	CHECK(zero, "calloc memory is zero");
	free(p);

	p = realloc(NULL, 10);
	CHECK(p != NULL, "realloc(NULL, 10)");
	memcpy(p, "0123456789", 10);
	p = realloc(p, 100000);
	CHECK(p && memcmp(p, "0123456789", 10) == 0, "realloc keeps contents");
	p = realloc(p, 5);
	CHECK(p && memcmp(p, "01234", 5) == 0, "realloc shrink keeps contents");
	errno = 0;
	void *q = realloc(p, huge);
	CHECK(q == NULL && errno == ENOMEM, "realloc(p, huge) fails with ENOMEM");
	free(q ? q : p);  /* a failed realloc leaves p valid */

	p = reallocarray(NULL, 10, 10);
	CHECK(p && malloc_usable_size(p) >= 100, "reallocarray(NULL,10,10)");
	free(p);
	CHECK(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL)");

	/* Bad alignments. */
	errno = 0; p = (void *)1;
	CHECK(posix_memalign(&p, 24, 10) == EINVAL && p == (void *)1, "posix_memalign(24) EINVAL, *out untouched");
	CHECK(posix_memalign(&p, sizeof(void *) / 2, 10) == EINVAL, "posix_memalign(sizeof(void *) / 2) EINVAL");
	CHECK(posix_memalign(&p, 0, 10) == EINVAL, "posix_memalign(0) EINVAL");
	CHECK(errno == 0, "posix_memalign leaves errno alone");
	CHECK(posix_memalign(&p, 64, huge) == ENOMEM, "posix_memalign(huge) ENOMEM");
	if (allocator_route) {
		errno = 0; CHECK(aligned_alloc(24, 48) == NULL && errno == EINVAL, "aligned_alloc(24) EINVAL");
		errno = 0; CHECK(aligned_alloc(0, 48) == NULL && errno == EINVAL, "aligned_alloc(0) EINVAL");
		errno = 0; CHECK(memalign(48, 48) == NULL && errno == EINVAL, "memalign(48) EINVAL");
	}
	errno = 0; CHECK(aligned_alloc(64, huge) == NULL && errno == ENOMEM, "aligned_alloc(huge) ENOMEM");
	errno = 0; CHECK(pvalloc(SIZE_MAX - 10) == NULL && errno == ENOMEM, "pvalloc overflow ENOMEM");

	/* Every alignment 16..64 KiB, with sizes that are multiples of it
	 * (mimalloc 2.0.9 misaligns those for 256-1024) and sizes that are not. */
	for (size_t a = 16; a <= 65536; a *= 2) {
		size_t sizes[] = { 1, a / 2, a, a + 1, 2 * a, 4 * a, 3 * a - 8 };
		for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			size_t n = sizes[i] ? sizes[i] : 1;
			p = NULL;
			CHECK(posix_memalign(&p, a, n) == 0 && aligned(p, a), "posix_memalign(%zu,%zu) = %p", a, n, p);
			fill_and_free(p, n);
			p = aligned_alloc(a, n);
			CHECK(p && aligned(p, a), "aligned_alloc(%zu,%zu) = %p", a, n, p);
			fill_and_free(p, n);
			p = memalign(a, n);
			CHECK(p && aligned(p, a) && malloc_usable_size(p) >= n, "memalign(%zu,%zu) = %p", a, n, p);
			fill_and_free(p, n);
		}
	}
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	p = valloc(100);
	CHECK(p && aligned(p, page), "valloc page aligned");
	free(p);
	p = pvalloc(100);
	CHECK(p && aligned(p, page) && malloc_usable_size(p) >= page, "pvalloc rounds up to a page");
	fill_and_free(p, page);
	p = pvalloc(0);
	CHECK(p && aligned(p, page), "pvalloc(0)");
	free(p);

	p = malloc(0);
	CHECK(p != NULL, "malloc(0) is a unique pointer");
	free(p);

	int t = malloc_trim(0);
	CHECK(t == 0 || t == 1, "malloc_trim returns 0 or 1: %d", t);
	return t_summary("contract");
}
