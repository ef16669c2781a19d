/* Starts an aarch64 program under qemu-aarch64-static with the same arguments and environment, so that
 * tests/run.sh starts aarch64 programs as it starts the host's. Linked statically: LD_PRELOAD and the other
 * loader variables pass through it (and through the static qemu) to the aarch64 ld.so untouched.
 * Two forms:
 *   -DTARGET=path  runs that program (the shim's test programs). qemu reports TARGET as /proc/self/exe, so
 *                  the shim sees the program's own name.
 *   -DROOT=dir     runs the program named like the trampoline (the last part of argv[0]; one trampoline,
 *                  linked under each name) from dir/usr/bin or dir/bin, with qemu's -L dir: the libraries
 *                  unpacked in dir first, then this machine's arm64 ones (the real programs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 4, sizeof *args);
	int n = 0;
	if (args == NULL)
		return 127;
	args[n++] = QEMU;
#ifdef ROOT
	static char path[4096];
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	snprintf(path, sizeof path, "%s/usr/bin/%s", ROOT, name);
	if (access(path, X_OK) != 0)
		snprintf(path, sizeof path, "%s/bin/%s", ROOT, name);
	args[n++] = "-L";
	args[n++] = ROOT;
	args[n++] = path;
#else
	args[n++] = TARGET;
#endif
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	execv(QEMU, args);
	perror(QEMU);
	return 127;
}
