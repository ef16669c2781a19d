/* Every NULL from every allocating function sets errno to ENOMEM. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "oracle.h"

#define EXPECT_ENOMEM(what, expr)                                                        \
	do {                                                                             \
		errno = 0;                                                               \
		void *r_ = (expr);                                                       \
		CHECK(r_ == NULL && errno == ENOMEM, "%s: %p errno %d", what, r_, errno); \
		free(r_);                                                                \
	} while (0)

int main(void)
{
	/* A 32-bit process can get SIZE_MAX / 2 bytes: ask for more than it can address. */
	volatile size_t max = SIZE_MAX, huge = sizeof(size_t) == 8 ? SIZE_MAX / 2 : SIZE_MAX - 65536;
	size_t sizes[] = { max, huge, max - 4096 };
	for (int i = 0; i < 3; i++) {
		size_t n = sizes[i];
		EXPECT_ENOMEM("malloc", malloc(n));
		EXPECT_ENOMEM("calloc", calloc(1, n));
		EXPECT_ENOMEM("realloc(NULL)", realloc(NULL, n));
		void *p = malloc(10);
		errno = 0;
		void *q = realloc(p, n);
		CHECK(q == NULL && errno == ENOMEM, "realloc(p, %zu): errno %d", n, errno);
		free(q ? q : p);
		EXPECT_ENOMEM("reallocarray", reallocarray(NULL, n, 1));
		EXPECT_ENOMEM("memalign", memalign(64, n));
		EXPECT_ENOMEM("aligned_alloc", aligned_alloc(64, n));
		EXPECT_ENOMEM("valloc", valloc(n));
		EXPECT_ENOMEM("pvalloc", pvalloc(n));
	}
	return t_summary("nullerrno");
}
