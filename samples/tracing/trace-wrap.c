/* Link-time interposition: linked with -Wl,--wrap=malloc (and calloc,
 * realloc, free), the linker sends the program's references to __wrap_X and
 * makes __real_X the real one. Sees every call in the objects being linked,
 * none made from shared libraries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);

void *__wrap_malloc(size_t size)
{
	void *p = __real_malloc(size);
	fprintf(stderr, "trace: malloc(%zu) = %p\n", size, p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p = __real_calloc(n, size);
	fprintf(stderr, "trace: calloc(%zu, %zu) = %p\n", n, size, p);
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	uintptr_t was = (uintptr_t)old;  /* printing old after realloc is undefined */
	void *p = __real_realloc(old, size);
	fprintf(stderr, "trace: realloc(%#jx, %zu) = %p\n", (uintmax_t)was, size, p);
	return p;
}

void __wrap_free(void *p)
{
	fprintf(stderr, "trace: free(%p)\n", p);
	__real_free(p);
}
