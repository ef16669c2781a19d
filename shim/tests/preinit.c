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
		int expected = oracle_parse(argv[1]);
		struct counters c = oracle_counters();
		void *p = malloc(100000);
		int owners = oracle_owners(c, p, 100000);
		CHECK(owners == expected, "served by %s, expected %s", oracle_name(owners), oracle_name(expected));
		free(p);
	}
	return t_summary("preinit");
}
