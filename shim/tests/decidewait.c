/* Run with libdecidewait.so preloaded after the shim: a thread that
 * allocated during the decision waited for it, and a child forked during the
 * decision made its own. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "oracle.h"

static double seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

int main(void)
{
	void *volatile first = malloc(1);  /* the first allocation makes the shim decide */
	free(first);
	int *started = dlsym(RTLD_DEFAULT, "decidewait_started");
	CHECK(started && *started, "libdecidewait.so ran during the decision");
	if (!started || !*started)
		return t_summary("decidewait");
	pthread_t *thread = dlsym(RTLD_DEFAULT, "decidewait_thread");
	CHECK(pthread_join(*thread, NULL) == 0, "join the thread");
	struct timespec *released = dlsym(RTLD_DEFAULT, "decidewait_released");
	struct timespec *got = dlsym(RTLD_DEFAULT, "decidewait_thread_got");
	CHECK(seconds(got) >= seconds(released), "the thread's malloc returned %.3f s before the decision ended",
	      seconds(released) - seconds(got));
	int *status = dlsym(RTLD_DEFAULT, "decidewait_child_status");
	CHECK(WIFEXITED(*status) && WEXITSTATUS(*status) == 0, "child forked mid-decision: status %#x", *status);
	return t_summary("decidewait");
}
