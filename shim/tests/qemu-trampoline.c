/* Runs TARGET (an aarch64 test program) under qemu-aarch64-static with the same arguments and environment, so
 * that tests/run.sh starts the aarch64 build's programs as it starts the host's. Linked statically: LD_PRELOAD
 * and the other loader variables pass through it (and through the static qemu) to the aarch64 ld.so untouched.
 * qemu reports TARGET as /proc/self/exe, so the shim sees the program's own name. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (args == NULL)
		return 127;
	args[0] = QEMU;
	args[1] = TARGET;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	execv(QEMU, args);
	perror(QEMU);
	return 127;
}
