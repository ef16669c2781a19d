/* The few string and memory functions the shim needs, as small inline loops:
 * each of libc's is one more symbol ld.so must look up (and, for the
 * CPU-dispatched string functions, one more resolver to run) in every
 * process at start, for a handful of short strings (BENCHMARKS.md "Per-exec
 * cost"). The Makefile keeps the compiler from turning these loops back into
 * calls (-fno-tree-loop-distribute-patterns). */
#ifndef MEMPROXY_BYTES_H
#define MEMPROXY_BYTES_H

#include <stddef.h>

static inline size_t mp_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static inline int mp_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static inline int mp_strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

static inline int mp_strcmp(const char *a, const char *b)
{
	return mp_strncmp(a, b, (size_t)-1);
}

static inline void *mp_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return dst;
}

static inline void *mp_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s)
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	else
		for (size_t i = n; i > 0; i--)
			d[i - 1] = s[i - 1];
	return dst;
}

static inline void *mp_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	for (size_t i = 0; i < n; i++)
		d[i] = (unsigned char)c;
	return dst;
}

static inline const void *mp_memchr(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		if (s[i] == (unsigned char)c)
			return s + i;
	return NULL;
}

static inline const char *mp_strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (; *s; s++)
		if (*s == (char)c)
			last = s;
	return last;
}

static inline char *mp_stpcpy(char *dst, const char *src)
{
	while ((*dst = *src++) != '\0')
		dst++;
	return dst;
}

#endif
