/* Preloaded after the shim, this library interposes getauxval(), which the
 * shim calls while deciding, and allocates inside it: the shim re-enters its
 * own malloc mid-decision and must serve that from its bootstrap arena. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

char *reenter_block, *reenter_zero;
void *reenter_aligned;

unsigned long getauxval(unsigned long type)
{
	static unsigned long (*real)(unsigned long);
	if (!reenter_block) {
		reenter_block = malloc(100);
		strcpy(reenter_block, "allocated while the shim decided");
		reenter_zero = malloc(10);
		reenter_aligned = memalign(8192, 100);  /* beyond a page */
	}
	if (!real)
		real = (unsigned long (*)(unsigned long))dlsym(RTLD_NEXT, "getauxval");
	return real(type);
}
