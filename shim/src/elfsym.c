/* Symbol lookup in the objects already loaded, without allocating: dlsym()
 * of a missing name and dlopen(RTLD_NOLOAD) allocate through the malloc we
 * are defining, and dlsym(RTLD_NEXT, "__libc_malloc") may land on an
 * allocator that exports glibc's names (tcmalloc, mimalloc do). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include "bytes.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elfsym.h"

/* The six-argument mmap. On i386 SYS_mmap is the old one that takes a pointer
 * to an argument block (with NULL: EFAULT); mmap2 takes the arguments, the
 * offset in pages (0 here either way). */
#ifdef SYS_mmap2
#define SYS_MMAP SYS_mmap2
#else
#define SYS_MMAP SYS_mmap
#endif

static ElfW(Addr) dyn_ptr(const struct mp_object *o, ElfW(Addr) p)
{
	/* ld.so relocates most .dynamic pointers in place, but not read-only
	 * ones (the vDSO); see elf/get-dynamic-info.h. */
	return p < o->base ? p + o->base : p;
}

/* The extent and the dynamic section's address, from the program headers. */
static void load_phdrs(struct mp_object *o, const ElfW(Phdr) *ph, int phnum)
{
	for (int i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_DYNAMIC)
			o->dynamic = (const ElfW(Dyn) *)(o->base + ph[i].p_vaddr);
		if (ph[i].p_type == PT_LOAD) {
			ElfW(Addr) lo = o->base + ph[i].p_vaddr, hi = lo + ph[i].p_memsz;
			if (!o->lo || lo < o->lo)
				o->lo = lo;
			if (hi > o->hi)
				o->hi = hi;
		}
	}
}

int mp_object_parse(struct mp_object *o)
{
	if (o->parsed)
		return mp_object_usable(o);
	o->parsed = 1;
	const ElfW(Dyn) *dyn = o->dynamic;
	if (!dyn)
		return 0;
	ElfW(Xword) soname = 0;
	int has_soname = 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB: o->symtab = (const ElfW(Sym) *)dyn_ptr(o, dyn->d_un.d_ptr); break;
		case DT_STRTAB: o->strtab = (const char *)dyn_ptr(o, dyn->d_un.d_ptr); break;
		case DT_STRSZ: o->strsz = dyn->d_un.d_val; break;
		case DT_GNU_HASH: o->gnu_hash = (const uint32_t *)dyn_ptr(o, dyn->d_un.d_ptr); break;
		case DT_HASH: o->sysv_hash = (const uint32_t *)dyn_ptr(o, dyn->d_un.d_ptr); break;
		case DT_VERSYM: o->versym = (const ElfW(Half) *)dyn_ptr(o, dyn->d_un.d_ptr); break;
		case DT_SONAME: soname = dyn->d_un.d_val; has_soname = 1; break;
		}
	}
	if (has_soname && o->strtab && soname < o->strsz)
		o->soname = o->strtab + soname;
	return mp_object_usable(o);
}

struct collect {
	struct mp_objects *set;
	int seen;  /* objects, recorded or not */
};

static int collect_one(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct collect *c = data;
	struct mp_objects *set = c->set;
	if (set->count < set->capacity) {
		struct mp_object *o = &set->obj[set->count++];
		mp_memset(o, 0, sizeof *o);
		o->base = info->dlpi_addr;
		load_phdrs(o, info->dlpi_phdr, info->dlpi_phnum);
	}
	c->seen++;
	return 0;
}

struct search {
	const char *name;
	void *found;
};

void mp_object_load(struct mp_object *o, const struct dl_phdr_info *info)
{
	load_phdrs(o, info->dlpi_phdr, info->dlpi_phnum);
	mp_object_parse(o);
}

int mp_object_usable(const struct mp_object *o)
{
	return o->symtab && o->strtab && (o->gnu_hash || o->sysv_hash);
}

static int search_one(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct search *s = data;
	struct mp_object o = { .base = info->dlpi_addr };
	mp_object_load(&o, info);
	if (mp_object_usable(&o))
		s->found = mp_object_symbol(&o, s->name);
	return s->found != NULL;
}

void *mp_symbol_anywhere(const char *name)
{
	struct search s = { name, NULL };
	dl_iterate_phdr(search_one, &s);
	return s.found;
}

void mp_objects_release(struct mp_objects *set)
{
	if (set->mapped)
		syscall(SYS_munmap, set->obj, set->mapped);
	set->mapped = 0;
	set->obj = set->inline_obj;
	set->index = set->inline_index;
	set->capacity = MP_OBJECTS_INLINE;
}

void mp_objects_scan(struct mp_objects *set)
{
	set->mapped = 0;
	mp_objects_release(set);
	for (;;) {
		struct collect c = { set, 0 };
		set->count = 0;
		dl_iterate_phdr(collect_one, &c);
		if (c.seen <= set->capacity)
			return;
		/* More objects than room: map a table for all of them (and some
		 * more, in case another thread loads objects meanwhile), walk again. */
		mp_objects_release(set);
		size_t want = (size_t)c.seen + 64;
		size_t bytes = want * (sizeof(struct mp_object) + sizeof(int));
		void *m = (void *)syscall(SYS_MMAP, NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || (uintptr_t)m > (uintptr_t)-4096) {
			/* No memory for the table: keep the inline part. If libc is
			 * not in it, the decision reports reason=libc-missing. */
			set->count = 0;
			struct collect again = { set, 0 };
			dl_iterate_phdr(collect_one, &again);
			return;
		}
		set->mapped = bytes;
		set->obj = m;
		set->index = (int *)(set->obj + want);
		set->capacity = (int)want;
	}
}

int *mp_objects_index(struct mp_objects *set)
{
	return set->index;
}

int mp_object_contains(const struct mp_object *o, const void *addr)
{
	ElfW(Addr) a = (ElfW(Addr))addr;
	return a >= o->lo && a < o->hi;
}

static int matches(const struct mp_object *o, uint32_t index, const char *name)
{
	const ElfW(Sym) *s = &o->symtab[index];
	if (s->st_shndx == SHN_UNDEF || s->st_value == 0 || s->st_name >= o->strsz)
		return 0;
	/* The ELF32_ST_* macros extract the same bits as ELF64_ST_*: word-size clean. */
	if (ELF32_ST_TYPE(s->st_info) != STT_FUNC)
		return 0;
	int bind = ELF32_ST_BIND(s->st_info);
	if (bind != STB_GLOBAL && bind != STB_WEAK)
		return 0;
	if (ELF32_ST_VISIBILITY(s->st_other) == STV_HIDDEN || ELF32_ST_VISIBILITY(s->st_other) == STV_INTERNAL)
		return 0;
	/* Only the default version (foo@@V or unversioned), as dlsym() picks. */
	if (o->versym && (o->versym[index] & 0x8000))
		return 0;
	return mp_strcmp(o->strtab + s->st_name, name) == 0;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static unsigned long sysv_hash(const char *s)
{
	unsigned long h = 0, g;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

void *mp_object_symbol(const struct mp_object *o, const char *name)
{
	if (o->gnu_hash) {
		/* Layout: nbuckets, symoffset, bloom_size, bloom_shift, bloom[], buckets[], chain[]. */
		const uint32_t *h = o->gnu_hash;
		uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], bloom_shift = h[3];
		const ElfW(Addr) *bloom = (const ElfW(Addr) *)(h + 4);
		const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size);
		const uint32_t *chain = buckets + nbuckets;
		uint32_t hash = gnu_hash(name);
		if (nbuckets == 0 || bloom_size == 0)
			return NULL;
		const unsigned bits = sizeof(ElfW(Addr)) * 8;
		ElfW(Addr) word = bloom[(hash / bits) % bloom_size];
		ElfW(Addr) mask = ((ElfW(Addr))1 << (hash % bits)) |
				  ((ElfW(Addr))1 << ((hash >> bloom_shift) % bits));
		if ((word & mask) != mask)
			return NULL;
		uint32_t i = buckets[hash % nbuckets];
		if (i < symoffset)
			return NULL;
		for (;; i++) {
			uint32_t h2 = chain[i - symoffset];
			if ((h2 | 1) == (hash | 1) && matches(o, i, name))
				return (void *)(o->base + o->symtab[i].st_value);
			if (h2 & 1)
				return NULL;
		}
	}
	/* DT_HASH: nbucket, nchain, buckets[], chains[]. */
	const uint32_t *h = o->sysv_hash;
	uint32_t nbucket = h[0];
	if (nbucket == 0)
		return NULL;
	for (uint32_t i = h[2 + sysv_hash(name) % nbucket]; i != STN_UNDEF; i = h[2 + nbucket + i])
		if (matches(o, i, name))
			return (void *)(o->base + o->symtab[i].st_value);
	return NULL;
}
