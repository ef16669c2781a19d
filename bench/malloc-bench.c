/* malloc/free/realloc microbenchmark.
 * Usage: malloc-bench small|medium THREADS ITERATIONS
 * Each iteration frees one of 256 live blocks, allocates a new one, touches
 * it, and every 8th iteration reallocates it to twice its size. Prints the
 * CPU time per iteration in nanoseconds (all threads' CPU time over all their
 * iterations, the loop only): on a shared machine, time spent preempted by
 * other jobs does not count, unlike wall-clock time. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t sizes[1024];
static long iterations;

static void *loop(void *arg)
{
	(void)arg;
	void *slot[256] = { 0 };
	for (long i = 0; i < iterations; i++) {
		size_t n = sizes[i & 1023];
		unsigned s = (unsigned)(i * 7) & 255;
		free(slot[s]);
		char *p = malloc(n);
		p[0] = (char)i;
		if ((i & 7) == 0) {
			char *q = realloc(p, 2 * n);
			if (q)
				p = q;
		}
		slot[s] = p;
	}
	for (int s = 0; s < 256; s++)
		free(slot[s]);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: malloc-bench small|medium THREADS ITERATIONS\n");
		return 2;
	}
	int medium = strcmp(argv[1], "medium") == 0, threads = atoi(argv[2]);
	iterations = atol(argv[3]);
	if (threads < 1 || threads > 16 || iterations < 1)
		return 2;
	uint32_t x = 12345;
	for (int i = 0; i < 1024; i++) {
		x = x * 1103515245u + 12345u;
		sizes[i] = medium ? 1024 + (x >> 8) % (15 * 1024) : 16 + (x >> 8) % 113;
	}
	pthread_t t[16];
	struct timespec a, b;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, loop, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("%.2f\n", ns / ((double)iterations * threads));
	return 0;
}
