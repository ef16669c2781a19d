/* Internal interface of libmemproxy.so. Nothing here is exported. */
#ifndef MEMPROXY_H
#define MEMPROXY_H

#include <stddef.h>

/* One allocator's entry points. memalign takes (alignment, size). */
enum mp_role {
	MP_MALLOC, MP_FREE, MP_CALLOC, MP_REALLOC, MP_MEMALIGN, MP_USABLE, MP_TRIM,
	MP_ROLES
};
#define MP_ROLE_BIT(r) (1u << (r))

/* How an allocator returns memory to the system (malloc_trim). */
enum mp_trim_kind {
	MP_TRIM_NONE,     /* no such operation: malloc_trim returns 0 */
	MP_TRIM_INT,      /* int f(size_t pad), like glibc's malloc_trim */
	MP_TRIM_MALLCTL,  /* jemalloc: mallctl("arena.<ALL>.purge") */
	MP_TRIM_VOID,     /* void f(void): tcmalloc's MallocExtension_ReleaseFreeMemory */
	MP_TRIM_BOOL,     /* void f(bool force): mimalloc's mi_collect(true) */
};

/* Where mallinfo2, malloc_stats and malloc_info take an allocator's figures (stats.c). */
enum mp_stats_kind { MP_STATS_NONE, MP_STATS_JEMALLOC, MP_STATS_TCMALLOC, MP_STATS_MIMALLOC };

/* A supported allocator: the names it exports, all looked up in one object. */
struct mp_profile {
	const char *name;
	const char *marker;              /* extra symbol that identifies it, or NULL */
	const char *sym[MP_ROLES];       /* sym[MP_TRIM] may be NULL */
	enum mp_trim_kind trim;
	unsigned errno_roles;            /* roles that can return NULL without setting errno */
	int big_no_errno;                /* malloc/realloc beyond PTRDIFF_MAX return NULL without errno */
	enum mp_stats_kind stats;
};

extern const struct mp_profile mp_profiles[];  /* terminated by name == NULL */
const char *mp_role_name(enum mp_role role);

/* --- Configuration (config.c): pure functions over a byte buffer. --- */

enum mp_mode { MP_AUTO, MP_NONE, MP_NAMED, MP_CUSTOM };

#define MP_NAME_MAX 128

struct mp_config {
	int bad;                          /* 1: a directive or a line is invalid (reason bad-config) */
	enum mp_mode mode;
	int profile;                      /* index in mp_profiles when mode == MP_NAMED */
	int secure_allocator;             /* "@secure allocator" */
	int names;                        /* lines that name a program (mp_config_lists reads them) */
	char custom[MP_ROLES][MP_NAME_MAX]; /* "@symbol ROLE NAME", empty when unset */
};

void mp_config_parse(const char *buf, size_t len, struct mp_config *cfg);
/* 1 when a line of the list names the executable (exe_path: absolute path). */
int mp_config_lists(const char *buf, size_t len, const char *exe_path);

/* --- The decision (config.c), independent of how objects are found. --- */

enum mp_config_status {
	MP_CONF_OK, MP_CONF_MISSING, MP_CONF_UNREADABLE, MP_CONF_NOT_REGULAR, MP_CONF_TOO_LARGE
};

/* The objects of the process in load order, libmemproxy and libc left out.
 * find: the address of a function the object defines, or NULL. */
struct mp_chain {
	int count;
	void *(*find)(void *ctx, int object, const char *symbol);
	void *ctx;
};

enum mp_route_kind { MP_SYSTEM, MP_ALLOCATOR };

struct mp_decision {
	enum mp_route_kind route;
	const char *allocator;  /* profile name, "custom" or "none" */
	const char *reason;
	int profile;            /* index in mp_profiles, -1 for custom/none */
	int object;             /* chain object holding the profile, -1 otherwise */
	/* On the allocator route, each role's function as the decision found it
	 * (the route is built from them: no second lookup); fn[MP_TRIM] only for
	 * custom, a profile's trim is optional and looked up by the route. */
	void *fn[MP_ROLES];
};

struct mp_inputs {
	enum mp_config_status status;
	const char *conf;       /* contents when status == MP_CONF_OK */
	size_t conf_len;
	const char *exe_path;   /* NULL when unknown; read only when the list names a program */
	int secure;             /* AT_SECURE */
	int libc_missing;       /* libc.so.6's malloc family could not be found */
};

/* The list as the decision reads it: a file not read is an empty list. */
void mp_config_of(const struct mp_inputs *in, struct mp_config *cfg);
/* cfg: mp_config_of(in). in->exe_path is read only when cfg->names is not 0. */
void mp_decide(const struct mp_inputs *in, const struct mp_chain *chain,
	       const struct mp_config *cfg, struct mp_decision *out);

#define MP_CONF_MAX (64 * 1024)

#endif
