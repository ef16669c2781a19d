/* Loaded by ctor.c with dlopen(): allocates in its constructor and destructor. */
#include <stdlib.h>
#include <string.h>

char *libctor_block;

__attribute__((constructor)) static void libctor_init(void)
{
	libctor_block = malloc(64);
	strcpy(libctor_block, "libctor");
}

__attribute__((destructor)) static void libctor_fini(void)
{
	free(libctor_block);  /* NULL when the program took it */
	free(strdup("libctor destructor"));
}
