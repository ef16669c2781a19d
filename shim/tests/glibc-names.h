/* glibc's other names for the malloc family (libc.so.6's dynamic symbols), which
 * no header declares, for the test programs that call them (C and C++). */
#ifndef MEMPROXY_GLIBC_NAMES_H
#define MEMPROXY_GLIBC_NAMES_H

#include <malloc.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
void *__libc_malloc(size_t);
void __libc_free(void *);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void *__libc_valloc(size_t);
void *__libc_pvalloc(size_t);
struct mallinfo __libc_mallinfo(void);
int __libc_mallopt(int, int);
void cfree(void *);
#ifdef __cplusplus
}
#endif

/* cfree is a compatibility symbol only (no default version): bind to it the
 * way a program linked against an older glibc does. */
#if defined(__x86_64__)
__asm__(".symver cfree, cfree@GLIBC_2.2.5");
#elif defined(__i386__)
__asm__(".symver cfree, cfree@GLIBC_2.0");
#elif defined(__aarch64__)
__asm__(".symver cfree, cfree@GLIBC_2.17");
#endif

#endif
