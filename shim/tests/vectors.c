/* Runs the shared config test vectors (tests/config-vectors.tsv) through
 * the shim's own decision code. Format: see the header of that file.
 * With --profiles, prints the allocator table the code was compiled with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/memproxy.h"
#include "oracle.h"

#define MAX_OBJ 8
#define MAX_SYM 64

struct fake_chain {
	int count;
	int nsym[MAX_OBJ];
	const char *sym[MAX_OBJ][MAX_SYM];
};

/* The symbol's own entry stands for its address. */
static void *fake_find(void *ctx, int obj, const char *symbol)
{
	struct fake_chain *c = ctx;
	for (int i = 0; i < c->nsym[obj]; i++)
		if (strcmp(c->sym[obj][i], symbol) == 0)
			return &c->sym[obj][i];
	return NULL;
}

static void add_sym(struct fake_chain *c, const char *s)
{
	if (s && c->nsym[c->count - 1] < MAX_SYM)
		c->sym[c->count - 1][c->nsym[c->count - 1]++] = s;
}

/* "sym,sym;@jemalloc;..." - objects split by ';', names by ','; a leading
 * "!no-libc" says libc.so.6's malloc family was not found. */
static void parse_chain(char *text, struct fake_chain *c, int *no_libc)
{
	memset(c, 0, sizeof *c);
	*no_libc = strncmp(text, "!no-libc", 8) == 0;
	if (*no_libc)
		text += text[8] == ';' ? 9 : 8;
	if (strcmp(text, "-") == 0 || !text[0])
		return;
	for (char *obj = strtok(text, ";"); obj && c->count < MAX_OBJ; obj = strtok(NULL, ";")) {
		c->count++;
		for (char *s = obj; s && *s;) {
			char *comma = strchr(s, ',');
			if (comma)
				*comma = '\0';
			if (s[0] == '@') {
				for (int i = 0; mp_profiles[i].name; i++) {
					if (strcmp(mp_profiles[i].name, s + 1) != 0)
						continue;
					add_sym(c, mp_profiles[i].marker);
					for (int r = 0; r < MP_ROLES; r++)
						add_sym(c, mp_profiles[i].sym[r]);
				}
			} else {
				add_sym(c, s);
			}
			s = comma ? comma + 1 : NULL;
		}
	}
}

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

/* Decodes \n \r \t \0 \\ \xHH in place; returns the length. */
static size_t unescape(char *s)
{
	char *out = s;
	for (char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*out++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 't': *out++ = '\t'; break;
		case '0': *out++ = '\0'; break;
		case 'x': *out++ = (char)(hex(p[1]) * 16 + hex(p[2])); p += 2; break;
		default: *out++ = *p; break;
		}
	}
	return (size_t)(out - s);
}

/* The compiled-in allocator table as data/allocators.tsv's first nine fields (name, marker, the role
 * symbols), for tests/run.sh to compare with that file. */
static int print_profiles(void)
{
	for (int i = 0; mp_profiles[i].name; i++) {
		printf("%s\t%s", mp_profiles[i].name, mp_profiles[i].marker ? mp_profiles[i].marker : "-");
		for (int r = 0; r < MP_ROLES; r++)
			printf("\t%s", mp_profiles[i].sym[r] ? mp_profiles[i].sym[r] : "-");
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--profiles") == 0)
		return print_profiles();
	if (argc != 2) {
		fprintf(stderr, "usage: vectors FILE.tsv | vectors --profiles\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	static char line[1 << 20];
	int lineno = 0, vectors = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *field[8];
		int n = 0;
		for (char *p = line; n < 8; n++) {
			field[n] = p;
			char *tab = strchr(p, '\t');
			if (!tab) {
				n++;
				break;
			}
			*tab = '\0';
			p = tab + 1;
		}
		if (n != 8) {
			CHECK(0, "line %d: %d fields, expected 8", lineno, n);
			continue;
		}
		vectors++;
		struct mp_inputs in = { 0 };
		size_t conf_len = unescape(field[1]);
		if (strcmp(field[1], "!missing") == 0)
			in.status = MP_CONF_MISSING;
		else if (strcmp(field[1], "!unreadable") == 0)
			in.status = MP_CONF_UNREADABLE;
		else if (strcmp(field[1], "!not-regular") == 0)
			in.status = MP_CONF_NOT_REGULAR;
		else if (strcmp(field[1], "!too-large") == 0)
			in.status = MP_CONF_TOO_LARGE;
		else
			in.status = MP_CONF_OK;
		in.conf = field[1];
		in.conf_len = conf_len;
		in.exe_path = strcmp(field[2], "-") == 0 ? NULL : field[2];
		in.secure = strcmp(field[3], "1") == 0;
		struct fake_chain chain;
		parse_chain(field[4], &chain, &in.libc_missing);
		struct mp_chain mc = { chain.count, fake_find, &chain };
		struct mp_config cfg;
		struct mp_decision d;
		mp_config_of(&in, &cfg);
		mp_decide(&in, &mc, &cfg, &d);
		const char *route = d.route == MP_SYSTEM ? "system" : "allocator";
		CHECK(strcmp(route, field[5]) == 0 && strcmp(d.allocator, field[6]) == 0 &&
			      strcmp(d.reason, field[7]) == 0,
		      "vector %s (line %d): got route=%s allocator=%s reason=%s, expected %s %s %s", field[0],
		      lineno, route, d.allocator, d.reason, field[5], field[6], field[7]);
	}
	fclose(f);
	CHECK(vectors >= 30, "only %d vectors", vectors);
	return t_summary("vectors");
}
