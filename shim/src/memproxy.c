/* libmemproxy.so: the once-per-process decision and the publication of the
 * route (the bootstrap arena is arena.c). Behaviour: memproxy.conf(5), docs/shim.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "bytes.h"
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elfsym.h"
#include "memproxy.h"
#include "route.h"
#include "tables.h"

#ifndef MEMPROXY_CONFIG_PATH
#define MEMPROXY_CONFIG_PATH "/etc/memproxy.conf"
#endif

/* The compiled-in exclusion list path as a named, exported read-only symbol, so that
 * `memproxy doctor` reads the file this build reads from the shim's dynamic symbols.
 * The decision uses the local name: no GOT entry, no symbol for ld.so to look up. */
static const char config_path[] = MEMPROXY_CONFIG_PATH;
EXPORT extern const char memproxy_config_path[sizeof MEMPROXY_CONFIG_PATH] __attribute__((alias("config_path")));

/* ---------------------------------------------------------- the decision */

/* Everything the decision writes, in one place and in the order it is
 * written, so that it touches as few pages as it can: each page of the shim
 * first written in a process is a page fault (BENCHMARKS.md "Per-exec
 * cost"). It starts on the page of .data that ld.so has written, which holds
 * everything up to a process's first two dozen objects; the list's text is
 * on the next page touched. Only the first bytes of the buffers are used. */
static struct {
	/* The thread that decides, by kernel thread id; 0 before. One atomic
	 * word, claimed by compare-and-swap, so no moment exists in which the
	 * claim is taken but its owner unknown (a fork in that moment left a
	 * child waiting for nobody). */
	_Atomic pid_t decider;
	_Atomic int tables_used;
	/* The deciding thread re-entered (mp_ready returned NULL): the arena
	 * may hold blocks, which free and realloc must then recognise. Written
	 * and read by that thread only. */
	int reentered;
	struct mp_config cfg;
	/* Tables are built in place and published once; a second decision in the
	 * same memory (a child forked inside the decision decides again) uses the
	 * next one, so a published table is never written (table()). */
	struct mp_route first_table;
	struct mp_objects objects;
	struct mp_route more_tables[3];
	/* The config's contents, then the executable's path right after them. */
	char text[MP_CONF_MAX + 1 + PATH_MAX];
	/* MEMPROXY_CONF and MEMPROXY_DEBUG when read from /proc (read_env). */
	char env_conf[PATH_MAX], env_debug[8];
} state;

#define TABLES (1 + (int)(sizeof state.more_tables / sizeof *state.more_tables))

static struct mp_route *table(int slot)
{
	return slot == 0 ? &state.first_table : &state.more_tables[slot - 1];
}

static void decide(void);

#ifdef MEMPROXY_TEST_HOOKS
/* Test builds only (shim/tests/libforkwindow.c): runs right after the claim. */
extern void memproxy_test_after_claim(void) __attribute__((weak));
#define AFTER_CLAIM() (memproxy_test_after_claim ? memproxy_test_after_claim() : (void)0)
#else
#define AFTER_CLAIM() ((void)0)
#endif

/* The published table, or NULL when the caller is the deciding thread
 * re-entering (serve it from the arena). Other threads arriving while the
 * decision runs wait for it: it takes microseconds and never blocks. */
const struct mp_route *mp_ready(void)
{
	const struct mp_route *r = RT();
	if (r != &mp_boot_route)
		return r;
	int saved_errno = errno;
	pid_t tid = (pid_t)syscall(SYS_gettid), owner = 0;
	for (;;) {
		if (atomic_compare_exchange_strong(&state.decider, &owner, tid)) {
			AFTER_CLAIM();
			decide();
			break;
		}
		if (owner == tid) {
			state.reentered = 1;
			errno = saved_errno;
			return NULL;
		}
		r = RT();
		if (r != &mp_boot_route)
			break;
		/* The decider not being a thread of this process means this is a
		 * child forked while another thread decided: nobody will finish,
		 * so take the claim over and decide here. */
		if (syscall(SYS_tgkill, (pid_t)syscall(SYS_getpid), owner, 0) != 0 && errno == ESRCH)
			continue;  /* the compare-and-swap above replaces the old owner */
		syscall(SYS_sched_yield);
		owner = 0;
	}
	errno = saved_errno;
	return RT();
}

/* Filled by decide() before the table that uses them is published. */
struct mp_raw mp_raw;


static void *chain_find(void *ctx, int object, const char *symbol)
{
	const int *index = ctx;
	struct mp_object *o = &state.objects.obj[index[object]];
	return mp_object_parse(o) ? mp_object_symbol(o, symbol) : NULL;
}

static enum mp_config_status read_config(const char *path, size_t *len)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? MP_CONF_MISSING : MP_CONF_UNREADABLE;
	enum mp_config_status status = MP_CONF_OK;
	/* On 32-bit kernels (i386) SYS_fstat fills the kernel's old struct stat, which is not glibc's:
	 * fstat64 fills the struct stat64 glibc declares. */
#ifdef SYS_fstat64
	struct stat64 st;
	if (syscall(SYS_fstat64, fd, &st) != 0)
#else
	struct stat st;
	if (syscall(SYS_fstat, fd, &st) != 0)
#endif
		status = MP_CONF_UNREADABLE;
	else if (!S_ISREG(st.st_mode))
		status = MP_CONF_NOT_REGULAR;
	else if (st.st_size > MP_CONF_MAX)
		status = MP_CONF_TOO_LARGE;
	*len = 0;
	/* A read that brought the whole size fstat gave is the whole file: no
	 * second read to see its end (size 0 may be a procfs file: read to the end). */
	while (status == MP_CONF_OK && (st.st_size == 0 || *len < (size_t)st.st_size)) {
		long n = syscall(SYS_read, fd, state.text + *len, MP_CONF_MAX + 1 - *len);
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

/* MEMPROXY_CONF and MEMPROXY_DEBUG. From libc's environ once libc's
 * initialiser has set it up (every allocation but the earliest); before
 * that (an allocation from a .preinit_array runs first) from
 * /proc/self/environ, the environment the process was started with. Reading
 * the initial stack through ld.so's __libc_stack_end instead would make the
 * shim depend on ld.so, which costs every process about 80,000 instructions
 * of symbol lookups (BENCHMARKS.md "Per-exec cost"); the file costs three
 * system calls, only in that rare case. */
extern char **environ;

struct env_wanted {
	const char *name;
	const char *value; /* NULL when unset or longer than size - 1 */
	size_t size;
	char *copy;        /* room for size bytes, for values read from /proc */
};

/* Points value into the strings themselves: nothing is copied, no page of
 * the shim is written (BENCHMARKS.md "Per-exec cost"). */
static void env_from_strings(char **env, struct env_wanted *w, int n)
{
	for (; *env; env++) {
		if (mp_strncmp(*env, "MEMPROXY_", 9) != 0)  /* every wanted name starts so */
			continue;
		for (int i = 0; i < n; i++) {
			size_t len = mp_strlen(w[i].name);
			if (mp_strncmp(*env, w[i].name, len) == 0 && (*env)[len] == '=') {
				const char *v = *env + len + 1;
				if (mp_strlen(v) < w[i].size)
					w[i].value = v;
			}
		}
	}
}

/* One pass over /proc/self/environ ("NAME=value\0..."), entries longer
 * than the longest wanted value skipped; values found are copied. */
static void env_from_proc(struct env_wanted *w, int n)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096], entry[PATH_MAX + 32];
	size_t used = 0;
	int too_long = 0;
	for (;;) {
		long got = syscall(SYS_read, fd, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (long i = 0; i < got; i++) {
			if (buf[i] != '\0') {
				if (used < sizeof entry - 1)
					entry[used++] = buf[i];
				else
					too_long = 1;
				continue;
			}
			entry[used] = '\0';
			if (!too_long) {
				char *one[2] = { entry, NULL };
				const char *before[8];
				for (int k = 0; k < n; k++)
					before[k] = w[k].value;
				env_from_strings(one, w, n);
				for (int k = 0; k < n; k++) {
					if (w[k].value != before[k]) {
						mp_memcpy(w[k].copy, w[k].value, mp_strlen(w[k].value) + 1);
						w[k].value = w[k].copy;
					}
				}
			}
			used = 0;
			too_long = 0;
		}
	}
	syscall(SYS_close, fd);
}

static void read_env(struct env_wanted *w, int n)
{
	for (int i = 0; i < n; i++)
		w[i].value = NULL;
	if (environ)
		env_from_strings(environ, w, n);
	else
		env_from_proc(w, n);
}

/* ld.so's options that take a value (ld.so --help). */
static int loader_option_with_value(const char *a)
{
	static const char *const with_value[] = {
		"--library-path", "--inhibit-rpath", "--audit", "--preload", "--argv0",
		"--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", NULL,
	};
	for (int i = 0; with_value[i]; i++)
		if (mp_strcmp(a, with_value[i]) == 0)
			return 1;
	return 0;
}

/* The program ld.so was asked to run: the first argument after ld.so's own
 * options in /proc/self/cmdline (ld.so moves argv[] on the stack, not the
 * strings), into out. */
static int loader_program(char *out, size_t size)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	long n = syscall(SYS_read, fd, out, size - 1);
	syscall(SYS_close, fd);
	if (n <= 0)
		return 0;
	out[n] = '\0';
	char *arg = out + mp_strlen(out) + 1, *end = out + n;  /* skip ld.so's own name */
	while (arg < end && mp_strncmp(arg, "--", 2) == 0) {
		int value = loader_option_with_value(arg);
		arg += mp_strlen(arg) + 1;
		if (value && arg < end)
			arg += mp_strlen(arg) + 1;
	}
	if (arg >= end)
		return 0;
	mp_memmove(out, arg, mp_strlen(arg) + 1);
	return 1;
}

/* The executable's path with links resolved. When ld.so was started as the
 * program ("/lib64/ld-linux-x86-64.so.2 ./prog"), the kernel ran ld.so
 * without an interpreter (AT_BASE is 0) and /proc/self/exe names ld.so: the
 * program is then the one ld.so was given; opening it and reading
 * /proc/self/fd/N resolves links as /proc/self/exe does. A program that does
 * not open (a name ld.so found on its library path) is unknown: exe-unknown,
 * system route. */
static const char *exe_name(char *exe_path, size_t size)
{
	long n = -1;
	if (getauxval(AT_BASE) == 0) {
		const char *argv0 = loader_program(exe_path, size) ? exe_path : NULL;
		int fd = argv0 ? (int)syscall(SYS_openat, AT_FDCWD, argv0, O_PATH | O_CLOEXEC) : -1;
		if (fd >= 0) {
			char link[32] = "/proc/self/fd/";
			char *d = link + mp_strlen(link), digits[12];
			int k = 0;
			for (unsigned v = (unsigned)fd; k == 0 || v; v /= 10)
				digits[k++] = (char)('0' + v % 10);
			while (k)
				*d++ = digits[--k];
			*d = '\0';
			n = syscall(SYS_readlinkat, AT_FDCWD, link, exe_path, size - 1);
			syscall(SYS_close, fd);
		}
	} else {
		n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe_path, size - 1);
	}
	if (n <= 0 || n >= (long)size - 1)
		return NULL;
	exe_path[n] = '\0';
	static const char deleted[] = " (deleted)";
	if ((size_t)n > sizeof deleted && mp_strcmp(exe_path + n - (sizeof deleted - 1), deleted) == 0)
		exe_path[n - (sizeof deleted - 1)] = '\0';
	return exe_path;
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
	const char *slash = exe ? mp_strrchr(exe, '/') : NULL;
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


static void publish(const struct mp_route *built)
{
	int slot = atomic_fetch_add(&state.tables_used, 1);
	if (slot >= TABLES || RT() != &mp_boot_route)
		return;
	struct mp_route *t = table(slot);
	*t = *built;
	atomic_store_explicit(&mp_current, t, memory_order_release);
	/* Then each entry point's slot (route.h), from the same table. */
#define SLOT(f) __atomic_store_n(&mp_live.f, t->f, __ATOMIC_RELEASE)
	SLOT(malloc); SLOT(free); SLOT(calloc); SLOT(realloc); SLOT(reallocarray); SLOT(memalign);
	SLOT(aligned_alloc); SLOT(posix_memalign); SLOT(valloc); SLOT(pvalloc); SLOT(usable_size);
	SLOT(trim); SLOT(mallopt); SLOT(mallinfo); SLOT(mallinfo2); SLOT(stats); SLOT(info);
	for (int i = 0; i < OPS; i++)
		SLOT(cxx[i]);
#undef SLOT
}

static void decide(void)
{
	int saved_errno = errno;
	mp_objects_scan(&state.objects);
	const struct mp_object *libc = NULL;
	int *index = mp_objects_index(&state.objects);
	struct mp_chain chain = { 0, chain_find, index };
	for (int i = 0; i < state.objects.count; i++) {
		struct mp_object *o = &state.objects.obj[i];
		if (mp_object_contains(o, (const void *)decide))
			continue;
		/* By SONAME: any function's address could be interposed. Only the
		 * objects up to libc's are read for it; those after it only when
		 * the decision looks into them (BENCHMARKS.md "Per-exec cost"). */
		if (!libc && mp_object_parse(o) && o->soname && mp_strcmp(o->soname, "libc.so.6") == 0) {
			libc = o;
			continue;
		}
		index[chain.count++] = i;
	}

	struct mp_route built;
	struct mp_inputs in = { 0 };
	in.libc_missing = !libc || !mp_object_symbol(libc, "malloc");
	in.secure = getauxval(AT_SECURE) != 0;
	struct env_wanted env[] = {
		{ "MEMPROXY_CONF", NULL, sizeof state.env_conf, state.env_conf },
		{ "MEMPROXY_DEBUG", NULL, sizeof state.env_debug, state.env_debug },
	};
	if (!in.secure)
		read_env(env, 2);
	const char *conf_path = env[0].value && env[0].value[0] ? env[0].value : config_path;
	in.status = read_config(conf_path, &in.conf_len);
	in.conf = state.text;
	struct mp_config *cfg = &state.cfg;
	mp_config_of(&in, cfg);
	const char *debug = env[1].value;  /* NULL in secure execution: read_env did not run */
	int debugging = debug && debug[0] && mp_strcmp(debug, "0") != 0;
	/* Reading /proc/self/exe is most of the decision's cost (BENCHMARKS.md
	 * "Per-exec cost"): only a list that names a program needs the name,
	 * and the debug line prints it. */
	char *exe_buf = state.text + in.conf_len;
	if (cfg->names || debugging)
		in.exe_path = exe_name(exe_buf, PATH_MAX);

	struct mp_decision d;
	mp_decide(&in, &chain, cfg, &d);
	if (d.route == MP_ALLOCATOR) {
		const struct mp_object *holder = d.object >= 0 ? &state.objects.obj[index[d.object]] : NULL;
		mp_allocator_route(&built, &d, holder);
	} else if (mp_system_route(&built, libc)) {
		mp_cxx_system(&built);
	} else {
		in.libc_missing = 1;  /* malloc is there, another of the family is not */
		mp_decide(&in, &chain, cfg, &d);
		if (d.route == MP_ALLOCATOR)
			mp_allocator_route(&built, &d, &state.objects.obj[index[d.object]]);
	}
	if (in.libc_missing && d.route == MP_SYSTEM) {
		static const char msg[] = "memproxy: libc.so.6's malloc not found and no allocator loaded: "
					  "nothing can serve this process\n";
		debug_line(in.exe_path ? in.exe_path : exe_name(exe_buf, PATH_MAX), &d);
		syscall(SYS_write, 2, msg, sizeof msg - 1);
		syscall(SYS_exit_group, 127);
	}
	mp_arena_checks(&built, state.reentered);
	publish(&built);
	if (debugging)
		debug_line(in.exe_path, &d);
	mp_objects_release(&state.objects);
	errno = saved_errno;
}
