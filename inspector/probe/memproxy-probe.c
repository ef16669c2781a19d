/* The probe `memproxy doctor --probe` runs under a proposed chain with MEMPROXY_DEBUG=1: one allocation
 * makes the shim decide and print its route line, which the doctor compares with its prediction.
 * It is the only program the doctor ever executes. */
#include <stdlib.h>

int main(void)
{
	void *volatile p = malloc(64);
	free(p);
	return p == NULL;
}
