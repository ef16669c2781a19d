/* Between the decision (memproxy.c), the exported functions and the tables
 * they forward to (api.c, cxx.c, stats.c). Nothing here is exported. */
#ifndef MEMPROXY_TABLES_H
#define MEMPROXY_TABLES_H

#include "elfsym.h"
#include "memproxy.h"
#include "route.h"

/* The table published before the decision: every slot decides first. */
extern const struct mp_route mp_boot_route;

/* The published table once decided, or NULL for the deciding thread
 * re-entering its own allocation (served from the arena). */
const struct mp_route *mp_ready(void);

/* arena.c */
void *mp_arena_alloc(size_t alignment, size_t size);
size_t mp_arena_size(const void *p);
void *mp_arena_realloc(void *p, size_t size);

/* What the wrappers of a table call: set before that table is published. */
struct mp_raw {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*realloc_after_arena)(void *, size_t);  /* the route's realloc behind the arena test */
	void *(*memalign)(size_t, size_t);
	size_t (*usable_size)(void *);
	void *trim_target;                 /* allocator's trim function (enum mp_trim_kind) */
	enum mp_stats_kind stats;
	void *stats_fn[3];                 /* per allocator, see stats.c */
	const char *allocator;             /* profile name, "custom" */
};
extern struct mp_raw mp_raw;

/* Fills t with libc.so.6's own functions; 0 when libc or one of them is missing. */
int mp_system_route(struct mp_route *t, const struct mp_object *libc);
/* Fills t for the allocator the decision chose, from the functions it found;
 * holder: the object of a profile's allocator (its optional functions are looked up there). */
void mp_allocator_route(struct mp_route *t, const struct mp_decision *d, const struct mp_object *holder);
/* With arena blocks handed out, free/realloc must recognise them. */
void mp_arena_checks(struct mp_route *t, int arena_in_use);

/* cxx.c: the C++ slots of a table, in this order (cxx.c names them). */
enum op {
	NEW, NEW_A, NEW_NT, NEW_A_NT, NEW_AL, NEW_A_AL, NEW_AL_NT, NEW_A_AL_NT,
	DEL, DEL_A, DEL_SZ, DEL_A_SZ, DEL_NT, DEL_A_NT, DEL_AL, DEL_A_AL, DEL_SZ_AL, DEL_A_SZ_AL,
	DEL_AL_NT, DEL_A_AL_NT,
	OPS
};
void mp_cxx_system(struct mp_route *t);
void mp_cxx_allocator(struct mp_route *t);
/* The shim's own operators (cxx.c), over the published table's malloc and free. */
void *mp_own_new(size_t n);
void *mp_own_new_al(size_t n, size_t al);
void *mp_own_new_nt(size_t n, const void *t);
void *mp_own_new_a_nt(size_t n, const void *t);
void *mp_own_new_al_nt(size_t n, size_t al, const void *t);
void *mp_own_new_a_al_nt(size_t n, size_t al, const void *t);
void mp_own_delete(void *p);
/* The boot table's C++ slots, in enum op order. */
#define MP_CXX_OWN { \
	mp_own_new, mp_own_new, mp_own_new_nt, mp_own_new_a_nt, mp_own_new_al, mp_own_new_al, \
	mp_own_new_al_nt, mp_own_new_a_al_nt, \
	mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete, \
	mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete, mp_own_delete }

/* stats.c: the statistics slots of an allocator-route table. */
void mp_stats_route(struct mp_route *t, const struct mp_object *holder);

#endif
