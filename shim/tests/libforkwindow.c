/* Linked into a test build of the shim's hook (MEMPROXY_TEST_HOOKS): forks
 * right after the decision was claimed, before anything else is recorded.
 * The child is a copy of a process whose decider it does not contain: its
 * first allocation must decide instead of waiting forever. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int forkwindow_child_status = -1;

void memproxy_test_after_claim(void)
{
	static int once;
	if (once++)
		return;
	pid_t child = fork();
	if (child == 0) {
		alarm(10);  /* a hang fails the test instead of blocking it */
		char *p = malloc(64);
		free(p);
		_exit(p ? 0 : 1);
	}
	int status = 0;
	if (child > 0 && waitpid(child, &status, 0) == child)
		forkwindow_child_status = status;
}
