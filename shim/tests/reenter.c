/* Run with libreenter.so preloaded after the shim: a block the shim served
 * from its bootstrap arena can be read, measured, reallocated and freed
 * whichever route was chosen, and the route still works. */
#include <dlfcn.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

int main(void)
{
	void *volatile first = malloc(1);  /* the first allocation makes the shim decide */
	free(first);
	char **block = dlsym(RTLD_DEFAULT, "reenter_block");
	CHECK(block && *block, "libreenter.so is preloaded and allocated");
	if (!block || !*block)
		return t_summary("reenter");
	const char *text = "allocated while the shim decided";
	CHECK(strcmp(*block, text) == 0, "arena block intact");
	CHECK(malloc_usable_size(*block) >= 100, "usable size of an arena block");
	char *grown = realloc(*block, 100000);
	CHECK(grown && strcmp(grown, text) == 0, "realloc moves an arena block out");
	free(grown);
	char *again = malloc(100);
	free(*block);  /* already moved: freeing an arena block is harmless */
	free(again);
	*block = NULL;
	void **aligned = dlsym(RTLD_DEFAULT, "reenter_aligned");
	CHECK(*aligned && (uintptr_t)*aligned % 8192 == 0, "memalign(8192) while deciding: %p", *aligned);
	free(*aligned);
	/* realloc(p, 0) of an arena block does what the route does with any block. */
	char **zero = dlsym(RTLD_DEFAULT, "reenter_zero");
	void *routed = realloc(malloc(10), 0);
	void *arena = realloc(*zero, 0);
	CHECK((routed == NULL) == (arena == NULL), "realloc(arena block, 0) = %p, realloc(block, 0) = %p", arena, routed);
	free(routed);
	free(arena);
	for (int i = 0; i < 1000; i++)
		free(realloc(malloc((size_t)i + 1), (size_t)i * 2 + 1));
	return t_summary("reenter");
}
