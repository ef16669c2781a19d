/* memproxy.conf grammar and the route decision. Pure functions: no I/O, no
 * allocation, no libc state, so the test vectors run them unchanged.
 * The grammar is written down in memproxy.conf(5). */
#include <stdint.h>

#include "bytes.h"

#include "memproxy.h"
#include "profiles.h"

/* The table is data/allocators.tsv (shared with the inspector); the build writes it as
 * MP_PROFILES into profiles.h (data/gen-profiles). */
const struct mp_profile mp_profiles[] = MP_PROFILES;

static const char *const role_names[MP_ROLES] = {
	"malloc", "free", "calloc", "realloc", "memalign", "usable_size", "trim"
};

const char *mp_role_name(enum mp_role role)
{
	return role_names[role];
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A UTF-8 byte-order mark at the start of the file is skipped. */
static size_t bom(const char *buf, size_t len)
{
	return len >= 3 && mp_memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Unicode blanks beyond ASCII, UTF-8 encoded: U+0085, U+00A0, U+1680,
 * U+2000-U+200B, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF. A line
 * holding one is invalid (the file is bad-config): "\u00A0@allocator none"
 * or a name with a no-break space is a pasting accident, and reading it
 * either as a name or as a directive could send a program to the allocator
 * against what was written. The byte length of the blank at p, or 0. */
static size_t unicode_blank(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if ((p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) ||
	    (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8B || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) ||
	    (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return 3;
	return 0;
}

/* Eight bytes at a time: every process reads the list at start, and most of
 * it is comments (BENCHMARKS.md "Per-exec cost"). */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static uint64_t load8(const char *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

/* The offset of the first '\n' in p[0..n), or n. */
static size_t line_end(const char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v = load8(p + i) ^ (ONES * '\n');
		uint64_t zero = (v - ONES) & ~v & HIGHS;  /* a zero byte: a '\n' in these eight */
		if (zero) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* The lowest flagged byte is the first zero (only bytes after it can be flagged falsely). */
			return i + (size_t)__builtin_ctzll(zero) / 8;
#else
			break;
#endif
		}
	}
	for (; i < n; i++)
		if (p[i] == '\n')
			return i;
	return n;
}

/* The offset of the first byte >= 0x80 in p[0..n), or n. */
static size_t ascii_prefix(const char *p, size_t n)
{
	size_t i = 0;
	while (i + 8 <= n && !(load8(p + i) & HIGHS))
		i += 8;
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	return i;
}

static int has_unicode_blank(const char *p, size_t n)
{
	for (size_t i = ascii_prefix(p, n); i < n; i++)
		if ((unsigned char)p[i] >= 0x80 && unicode_blank((const unsigned char *)p + i, n - i))
			return 1;
	return 0;
}

/* A line with its surrounding blanks removed. */
struct span {
	const char *p;
	size_t n;
};

static int next_line(const char *buf, size_t len, size_t *pos, struct span *line)
{
	if (*pos >= len)
		return 0;
	const char *start = buf + *pos;
	size_t n = line_end(start, len - *pos);
	*pos += n + 1;
	while (n > 0 && is_blank(start[0])) {
		start++;
		n--;
	}
	while (n > 0 && is_blank(start[n - 1]))
		n--;
	line->p = start;
	line->n = n;
	return 1;
}

/* Splits off the next blank-separated word of s. */
static int next_word(struct span *s, struct span *word)
{
	while (s->n > 0 && is_blank(*s->p)) {
		s->p++;
		s->n--;
	}
	if (s->n == 0)
		return 0;
	word->p = s->p;
	while (s->n > 0 && !is_blank(*s->p)) {
		s->p++;
		s->n--;
	}
	word->n = (size_t)(s->p - word->p);
	return 1;
}

static int is_word(struct span w, const char *lit)
{
	return w.n == mp_strlen(lit) && mp_memcmp(w.p, lit, w.n) == 0;
}

static int is_comment(struct span line)
{
	return line.n == 0 || line.p[0] == '#' || line.p[0] == ';';
}

/* "@allocator VALUE" | "@secure system|allocator" | "@symbol ROLE NAME". 0 when invalid. */
static int parse_directive(struct span line, struct mp_config *cfg)
{
	struct span rest = { line.p + 1, line.n - 1 }, key, val, name, extra;
	if (!next_word(&rest, &key) || !next_word(&rest, &val))
		return 0;
	if (is_word(key, "allocator")) {
		if (next_word(&rest, &extra))
			return 0;
		if (is_word(val, "auto")) {
			cfg->mode = MP_AUTO;
			return 1;
		}
		if (is_word(val, "none")) {
			cfg->mode = MP_NONE;
			return 1;
		}
		if (is_word(val, "custom")) {
			cfg->mode = MP_CUSTOM;
			return 1;
		}
		for (int i = 0; mp_profiles[i].name; i++) {
			if (is_word(val, mp_profiles[i].name)) {
				cfg->mode = MP_NAMED;
				cfg->profile = i;
				return 1;
			}
		}
		return 0;
	}
	if (is_word(key, "secure")) {
		if (next_word(&rest, &extra))
			return 0;
		if (is_word(val, "system"))
			cfg->secure_allocator = 0;
		else if (is_word(val, "allocator"))
			cfg->secure_allocator = 1;
		else
			return 0;
		return 1;
	}
	if (is_word(key, "symbol")) {
		if (!next_word(&rest, &name) || next_word(&rest, &extra) || name.n >= MP_NAME_MAX ||
		    mp_memchr(name.p, '\0', name.n))
			return 0;
		for (int r = 0; r < MP_ROLES; r++) {
			if (is_word(val, role_names[r])) {
				mp_memcpy(cfg->custom[r], name.p, name.n);
				cfg->custom[r][name.n] = '\0';
				return 1;
			}
		}
		return 0;
	}
	return 0;
}

void mp_config_parse(const char *buf, size_t len, struct mp_config *cfg)
{
	/* Not the whole struct: each name is written with its NUL (every process
	 * parses the list at start, BENCHMARKS.md "Per-exec cost"). */
	cfg->bad = 0;
	cfg->mode = MP_AUTO;
	cfg->profile = -1;
	cfg->secure_allocator = 0;
	cfg->names = 0;
	for (int r = 0; r < MP_ROLES; r++)
		cfg->custom[r][0] = '\0';
	size_t pos = bom(buf, len);
	/* A list in ASCII (the installed one) holds no Unicode blank: one pass over the file, not one per line. */
	int ascii = pos + ascii_prefix(buf + pos, len - pos) == len;
	struct span line;
	while (next_line(buf, len, &pos, &line)) {
		if (!ascii && has_unicode_blank(line.p, line.n))
			cfg->bad = 1;
		else if (is_comment(line))
			continue;
		else if (line.p[0] != '@')
			cfg->names++;
		else if (!parse_directive(line, cfg))
			cfg->bad = 1;
	}
	if (cfg->mode == MP_CUSTOM) {
		for (int r = 0; r < MP_TRIM; r++)
			if (!cfg->custom[r][0])
				cfg->bad = 1;
	}
}

int mp_config_lists(const char *buf, size_t len, const char *exe_path)
{
	const char *slash = mp_strrchr(exe_path, '/');
	const char *base = slash ? slash + 1 : exe_path;
	size_t base_n = mp_strlen(base);
	size_t pos = bom(buf, len);
	struct span line;
	while (next_line(buf, len, &pos, &line)) {
		if (is_comment(line) || line.p[0] == '@')
			continue;
		/* Names only: a line with a '/' can never equal a file name. */
		if (line.n == base_n && mp_memcmp(line.p, base, base_n) == 0)
			return 1;
	}
	return 0;
}

static void route(struct mp_decision *out, enum mp_route_kind r, const char *allocator,
		  const char *reason)
{
	out->route = r;
	out->allocator = allocator;
	out->reason = reason;
}

/* 1 when obj defines the profile's marker and every role but trim, whose
 * functions are then in fn. */
static int object_has_profile(const struct mp_chain *chain, int obj, const struct mp_profile *p, void **fn)
{
	if (p->marker && !chain->find(chain->ctx, obj, p->marker))
		return 0;
	for (int r = 0; r < MP_TRIM; r++)
		if (!(fn[r] = chain->find(chain->ctx, obj, p->sym[r])))
			return 0;
	fn[MP_TRIM] = NULL;
	return 1;
}

/* The first definition of symbol in load order, or NULL. */
static void *chain_find(const struct mp_chain *chain, const char *symbol)
{
	for (int obj = 0; obj < chain->count; obj++) {
		void *f = chain->find(chain->ctx, obj, symbol);
		if (f)
			return f;
	}
	return NULL;
}

/* A process whose libc.so.6 malloc family cannot be found has no system
 * route, so the list cannot be honoured: the first allocator in the chain
 * serves it (reason=libc-missing), and with none the process cannot be
 * served at all (memproxy.c stops it with a message). */
static void libc_missing(const struct mp_chain *chain, struct mp_decision *out)
{
	for (int obj = 0; obj < chain->count; obj++) {
		for (int i = 0; mp_profiles[i].name; i++) {
			if (object_has_profile(chain, obj, &mp_profiles[i], out->fn)) {
				out->profile = i;
				out->object = obj;
				return route(out, MP_ALLOCATOR, mp_profiles[i].name, "libc-missing");
			}
		}
	}
	route(out, MP_SYSTEM, "none", "libc-missing");
}

void mp_config_of(const struct mp_inputs *in, struct mp_config *cfg)
{
	mp_config_parse(in->status == MP_CONF_OK ? in->conf : "", in->status == MP_CONF_OK ? in->conf_len : 0, cfg);
}

/* The rules in the order of the decision table in memproxy.conf(5), DECISION, the table's one home. */
void mp_decide(const struct mp_inputs *in, const struct mp_chain *chain,
	       const struct mp_config *cfg, struct mp_decision *out)
{
	static const char *const status_reason[] = {
		[MP_CONF_UNREADABLE] = "config-unreadable",
		[MP_CONF_NOT_REGULAR] = "config-not-regular",
		[MP_CONF_TOO_LARGE] = "config-too-large",
	};
	out->profile = -1;
	out->object = -1;

	if (in->libc_missing)
		return libc_missing(chain, out);
	if (in->status != MP_CONF_OK && in->status != MP_CONF_MISSING)
		return route(out, MP_SYSTEM, "none", status_reason[in->status]);
	if (cfg->bad)
		return route(out, MP_SYSTEM, "none", "bad-config");
	if (in->secure && !cfg->secure_allocator)
		return route(out, MP_SYSTEM, "none", "secure-exec");
	/* A list of directives and comments only (the installed one) names no
	 * program: the executable's name is not needed, and not read (memproxy.c). */
	if (cfg->names && !in->exe_path)
		return route(out, MP_SYSTEM, "none", "exe-unknown");
	if (cfg->names && mp_config_lists(in->conf, in->conf_len, in->exe_path))
		return route(out, MP_SYSTEM, "none", "excluded");
	if (cfg->mode == MP_NONE)
		return route(out, MP_SYSTEM, "none", "forced");

	const char *ok = in->status == MP_CONF_MISSING ? "no-config" : "not-excluded";
	if (cfg->mode == MP_CUSTOM) {
		for (int r = 0; r < MP_ROLES; r++) {
			out->fn[r] = cfg->custom[r][0] ? chain_find(chain, cfg->custom[r]) : NULL;
			if (cfg->custom[r][0] && !out->fn[r])
				return route(out, MP_SYSTEM, "none", "allocator-missing");
		}
		return route(out, MP_ALLOCATOR, "custom", ok);
	}
	for (int obj = 0; obj < chain->count; obj++) {
		for (int i = 0; mp_profiles[i].name; i++) {
			if (cfg->mode == MP_NAMED && i != cfg->profile)
				continue;
			if (object_has_profile(chain, obj, &mp_profiles[i], out->fn)) {
				out->profile = i;
				out->object = obj;
				return route(out, MP_ALLOCATOR, mp_profiles[i].name, ok);
			}
		}
	}
	return route(out, MP_SYSTEM, "none",
		     cfg->mode == MP_NAMED ? "allocator-missing" : "no-allocator");
}
