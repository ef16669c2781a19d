/* Compile-time interposition: force-included (-include) into the program, so
 * each call site is rewritten by the preprocessor. Sees only code compiled
 * with it: calls made inside libc (strdup, getline) are not traced. */
#ifndef TRACE_MACRO_H
#define TRACE_MACRO_H
#include <stdlib.h>  /* declared before the macros exist, never re-read */

void *trace_malloc(size_t size, const char *file, int line);
void *trace_calloc(size_t n, size_t size, const char *file, int line);
void *trace_realloc(void *p, size_t size, const char *file, int line);
void trace_free(void *p, const char *file, int line);

#define malloc(size) trace_malloc(size, __FILE__, __LINE__)
#define calloc(n, size) trace_calloc(n, size, __FILE__, __LINE__)
#define realloc(p, size) trace_realloc(p, size, __FILE__, __LINE__)
#define free(p) trace_free(p, __FILE__, __LINE__)
#endif
