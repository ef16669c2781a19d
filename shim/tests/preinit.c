/* Allocates from .preinit_array, before libc's initialiser has set environ:
 * the shim decides then, and must still see MEMPROXY_CONF and MEMPROXY_DEBUG.
 * run.sh checks the debug line; the program checks who served the block. */
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static void *early;

static void allocate_early(void)
{
	early = malloc(100);
}

__attribute__((section(".preinit_array"), used)) static void (*preinit)(void) = allocate_early;

int main(int argc, char **argv)
{
	CHECK(early != NULL, "allocation from .preinit_array");
	memset(early, 1, 100);
	free(early);
	if (argc == 2) {
		oracle_init();
		free(oracle_checked_malloc(oracle_parse(argv[1]), 100000));
	}
	return t_summary("preinit");
}
