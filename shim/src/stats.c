/* mallopt, mallinfo, mallinfo2, malloc_stats and malloc_info on the allocator
 * route. glibc's versions would describe glibc's arena, which serves nothing
 * there; these report the allocator's own figures where it has them:
 *   jemalloc  mallctl("stats.allocated"/"stats.mapped"), malloc_stats_print
 *   tcmalloc  MallocExtension_GetNumericProperty, its malloc_stats
 *   mimalloc  mi_process_info (committed bytes), mi_stats_print
 * docs/shim.md ("What each exported symbol does") lists what each field holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include "bytes.h"

#include "tables.h"

/* The figures every report is made of: bytes in use, bytes held from the system. */
struct figures {
	size_t in_use, held;
};

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
typedef int (*tc_property_fn)(const char *, size_t *);
typedef void (*mi_info_fn)(size_t *, size_t *, size_t *, size_t *, size_t *, size_t *, size_t *, size_t *);

static size_t je_read(const char *name)
{
	size_t v = 0, len = sizeof v;
	return ((mallctl_fn)mp_raw.stats_fn[0])(name, &v, &len, NULL, 0) == 0 ? v : 0;
}

static struct figures figures(void)
{
	struct figures f = { 0, 0 };
	switch (mp_raw.stats) {
	case MP_STATS_JEMALLOC: {
		/* The statistics are a snapshot taken when "epoch" is written. */
		uint64_t epoch = 1;
		size_t len = sizeof epoch;
		((mallctl_fn)mp_raw.stats_fn[0])("epoch", &epoch, &len, &epoch, len);
		f.in_use = je_read("stats.allocated");
		f.held = je_read("stats.mapped");
		break;
	}
	case MP_STATS_TCMALLOC: {
		tc_property_fn get = (tc_property_fn)mp_raw.stats_fn[0];
		get("generic.current_allocated_bytes", &f.in_use);
		get("generic.heap_size", &f.held);
		break;
	}
	case MP_STATS_MIMALLOC: {
		/* mimalloc counts no bytes in use outside its debug statistics:
		 * committed memory stands for both. */
		size_t elapsed, user, sys, rss, peak_rss, commit = 0, peak_commit, faults;
		((mi_info_fn)mp_raw.stats_fn[0])(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
		f.in_use = f.held = commit;
		break;
	}
	case MP_STATS_NONE:
		break;
	}
	if (f.held < f.in_use)
		f.held = f.in_use;
	return f;
}

/* glibc's tuning parameters mean nothing to another allocator (each has its
 * own: MALLOC_CONF, TCMALLOC_*, MIMALLOC_*): accepted and ignored, as glibc
 * answers, 1. */
static int alloc_mallopt(int param, int value)
{
	(void)param;
	(void)value;
	return 1;
}

static struct mallinfo2 alloc_mallinfo2(void)
{
	struct figures f = figures();
	struct mallinfo2 m;
	mp_memset(&m, 0, sizeof m);
	m.arena = f.held;
	m.uordblks = f.in_use;
	m.fordblks = f.held - f.in_use;
	return m;
}

static int clamp(size_t v)
{
	return v > INT_MAX ? INT_MAX : (int)v;
}

static struct mallinfo alloc_mallinfo(void)
{
	struct mallinfo2 m2 = alloc_mallinfo2();
	struct mallinfo m;
	mp_memset(&m, 0, sizeof m);
	m.arena = clamp(m2.arena);
	m.uordblks = clamp(m2.uordblks);
	m.fordblks = clamp(m2.fordblks);
	return m;
}

static void alloc_stats(void)
{
	int saved_errno = errno;  /* jemalloc's printer clears it; glibc's leaves it */
	switch (mp_raw.stats) {
	case MP_STATS_JEMALLOC:
		((void (*)(void *, void *, const char *))mp_raw.stats_fn[1])(NULL, NULL, NULL);
		break;
	case MP_STATS_TCMALLOC:
		((void (*)(void))mp_raw.stats_fn[1])();
		break;
	case MP_STATS_MIMALLOC:
		((void (*)(void *))mp_raw.stats_fn[1])(NULL);
		break;
	case MP_STATS_NONE:
		break;
	}
	errno = saved_errno;
}

static char *put_number(char *out, size_t v)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*out++ = digits[--n];
	return out;
}

/* glibc's outer element, with the allocator's two figures inside. */
static int alloc_info(int options, FILE *fp)
{
	if (options != 0)
		return EINVAL;
	struct figures f = figures();
	char text[256], *out = text;
	const char *parts[] = { "<malloc version=\"1\" allocator=\"", mp_raw.allocator, "\">\n<total type=\"in-use\" size=\"" };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		out = mp_stpcpy(out, parts[i]);
	out = put_number(out, f.in_use);
	out = mp_stpcpy(out, "\"/>\n<total type=\"held\" size=\"");
	out = put_number(out, f.held);
	out = mp_stpcpy(out, "\"/>\n</malloc>\n");
	return fputs(text, fp) < 0 ? -1 : 0;
}

void mp_stats_route(struct mp_route *t, const struct mp_object *holder)
{
	static const char *const names[][2] = {
		[MP_STATS_NONE] = { NULL, NULL },
		[MP_STATS_JEMALLOC] = { "mallctl", "malloc_stats_print" },
		[MP_STATS_TCMALLOC] = { "MallocExtension_GetNumericProperty", "malloc_stats" },
		[MP_STATS_MIMALLOC] = { "mi_process_info", "mi_stats_print" },
	};
	for (int i = 0; i < 2; i++) {
		const char *name = names[mp_raw.stats][i];
		mp_raw.stats_fn[i] = name && holder ? mp_object_symbol(holder, name) : NULL;
		if (name && !mp_raw.stats_fn[i])
			mp_raw.stats = MP_STATS_NONE;  /* an older build without it: no figures */
	}
	t->mallopt = alloc_mallopt;
	t->mallinfo = alloc_mallinfo;
	t->mallinfo2 = alloc_mallinfo2;
	t->stats = alloc_stats;
	t->info = alloc_info;
}
