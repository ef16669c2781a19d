/* Linked against 300 or more shared objects (built by the test build), all
 * loaded before libc.so.6: the shim must still find libc. */
#include <stdlib.h>

#include "oracle.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	oracle_init();
	void *p = oracle_checked_malloc(oracle_parse(argv[1]), 100000);
	CHECK(malloc_usable_size(p) >= 100000, "malloc_usable_size %zu", malloc_usable_size(p));
	free(p);
	return t_summary("objects");
}
