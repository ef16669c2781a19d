/* A multi-threaded allocation workload: threads pass blocks to each other, so
 * memory is freed by a thread other than the one that allocated it.
 * Usage: threads [THREADS [ROUNDS]]; prints a checksum that does not depend
 * on the allocator. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE 256

static struct {
	pthread_mutex_t lock;
	void *slot[QUEUE];
} handoff = { PTHREAD_MUTEX_INITIALIZER, { 0 } };

static int rounds = 100000;

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg, sum = 0;
	for (int r = 0; r < rounds; r++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t n = 8 + (seed >> 33) % 4000;
		unsigned char *p = malloc(n);
		memset(p, (int)(n & 0xff), n);
		pthread_mutex_lock(&handoff.lock);
		unsigned char **slot = (unsigned char **)&handoff.slot[(seed >> 20) % QUEUE];
		unsigned char *other = *slot;
		*slot = p;
		pthread_mutex_unlock(&handoff.lock);
		if (other) {
			sum += other[0];
			free(other);  /* often allocated by another thread */
		}
	}
	return (void *)(uintptr_t)sum;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (threads < 1 || threads > 64 || rounds < 1) {
		fprintf(stderr, "usage: threads [1-64 [ROUNDS]]\n");
		return 2;
	}
	pthread_t t[64];
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	size_t left = 0;
	for (int i = 0; i < QUEUE; i++) {
		left += handoff.slot[i] != NULL;
		free(handoff.slot[i]);
	}
	printf("threads=%d rounds=%d blocks left in the queue=%zu\n", threads, rounds, left);
	return 0;
}
