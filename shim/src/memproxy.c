/* libmemproxy.so: the exported malloc family, the bootstrap arena and the
 * once-per-process decision. Behaviour: memproxy.conf(5), README "The shim". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elfsym.h"
#include "memproxy.h"
#include "route.h"

#ifndef MEMPROXY_CONFIG_PATH
#define MEMPROXY_CONFIG_PATH "/etc/memproxy.conf"
#endif

/* ---------------------------------------------------------------- arena */

_Alignas(4096) unsigned char mp_arena[MP_ARENA_SIZE];
static _Atomic size_t arena_used;

/* Bump allocation; the block size sits in the word before the block. Blocks
 * are never reused: the arena only serves calls made before the route is
 * known, and static storage is already zero for calloc. */
static void *arena_alloc(size_t alignment, size_t size)
{
	if (alignment < 16)
		alignment = 16;
	if (size > MP_ARENA_SIZE || alignment > 4096) {
		errno = ENOMEM;
		return NULL;
	}
	size_t old = atomic_load(&arena_used), start, end;
	do {
		start = (old + sizeof(size_t) + alignment - 1) & ~(alignment - 1);
		end = start + ((size + 15) & ~(size_t)15);
		if (end > MP_ARENA_SIZE) {
			errno = ENOMEM;
			return NULL;
		}
	} while (!atomic_compare_exchange_weak(&arena_used, &old, end));
	((size_t *)(mp_arena + start))[-1] = size;
	return mp_arena + start;
}

static size_t arena_size(const void *p)
{
	return ((const size_t *)p)[-1];
}

/* ----------------------------------------------------------- the route */

enum { UNINIT, DECIDING, ROUTED };
static _Atomic int state = UNINIT;
static _Atomic pid_t decider_tid, decider_pid;

static void decide(void);

/* 1 once the route is set; 0 when the caller is the deciding thread
 * re-entering (serve it from the arena). Other threads arriving while the
 * decision runs wait for it: it takes microseconds and never blocks. */
static int ready(void)
{
	if (atomic_load_explicit(&state, memory_order_acquire) == ROUTED)
		return 1;
	pid_t tid = (pid_t)syscall(SYS_gettid), pid = (pid_t)syscall(SYS_getpid);
	int expected = UNINIT;
	if (atomic_compare_exchange_strong(&state, &expected, DECIDING)) {
		atomic_store(&decider_pid, pid);
		atomic_store(&decider_tid, tid);
		decide();
		atomic_store_explicit(&state, ROUTED, memory_order_release);
		return 1;
	}
	if (atomic_load(&decider_tid) == tid)
		return 0;
	while (atomic_load_explicit(&state, memory_order_acquire) != ROUTED) {
		pid_t owner = atomic_load(&decider_pid);
		if (owner && owner != pid) {
			/* fork() in another thread during the decision: this child
			 * has no decider any more, so it decides itself. */
			atomic_store(&decider_pid, pid);
			atomic_store(&decider_tid, tid);
			decide();
			atomic_store_explicit(&state, ROUTED, memory_order_release);
			return 1;
		}
		syscall(SYS_sched_yield);
	}
	return 1;
}

static void *boot_malloc(size_t size)
{
	return ready() ? ROUTE(malloc)(size) : arena_alloc(16, size);
}

static void *arena_realloc(void *p, size_t size);

static void boot_free(void *p)
{
	if (!IN_ARENA(p) && ready())
		ROUTE(free)(p);
}

static void *boot_calloc(size_t n, size_t size)
{
	return ready() ? ROUTE(calloc)(n, size) : arena_alloc(16, n * size);
}

static void *boot_realloc(void *p, size_t size)
{
	if (IN_ARENA(p))
		return arena_realloc(p, size);
	if (ready())
		return ROUTE(realloc)(p, size);
	return p ? NULL : arena_alloc(16, size);  /* no other block exists before the decision */
}

static void *boot_memalign(size_t alignment, size_t size)
{
	return ready() ? ROUTE(memalign)(alignment, size) : arena_alloc(alignment, size);
}

static size_t boot_usable_size(void *p)
{
	return ready() ? ROUTE(usable_size)(p) : 0;
}

static int boot_trim(size_t pad)
{
	return ready() ? ROUTE(trim)(pad) : 0;
}

struct mp_route mp_route = {
	boot_malloc, boot_free, boot_calloc, boot_realloc, boot_memalign, boot_usable_size, boot_trim,
};

/* ------------------------------------------------- malloc_trim adapters */

static void *trim_target;

static int trim_none(size_t pad)
{
	(void)pad;
	return 0;
}

static int trim_mallctl(size_t pad)
{
	(void)pad;
	int (*mallctl)(const char *, void *, size_t *, void *, size_t) = trim_target;
	/* 4096 is MALLCTL_ARENAS_ALL in jemalloc 5 (jemalloc_macros.h). */
	return mallctl("arena.4096.purge", NULL, NULL, NULL, 0) == 0;
}

static int trim_void(size_t pad)
{
	(void)pad;
	((void (*)(void))trim_target)();
	return 1;
}

static int trim_bool(size_t pad)
{
	(void)pad;
	((void (*)(bool))trim_target)(true);
	return 1;
}

/* ------------------------------------------- wrappers, only when needed */

/* The allocator's own free and realloc. The route points at them directly
 * unless the arena was used or the allocator's realloc misses errno: then at
 * the wrappers below, so the common hot path has no test at all. */
static void (*raw_free)(void *);
static void *(*raw_realloc)(void *, size_t);

static void checked_free(void *p)
{
	if (!IN_ARENA(p))
		raw_free(p);
}

static void *checked_realloc(void *p, size_t size)
{
	if (IN_ARENA(p))
		return arena_realloc(p, size);
	void *q = raw_realloc(p, size);
	/* jemalloc fails a huge growth without setting errno. */
	if (q == NULL && size != 0)
		errno = ENOMEM;
	return q;
}

/* --------------------------------------------------------- the decision */

static struct mp_objects objects;
static int chain_index[MP_MAX_OBJECTS];   /* chain object -> objects.obj index */
static char exe_path[PATH_MAX];
static char conf_buf[MP_CONF_MAX + 1];

static int chain_has(void *ctx, int object, const char *symbol)
{
	(void)ctx;
	return mp_object_symbol(&objects.obj[chain_index[object]], symbol) != NULL;
}

static enum mp_config_status read_config(const char *path, size_t *len)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? MP_CONF_MISSING : MP_CONF_UNREADABLE;
	struct stat st;
	enum mp_config_status status = MP_CONF_OK;
	if (fstat(fd, &st) != 0)  /* SYS_fstat on i386 fills the old kernel layout, not struct stat */
		status = MP_CONF_UNREADABLE;
	else if (!S_ISREG(st.st_mode))
		status = MP_CONF_NOT_REGULAR;
	else if (st.st_size > MP_CONF_MAX)
		status = MP_CONF_TOO_LARGE;
	*len = 0;
	while (status == MP_CONF_OK) {
		long n = syscall(SYS_read, fd, conf_buf + *len, sizeof conf_buf - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			status = MP_CONF_UNREADABLE;
		else if (n == 0)
			break;
		else if ((*len += (size_t)n) > MP_CONF_MAX)
			status = MP_CONF_TOO_LARGE;  /* grew while being read */
	}
	syscall(SYS_close, fd);
	return status;
}

static const char *exe_name(void)
{
	long n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe_path, sizeof exe_path - 1);
	if (n <= 0 || n >= (long)sizeof exe_path - 1)
		return NULL;
	exe_path[n] = '\0';
	static const char deleted[] = " (deleted)";
	if ((size_t)n > sizeof deleted && strcmp(exe_path + n - (sizeof deleted - 1), deleted) == 0)
		exe_path[n - (sizeof deleted - 1)] = '\0';
	return exe_path;
}

static int debug_wanted(void)
{
	const char *v = getenv("MEMPROXY_DEBUG");
	return v && v[0] && strcmp(v, "0") != 0;
}

static char *put(char *out, char *end, const char *s)
{
	while (*s && out < end)
		*out++ = *s++;
	return out;
}

static char *put_uint(char *out, char *end, unsigned long v)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0 && out < end)
		*out++ = digits[--n];
	return out;
}

/* "memproxy: pid=123 exe=ls route=allocator allocator=jemalloc reason=not-excluded" */
static void debug_line(const char *exe, const struct mp_decision *d)
{
	char line[PATH_MAX + 256], *out = line, *end = line + sizeof line - 1;
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	out = put(out, end, "memproxy: pid=");
	out = put_uint(out, end, (unsigned long)syscall(SYS_getpid));
	out = put(out, end, " exe=");
	out = put(out, end, exe ? (slash ? slash + 1 : exe) : "?");
	out = put(out, end, " route=");
	out = put(out, end, d->route == MP_SYSTEM ? "system" : "allocator");
	out = put(out, end, " allocator=");
	out = put(out, end, d->allocator);
	out = put(out, end, " reason=");
	out = put(out, end, d->reason);
	*out++ = '\n';
	for (char *p = line; p < out;) {
		long n = syscall(SYS_write, 2, p, (size_t)(out - p));
		if (n <= 0 && errno != EINTR)
			break;
		if (n > 0)
			p += n;
	}
}

static void set_route(void *fn[MP_ROLES], int (*trim)(size_t), int realloc_errno)
{
	int arena_in_use = atomic_load(&arena_used) != 0;
	raw_free = (void (*)(void *))fn[MP_FREE];
	raw_realloc = (void *(*)(void *, size_t))fn[MP_REALLOC];
	atomic_store(&mp_route.usable_size, (size_t(*)(void *))fn[MP_USABLE]);
	atomic_store(&mp_route.memalign, (void *(*)(size_t, size_t))fn[MP_MEMALIGN]);
	atomic_store(&mp_route.realloc, arena_in_use || realloc_errno ? checked_realloc : raw_realloc);
	atomic_store(&mp_route.calloc, (void *(*)(size_t, size_t))fn[MP_CALLOC]);
	atomic_store(&mp_route.free, arena_in_use ? checked_free : raw_free);
	atomic_store(&mp_route.malloc, (void *(*)(size_t))fn[MP_MALLOC]);
	atomic_store(&mp_route.trim, trim);
}

/* Last resort if libc's own table cannot be read: glibc's exported aliases. */
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static size_t usable_unknown(void *p)
{
	(void)p;
	return 0;
}

static const char *const system_names[MP_ROLES] = {
	"malloc", "free", "calloc", "realloc", "memalign", "malloc_usable_size", "malloc_trim"
};

static int route_system(const struct mp_object *libc)
{
	void *fn[MP_ROLES];
	for (int r = 0; r < MP_ROLES; r++) {
		fn[r] = libc ? mp_object_symbol(libc, system_names[r]) : NULL;
		if (!fn[r])
			break;
		if (r == MP_ROLES - 1) {
			set_route(fn, (int (*)(size_t))fn[MP_TRIM], 0);
			return 1;
		}
	}
	void *fallback[MP_ROLES] = { (void *)__libc_malloc, (void *)__libc_free, (void *)__libc_calloc,
				     (void *)__libc_realloc, (void *)__libc_memalign, (void *)usable_unknown };
	set_route(fallback, trim_none, 0);
	return 0;
}

static void route_allocator(const struct mp_decision *d, const struct mp_config *cfg)
{
	void *fn[MP_ROLES] = { 0 };
	int (*trim)(size_t) = trim_none;
	int realloc_errno = 1;  /* unknown allocators get the check */
	if (d->profile >= 0) {
		const struct mp_profile *p = &mp_profiles[d->profile];
		const struct mp_object *o = &objects.obj[chain_index[d->object]];
		for (int r = 0; r < MP_ROLES; r++)
			fn[r] = p->sym[r] ? mp_object_symbol(o, p->sym[r]) : NULL;
		trim_target = fn[MP_TRIM];
		realloc_errno = p->realloc_errno;
		if (trim_target) {
			switch (p->trim) {
			case MP_TRIM_MALLCTL: trim = trim_mallctl; break;
			case MP_TRIM_VOID: trim = trim_void; break;
			case MP_TRIM_BOOL: trim = trim_bool; break;
			case MP_TRIM_INT: trim = (int (*)(size_t))trim_target; break;
			case MP_TRIM_NONE: break;
			}
		}
	} else {
		for (int r = 0; r < MP_ROLES; r++) {
			for (int i = 0; cfg->custom[r][0] && !fn[r] && i < MP_MAX_OBJECTS; i++)
				if (chain_index[i] >= 0)
					fn[r] = mp_object_symbol(&objects.obj[chain_index[i]], cfg->custom[r]);
		}
		if (fn[MP_TRIM])
			trim = (int (*)(size_t))fn[MP_TRIM];
	}
	set_route(fn, trim, realloc_errno);
}

static void decide(void)
{
	int saved_errno = errno;
	mp_objects_scan(&objects);
	const struct mp_object *libc = NULL;
	struct mp_chain chain = { 0, chain_has, NULL };
	for (int i = 0; i < MP_MAX_OBJECTS; i++)
		chain_index[i] = -1;
	for (int i = 0; i < objects.count; i++) {
		const struct mp_object *o = &objects.obj[i];
		/* By SONAME: any function's address could be interposed. */
		if (!libc && o->soname && strcmp(o->soname, "libc.so.6") == 0) {
			libc = o;
			continue;
		}
		if (mp_object_contains(o, (const void *)decide))
			continue;
		chain_index[chain.count++] = i;
	}

	struct mp_inputs in = { 0 };
	in.secure = getauxval(AT_SECURE) != 0;
	const char *conf_path = in.secure ? NULL : getenv("MEMPROXY_CONF");
	if (!conf_path || !conf_path[0])
		conf_path = MEMPROXY_CONFIG_PATH;
	in.status = read_config(conf_path, &in.conf_len);
	in.conf = conf_buf;
	in.exe_path = exe_name();

	static struct mp_config cfg;
	struct mp_decision d;
	mp_decide(&in, &chain, &cfg, &d);
	if (d.route == MP_ALLOCATOR)
		route_allocator(&d, &cfg);
	else
		route_system(libc);
	if (debug_wanted())
		debug_line(in.exe_path, &d);
	errno = saved_errno;
}

/* ------------------------------------------------------ the C interface */

/* glibc fails requests above PTRDIFF_MAX with ENOMEM; mimalloc (both word
 * sizes) and tcmalloc's 32-bit build return NULL and leave errno alone. Two
 * instructions before the jump (BENCHMARKS.md "Shim overhead"). */
#define TOO_LARGE(size) __builtin_expect((size) > PTRDIFF_MAX, 0)

EXPORT void *malloc(size_t size)
{
	if (TOO_LARGE(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return ROUTE(malloc)(size);
}

EXPORT void free(void *p)
{
	ROUTE(free)(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	size_t total;
	/* tcmalloc and mimalloc return NULL here without setting errno. */
	if (__builtin_expect(__builtin_mul_overflow(n, size, &total), 0) || TOO_LARGE(total)) {
		errno = ENOMEM;
		return NULL;
	}
	return ROUTE(calloc)(n, size);
}

static void *arena_realloc(void *p, size_t size)
{
	void *q = ROUTE(malloc)(size ? size : 1);
	if (q) {
		size_t old = arena_size(p);
		memcpy(q, p, old < size ? old : size);
	}
	return q;
}

EXPORT void *realloc(void *p, size_t size)
{
	if (TOO_LARGE(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return ROUTE(realloc)(p, size);
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

static int power_of_two(size_t a)
{
	return a != 0 && (a & (a - 1)) == 0;
}

void *mp_aligned(size_t alignment, size_t size)
{
	if (alignment < 16)
		alignment = 16;
	void *p = ROUTE(memalign)(alignment, size);
	if (__builtin_expect(p && ((uintptr_t)p & (alignment - 1)), 0)) {
		/* mimalloc 2.0.9 returns misaligned blocks when the size is a
		 * multiple of an alignment of 256-1024; any other size takes its
		 * aligning path. */
		ROUTE(free)(p);
		p = size < SIZE_MAX ? ROUTE(memalign)(alignment, size + 1) : NULL;
		if (p && ((uintptr_t)p & (alignment - 1))) {
			ROUTE(free)(p);
			p = NULL;
		}
	}
	if (!p)
		errno = ENOMEM;
	return p;
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (!power_of_two(alignment) || alignment % sizeof(void *) != 0)
		return EINVAL;
	int saved_errno = errno;
	void *p = mp_aligned(alignment, size);
	errno = saved_errno;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
	if (!power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return mp_aligned(alignment, size);
}

EXPORT void *memalign(size_t alignment, size_t size)
{
	if (!power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return mp_aligned(alignment, size);
}

EXPORT void *valloc(size_t size)
{
	return mp_aligned(getauxval(AT_PAGESZ), size);
}

/* jemalloc has no pvalloc: glibc would serve it and jemalloc would crash freeing it. */
EXPORT void *pvalloc(size_t size)
{
	size_t page = getauxval(AT_PAGESZ), rounded;
	if (__builtin_add_overflow(size, page - 1, &rounded)) {
		errno = ENOMEM;
		return NULL;
	}
	rounded &= ~(page - 1);
	return mp_aligned(page, rounded ? rounded : page);
}

EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (IN_ARENA(p))
		return arena_size(p);
	return ROUTE(usable_size)(p);
}

EXPORT int malloc_trim(size_t pad)
{
	return ROUTE(trim)(pad);
}
