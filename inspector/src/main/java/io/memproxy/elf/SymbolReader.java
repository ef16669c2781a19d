package io.memproxy.elf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the dynamic symbol table (DT_SYMTAB) and attaches each symbol's GNU version from DT_VERSYM.
 * The number of symbols comes from the {@code SHT_DYNSYM} section header when there is one, otherwise
 * from DT_HASH's chain count or by walking DT_GNU_HASH, as ld.so-only tools must.
 */
final class SymbolReader {
    private static final int VERSYM_HIDDEN = 0x8000;

    private final ElfBytes b;
    private final ElfImage image;

    SymbolReader(ElfBytes b, ElfImage image) {
        this.b = b;
        this.image = image;
    }

    List<DynamicSymbol> symbols() throws MalformedElfException {
        Long address = image.tag(ElfImage.DT_SYMTAB).orElse(null);
        if (address == null) {
            return List.of();
        }
        int entsize = entrySize();
        long table = image.offsetOf(address, "DT_SYMTAB");
        long count = checkedCount(table, entsize);
        b.mapWhole();

        long versym = versymTable(count);
        Map<Integer, String> defined = new HashMap<>();
        Map<Integer, String[]> needed = new HashMap<>();
        versionNames(versym, defined, needed);

        List<DynamicSymbol> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            out.add(symbolAt(table, entsize, i, versym, defined, needed));
        }
        return List.copyOf(out);
    }

    /**
     * The number of entries {@link #symbols()} lists, after the same checks of the table and of its version table,
     * without reading a symbol (nor the versions' names).
     */
    int count() throws MalformedElfException {
        Long address = image.tag(ElfImage.DT_SYMTAB).orElse(null);
        if (address == null) {
            return 0;
        }
        int entsize = entrySize();
        long count = checkedCount(image.offsetOf(address, "DT_SYMTAB"), entsize);
        versymTable(count);
        return (int) count;
    }

    /** The class's symbol entry size, which DT_SYMENT must declare if it is present. */
    private int entrySize() throws MalformedElfException {
        int entsize = b.is64() ? 24 : 16;
        long declared = image.tag(ElfImage.DT_SYMENT).orElse((long) entsize);
        if (declared != entsize) {
            throw b.malformed("DT_SYMENT is " + declared + ", expected " + entsize);
        }
        return entsize;
    }

    /** The symbol count, checked to lie inside the file. */
    private long checkedCount(long table, int entsize) throws MalformedElfException {
        long count = count(entsize);
        b.checkTable(table, count, entsize, "dynamic symbol table");
        return count;
    }

    /** The offset of DT_VERSYM checked for {@code count} entries, or -1 when the object has none. */
    private long versymTable(long count) throws MalformedElfException {
        Optional<Long> versymAddress = image.tag(ElfImage.DT_VERSYM);
        if (versymAddress.isEmpty()) {
            return -1;
        }
        long versym = image.offsetOf(versymAddress.get(), "DT_VERSYM");
        b.checkTable(versym, count, 2, "symbol version table");
        return versym;
    }

    private void versionNames(long versym, Map<Integer, String> defined, Map<Integer, String[]> needed)
            throws MalformedElfException {
        if (versym < 0) {
            return;
        }
        for (VersionDefinition d : image.versionDefinitions()) {
            defined.putIfAbsent(d.index(), d.name());
        }
        for (VersionRequirement r : image.versionRequirements()) {
            for (VersionRequirement.Need n : r.versions()) {
                needed.putIfAbsent(n.other(), new String[] {n.name(), r.file()});
            }
        }
    }

    /**
     * The defined global, weak and unique symbols named {@code name}, in table order, found through the hash table ld.so uses (DT_GNU_HASH, else
     * DT_HASH) without reading the rest of the table; by a full read when the object has neither.
     */
    List<DynamicSymbol> lookup(String name) throws MalformedElfException {
        Long address = image.tag(ElfImage.DT_SYMTAB).orElse(null);
        if (address == null) {
            return List.of();
        }
        Optional<Long> gnuHash = image.tag(ElfImage.DT_GNU_HASH);
        Optional<Long> sysvHash = image.tag(ElfImage.DT_HASH);
        if (gnuHash.isEmpty() && sysvHash.isEmpty()) {
            List<DynamicSymbol> out = new ArrayList<>(1);
            for (DynamicSymbol d : image.dynamicSymbols()) {
                if (d.isDefined() && d.binding() != SymbolBinding.LOCAL && d.name().equals(name)) {
                    out.add(d);
                }
            }
            return List.copyOf(out);
        }
        int entsize = b.is64() ? 24 : 16;
        long table = image.offsetOf(address, "DT_SYMTAB");
        byte[] wanted = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Integer> hits = gnuHash.isPresent()
                ? gnuHashHits(image.offsetOf(gnuHash.get(), "DT_GNU_HASH"), table, entsize, wanted)
                : sysvHashHits(image.offsetOf(sysvHash.get(), "DT_HASH"), table, entsize, wanted);
        if (hits.isEmpty()) {
            return List.of();
        }
        hits.sort(null);
        int last = hits.get(hits.size() - 1);
        long versym = versymTable(last + 1L);
        Map<Integer, String> defined = new HashMap<>();
        Map<Integer, String[]> needed = new HashMap<>();
        versionNames(versym, defined, needed);
        List<DynamicSymbol> out = new ArrayList<>();
        for (int i : hits) {
            DynamicSymbol d = symbolAt(table, entsize, i, versym, defined, needed);
            if (d.isDefined() && d.binding() != SymbolBinding.LOCAL) {
                out.add(d);
            }
        }
        return out;
    }

    /** dl-lookup.c: the bloom filter, then the bucket's chain; entries whose hash matches are compared by name. */
    private List<Integer> gnuHashHits(long o, long table, int entsize, byte[] name) throws MalformedElfException {
        b.check(o, 16, "DT_GNU_HASH header");
        long nbuckets = b.u32(o);
        long symoffset = b.u32(o + 4);
        long bloomSize = b.u32(o + 8);
        int shift = (int) b.u32(o + 12);
        if (nbuckets == 0 || bloomSize == 0) {
            return List.of();
        }
        b.checkTable(o + 16, bloomSize, b.wordSize(), "DT_GNU_HASH bloom filter");
        long buckets = o + 16 + bloomSize * b.wordSize();
        b.checkTable(buckets, nbuckets, 4, "DT_GNU_HASH buckets");
        long h = 5381;
        for (byte c : name) {
            h = (h * 33 + (c & 0xff)) & 0xffffffffL;
        }
        int bits = b.wordSize() * 8;
        long word = b.word(o + 16 + ((h / bits) % bloomSize) * b.wordSize());
        long mask = (1L << (h % bits)) | (1L << ((h >>> (shift & 31)) % bits));
        if ((word & mask) != mask) {
            return List.of();
        }
        long i = b.u32(buckets + 4 * (h % nbuckets));
        if (i == 0 || i < symoffset) {
            return List.of();
        }
        long chains = buckets + 4 * nbuckets;
        List<Integer> hits = new ArrayList<>(1);
        for (long steps = 0; steps <= b.size() / 4; steps++, i++) {
            long entry = chains + 4 * (i - symoffset);
            b.check(entry, 4, "DT_GNU_HASH chain");
            long ch = b.u32(entry);
            if ((ch | 1) == (h | 1) && nameIs(table, entsize, i, name)) {
                hits.add((int) i);
            }
            if ((ch & 1) != 0) {
                return hits;
            }
        }
        throw b.malformed("DT_GNU_HASH chain does not end");
    }

    /** The System V hash table (gABI "Hash Table"): bucket, then the chain until index 0. */
    private List<Integer> sysvHashHits(long o, long table, int entsize, byte[] name) throws MalformedElfException {
        b.check(o, 8, "DT_HASH header");
        long nbucket = b.u32(o);
        long nchain = b.u32(o + 4);
        if (nbucket == 0) {
            return List.of();
        }
        b.checkTable(o + 8, nbucket + nchain, 4, "DT_HASH table");
        long h = 0;
        for (byte c : name) {
            h = ((h << 4) + (c & 0xff)) & 0xffffffffL;
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        List<Integer> hits = new ArrayList<>(1);
        long i = b.u32(o + 8 + 4 * (h % nbucket));
        for (long steps = 0; i != 0 && steps <= nchain; steps++) {
            if (i >= nchain) {
                throw b.malformed("DT_HASH chain index " + i + " is past the chain table (" + nchain + " entries)");
            }
            if (nameIs(table, entsize, i, name)) {
                hits.add((int) i);
            }
            i = b.u32(o + 8 + 4 * nbucket + 4 * i);
        }
        return hits;
    }

    private boolean nameIs(long table, int entsize, long i, byte[] name) throws MalformedElfException {
        long o = table + i * entsize;
        b.check(o, entsize, "dynamic symbol " + i);
        return image.dynamicStringEquals(b.u32(o), name);
    }

    private DynamicSymbol symbolAt(long table, int entsize, int i, long versym, Map<Integer, String> defined,
            Map<Integer, String[]> needed) throws MalformedElfException {
        long o = table + (long) i * entsize;
        b.check(o, entsize, "dynamic symbol " + i);
        long nameOffset = b.u32(o);
        int info;
        int other;
        int shndx;
        long value;
        long size;
        if (b.is64()) {
            info = b.u8(o + 4);
            other = b.u8(o + 5);
            shndx = b.u16(o + 6);
            value = b.u64(o + 8);
            size = b.u64(o + 16);
        } else {
            value = b.u32(o + 4);
            size = b.u32(o + 8);
            info = b.u8(o + 12);
            other = b.u8(o + 13);
            shndx = b.u16(o + 14);
        }
        String name = i == 0 && nameOffset == 0 ? "" : image.dynamicString(nameOffset, "name of dynamic symbol " + i);
        Optional<SymbolVersion> version = Optional.empty();
        if (versym >= 0) {
            version = Optional.of(version(b.u16(versym + 2L * i), shndx, defined, needed));
        }
        return new DynamicSymbol(i, name, value, size, SymbolBinding.of(info >> 4), SymbolType.of(info & 0xf),
                SymbolVisibility.of(other), shndx, version);
    }

    /** Resolves a versym entry the way readelf does: definitions in Verdef, references in Verneed. */
    private static SymbolVersion version(int raw, int shndx, Map<Integer, String> defined, Map<Integer, String[]> needed) {
        int index = raw & ~VERSYM_HIDDEN;
        boolean hidden = (raw & VERSYM_HIDDEN) != 0;
        if (index > SymbolVersion.VER_NDX_GLOBAL) {
            if (shndx != DynamicSymbol.SHN_UNDEF) {
                String name = defined.get(index);
                if (name != null) {
                    return new SymbolVersion(index, hidden, name, Optional.empty());
                }
            }
            String[] need = needed.get(index);
            if (need != null) {
                return new SymbolVersion(index, hidden, need[0], Optional.of(need[1]));
            }
        }
        return new SymbolVersion(index, hidden, "", Optional.empty());
    }

    private long count(int entsize) throws MalformedElfException {
        try {
            for (SectionHeader s : image.sectionHeaders()) {
                if (s.type() == SectionHeader.SHT_DYNSYM && s.entsize() == entsize) {
                    return s.size() / entsize;
                }
            }
        } catch (MalformedElfException e) {
            // Section headers are optional for the loader; fall back to the hash tables it uses.
        }
        Optional<Long> hash = image.tag(ElfImage.DT_HASH);
        if (hash.isPresent()) {
            long o = image.offsetOf(hash.get(), "DT_HASH");
            b.check(o, 8, "DT_HASH header");
            return b.u32(o + 4);
        }
        Optional<Long> gnuHash = image.tag(ElfImage.DT_GNU_HASH);
        if (gnuHash.isPresent()) {
            return gnuHashCount(image.offsetOf(gnuHash.get(), "DT_GNU_HASH"));
        }
        return 0;
    }

    /** The symbol count implied by DT_GNU_HASH: one past the end of the chain of the highest bucket. */
    private long gnuHashCount(long o) throws MalformedElfException {
        b.check(o, 16, "DT_GNU_HASH header");
        long nbuckets = b.u32(o);
        long symoffset = b.u32(o + 4);
        long bloomSize = b.u32(o + 8);
        long buckets = o + 16 + bloomSize * b.wordSize();
        b.checkTable(o + 16, bloomSize, b.wordSize(), "DT_GNU_HASH bloom filter");
        b.checkTable(buckets, nbuckets, 4, "DT_GNU_HASH buckets");
        long max = 0;
        for (long i = 0; i < nbuckets; i++) {
            max = Math.max(max, b.u32(buckets + 4 * i));
        }
        if (max < symoffset) {
            return symoffset;
        }
        long chains = buckets + 4 * nbuckets;
        long limit = b.size() / 4;
        for (long i = max; i - symoffset < limit; i++) {
            long entry = chains + 4 * (i - symoffset);
            b.check(entry, 4, "DT_GNU_HASH chain");
            if ((b.u32(entry) & 1) != 0) {
                return i + 1;
            }
        }
        throw b.malformed("DT_GNU_HASH chain does not end");
    }
}
