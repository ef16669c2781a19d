/* The loaded objects of the process, and symbol lookup in one of them. */
#ifndef MEMPROXY_ELFSYM_H
#define MEMPROXY_ELFSYM_H

#include <link.h>
#include <stdint.h>

struct mp_object {
	ElfW(Addr) base, lo, hi;   /* load bias; extent of the PT_LOAD segments */
	const char *name;          /* dlpi_name ("" for the executable) */
	const char *soname;        /* DT_SONAME, or NULL */
	const ElfW(Sym) *symtab;
	const char *strtab;
	size_t strsz;
	const uint32_t *gnu_hash, *sysv_hash;
	const ElfW(Half) *versym;
};

#define MP_MAX_OBJECTS 256

struct mp_objects {
	int count;
	struct mp_object obj[MP_MAX_OBJECTS];
};

/* Fills set in load order (dl_iterate_phdr); objects without a symbol table are skipped. */
void mp_objects_scan(struct mp_objects *set);
int mp_object_contains(const struct mp_object *o, const void *addr);
/* The address of a defined, default-version function NAME in o, or NULL. */
void *mp_object_symbol(const struct mp_object *o, const char *name);

/* The first definition of NAME in load order (for the C++ runtime). */
void *mp_symbol_anywhere(const char *name);

#endif
