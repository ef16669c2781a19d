/* Run with libforkwindow.so and the test build of the shim: the child forked
 * between the claim of the decision and anything else exits normally. */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "oracle.h"

int main(void)
{
	void *volatile first = malloc(1);
	free(first);
	int *status = dlsym(RTLD_DEFAULT, "forkwindow_child_status");
	CHECK(status && *status != -1, "the hook ran");
	if (status)
		CHECK(WIFEXITED(*status) && WEXITSTATUS(*status) == 0, "child forked right after the claim: status %#x (SIGALRM = hung)", *status);
	return t_summary("forkwindow");
}
