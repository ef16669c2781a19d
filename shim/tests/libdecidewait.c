/* Preloaded after the shim, this library interposes getauxval(), which the
 * shim calls while deciding (AT_SECURE), and uses that moment to start a
 * thread and fork a child, then stalls the decision for 200 ms:
 * - the thread allocates while the decision runs: it must wait for it;
 * - the child is a copy of a process caught mid-decision: with no decider
 *   left, its first allocation must decide itself instead of waiting forever. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pthread_t decidewait_thread;
int decidewait_started;
int decidewait_child_status = -1;
struct timespec decidewait_released;  /* when getauxval let the decision go on */
struct timespec decidewait_thread_got; /* when the thread's malloc returned */

static void *allocate_during_decision(void *arg)
{
	(void)arg;
	char *p = malloc(1000);
	clock_gettime(CLOCK_MONOTONIC, &decidewait_thread_got);
	strcpy(p, "thread");
	p = realloc(p, 100000);
	free(p);
	return NULL;
}

unsigned long getauxval(unsigned long type)
{
	static unsigned long (*real)(unsigned long);
	if (!real)
		real = (unsigned long (*)(unsigned long))dlsym(RTLD_NEXT, "getauxval");
	if (type == AT_SECURE && !decidewait_started) {
		decidewait_started = 1;
		pid_t child = fork();
		if (child == 0) {
			alarm(10);  /* a hang fails the test instead of blocking it */
			char *p = malloc(64);
			p = realloc(p, 4096);
			free(p);
			_exit(p ? 0 : 1);
		}
		pthread_create(&decidewait_thread, NULL, allocate_during_decision, NULL);
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		int status = 0;
		if (child > 0 && waitpid(child, &status, 0) == child)
			decidewait_child_status = status;
		clock_gettime(CLOCK_MONOTONIC, &decidewait_released);
	}
	return real(type);
}
