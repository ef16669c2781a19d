/* Threads x malloc/realloc/free, with fork() in the threaded process. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oracle.h"

#define THREADS 8
#define ROUNDS 20000
#define SLOTS 64

static _Atomic int corrupt;

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	unsigned char *slot[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 };
	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)(rand_r(&seed) % SLOTS);
		size_t n = (size_t)(rand_r(&seed) % (r % 100 == 0 ? 200000 : 600)) + 1;
		if (slot[i] && slot[i][0] != (unsigned char)i)
			corrupt = 1;
		switch (rand_r(&seed) % 3) {
		case 0:
			free(slot[i]);
			slot[i] = malloc(n);
			break;
		case 1: {
			unsigned char *q = realloc(slot[i], n);
			if (!q)
				continue;
			slot[i] = q;
			break;
		}
		default:
			free(slot[i]);
			slot[i] = calloc(1, n);
			break;
		}
		len[i] = n;
		memset(slot[i], i, len[i]);
	}
	for (int i = 0; i < SLOTS; i++)
		free(slot[i]);
	return NULL;
}

static void *forker(void *arg)
{
	(void)arg;
	for (int k = 0; k < 20; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* The child allocates while other threads held the allocator at fork time. */
			for (int i = 0; i < 1000; i++) {
				char *s = malloc((size_t)i + 1);
				s = realloc(s, (size_t)i * 3 + 1);
				free(s);
			}
			_exit(0);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			corrupt = 2;
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS + 1];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	pthread_create(&t[THREADS], NULL, forker, NULL);
	for (int i = 0; i <= THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(corrupt == 0, "corruption or failed child: %d", corrupt);
	return t_summary("stress");
}
