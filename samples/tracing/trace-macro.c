/* The functions trace-macro.h sends calls to. Compiled without that header,
 * so malloc here is the real one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *trace_malloc(size_t size, const char *file, int line)
{
	void *p = malloc(size);
	fprintf(stderr, "trace: %s:%d malloc(%zu) = %p\n", file, line, size, p);
	return p;
}

void *trace_calloc(size_t n, size_t size, const char *file, int line)
{
	void *p = calloc(n, size);
	fprintf(stderr, "trace: %s:%d calloc(%zu, %zu) = %p\n", file, line, n, size, p);
	return p;
}

void *trace_realloc(void *old, size_t size, const char *file, int line)
{
	uintptr_t was = (uintptr_t)old;  /* printing old after realloc is undefined */
	void *p = realloc(old, size);
	fprintf(stderr, "trace: %s:%d realloc(%#jx, %zu) = %p\n", file, line, (uintmax_t)was, size, p);
	return p;
}

void trace_free(void *p, const char *file, int line)
{
	fprintf(stderr, "trace: %s:%d free(%p)\n", file, line, p);
	free(p);
}
