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
        int entsize = b.is64() ? 24 : 16;
        long declared = image.tag(ElfImage.DT_SYMENT).orElse((long) entsize);
        if (declared != entsize) {
            throw b.malformed("DT_SYMENT is " + declared + ", expected " + entsize);
        }
        long table = image.offsetOf(address, "DT_SYMTAB");
        long count = count(entsize);
        b.checkTable(table, count, entsize, "dynamic symbol table");

        long versym = -1;
        Optional<Long> versymAddress = image.tag(ElfImage.DT_VERSYM);
        Map<Integer, String> defined = new HashMap<>();
        Map<Integer, String[]> needed = new HashMap<>();
        if (versymAddress.isPresent()) {
            versym = image.offsetOf(versymAddress.get(), "DT_VERSYM");
            b.checkTable(versym, count, 2, "symbol version table");
            for (VersionDefinition d : image.versionDefinitions()) {
                defined.putIfAbsent(d.index(), d.name());
            }
            for (VersionRequirement r : image.versionRequirements()) {
                for (VersionRequirement.Need n : r.versions()) {
                    needed.putIfAbsent(n.other(), new String[] {n.name(), r.file()});
                }
            }
        }

        List<DynamicSymbol> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long o = table + (long) i * entsize;
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
            out.add(new DynamicSymbol(i, name, value, size, SymbolBinding.of(info >> 4), SymbolType.of(info & 0xf),
                    SymbolVisibility.of(other), shndx, version));
        }
        return List.copyOf(out);
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
