/* Linked against 300 or more shared objects (built by the test build), all
 * loaded before libc.so.6: the shim must still find libc. */
#include <stdlib.h>

#include "oracle.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	oracle_init();
	int expected = oracle_parse(argv[1]);
	struct counters c = oracle_counters();
	void *p = malloc(100000);
	int owners = oracle_owners(c, p, 100000);
	CHECK(owners == expected, "served by %s, expected %s", oracle_name(owners), oracle_name(expected));
	CHECK(malloc_usable_size(p) >= 100000, "malloc_usable_size %zu", malloc_usable_size(p));
	free(p);
	return t_summary("objects");
}
