/* The loaded objects of the process, and symbol lookup in one of them. */
#ifndef MEMPROXY_ELFSYM_H
#define MEMPROXY_ELFSYM_H

#include <link.h>
#include <stdint.h>

struct mp_object {
	ElfW(Addr) base, lo, hi;   /* load bias; extent of the PT_LOAD segments */
	const ElfW(Dyn) *dynamic;  /* PT_DYNAMIC, read by mp_object_parse when needed */
	int parsed;                /* the fields below are set */
	const char *soname;        /* DT_SONAME, or NULL */
	const ElfW(Sym) *symtab;
	const char *strtab;
	size_t strsz;
	const uint32_t *gnu_hash, *sysv_hash;
	const ElfW(Half) *versym;
};

/* The objects of the process. A process rarely has more than MP_OBJECTS_INLINE;
 * beyond that the table is mapped with mmap (never malloc: we are malloc), as
 * large as the process needs. */
#define MP_OBJECTS_INLINE 64

struct mp_objects {
	int count, capacity;
	struct mp_object *obj;
	int *index;                /* scratch for the caller, capacity entries */
	size_t mapped;             /* bytes mapped for obj and index, 0 when inline */
	int inline_index[MP_OBJECTS_INLINE];  /* first: a few objects use its head and inline_obj's */
	struct mp_object inline_obj[MP_OBJECTS_INLINE];
};

/* Fills set in load order (dl_iterate_phdr) with each object's extent; its
 * dynamic section is read by mp_object_parse, only for the objects the
 * decision asks about. Every object is recorded, whatever their number. */
void mp_objects_scan(struct mp_objects *set);
/* Reads o's dynamic section (once); 1 when o has a symbol table to search. */
int mp_object_parse(struct mp_object *o);
int *mp_objects_index(struct mp_objects *set);
void mp_objects_release(struct mp_objects *set);
int mp_object_contains(const struct mp_object *o, const void *addr);
/* The address of a defined, default-version function NAME in o, or NULL; o parsed and usable. */
void *mp_object_symbol(const struct mp_object *o, const char *name);

/* One object of a dl_iterate_phdr walk; usable when it has a symbol table. */
void mp_object_load(struct mp_object *o, const struct dl_phdr_info *info);
int mp_object_usable(const struct mp_object *o);

/* The first definition of NAME in load order (for the C++ runtime). */
void *mp_symbol_anywhere(const char *name);

#endif
