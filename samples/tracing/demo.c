/* The program every tracing method observes: a few allocations, nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *a = malloc(100);
	char *b = calloc(10, 10);
	a = realloc(a, 1000);
	strcpy(a, "traced");
	free(b);
	free(a);
	puts("demo done");
	return 0;
}
