/* Allocations in constructors and destructors, and dlopen() of a library
 * whose constructor allocates: the program frees what the library made. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static char *early;

__attribute__((constructor)) static void before_main(void)
{
	early = malloc(1000);
	strcpy(early, "constructor");
}

__attribute__((destructor)) static void after_main(void)
{
	char *late = realloc(early, 5000);
	if (!late || strcmp(late, "constructor") != 0)
		_exit(3);
	free(late);
	void *x = malloc(100);
	free(x);
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: ctor LIBCTOR.so");
	CHECK(early && strcmp(early, "constructor") == 0, "constructor allocation intact");
	void *h = dlopen(argv[1], RTLD_NOW);
	CHECK(h != NULL, "dlopen %s: %s", argv[1], dlerror());
	if (!h)
		return t_summary("ctor");
	char **made = dlsym(h, "libctor_block");
	CHECK(made && *made && strcmp(*made, "libctor") == 0, "library constructor allocation");
	char *grown = realloc(*made, 100000);
	CHECK(grown && strcmp(grown, "libctor") == 0, "realloc of the library's block");
	free(grown);
	*made = NULL;
	CHECK(dlclose(h) == 0, "dlclose");
	/* A missing name makes dlsym allocate an error string through malloc. */
	CHECK(dlsym(RTLD_DEFAULT, "memproxy_no_such_symbol") == NULL && dlerror() != NULL, "dlsym miss");
	return t_summary("ctor");
}
