package io.memproxy.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the dynamic relocation tables DT_RELA/DT_REL and DT_JMPREL. */
final class RelocationReader {
    private final ElfBytes b;
    private final ElfImage image;

    RelocationReader(ElfBytes b, ElfImage image) {
        this.b = b;
        this.image = image;
    }

    List<DynamicRelocation> relocations() throws MalformedElfException {
        List<DynamicSymbol> symbols = image.dynamicSymbols();
        List<DynamicRelocation> out = new ArrayList<>();
        walk(out, symbols, symbols.size());
        return List.copyOf(out);
    }

    /**
     * How many entries {@link #relocations()} lists, with the same checks of the tables and of each entry's symbol
     * index, but without reading the symbols: only the table's size is needed (libstdc++ has 6,000 symbols).
     */
    int count() throws MalformedElfException {
        return walk(null, null, image.dynamicSymbolCount());
    }

    /** Reads both tables; the entries go to {@code out} (with their symbols' names) when it is not null. Returns their number. */
    private int walk(List<DynamicRelocation> out, List<DynamicSymbol> symbols, int symbolCount) throws MalformedElfException {
        boolean pltIsRela = image.tag(ElfImage.DT_PLTREL).orElse(ElfImage.DT_RELA) == ElfImage.DT_RELA;
        Optional<Long> jmprel = image.tag(ElfImage.DT_JMPREL);
        long pltSize = image.tag(ElfImage.DT_PLTRELSZ).orElse(0L);
        int n = read(out, symbols, symbolCount, ElfImage.DT_RELA, ElfImage.DT_RELASZ, true, jmprel, pltSize);
        n += read(out, symbols, symbolCount, ElfImage.DT_REL, ElfImage.DT_RELSZ, false, jmprel, pltSize);
        if (jmprel.isPresent()) {
            long start = image.offsetOf(jmprel.get(), "DT_JMPREL");
            n += table(out, symbols, symbolCount, DynamicRelocation.Table.PLT, start, pltSize, pltIsRela);
        }
        return n;
    }

    private int read(List<DynamicRelocation> out, List<DynamicSymbol> symbols, int symbolCount, long tag, long sizeTag, boolean rela,
            Optional<Long> jmprel, long pltSize) throws MalformedElfException {
        Optional<Long> address = image.tag(tag);
        if (address.isEmpty()) {
            return 0;
        }
        long size = image.tag(sizeTag).orElse(0L);
        // Some linkers count the PLT relocations in DT_RELSZ too (glibc elf/dynamic-link.h trims them).
        if (jmprel.isPresent() && address.get() + size == jmprel.get() + pltSize && pltSize <= size) {
            size -= pltSize;
        }
        long start = image.offsetOf(address.get(), tag == ElfImage.DT_RELA ? "DT_RELA" : "DT_REL");
        return table(out, symbols, symbolCount, DynamicRelocation.Table.DYN, start, size, rela);
    }

    private int table(List<DynamicRelocation> out, List<DynamicSymbol> symbols, int symbolCount, DynamicRelocation.Table table,
            long start, long size, boolean rela) throws MalformedElfException {
        int w = b.wordSize();
        int entsize = rela ? 3 * w : 2 * w;
        b.check(start, size, table == DynamicRelocation.Table.PLT ? "PLT relocation table" : "relocation table");
        if (out == null) {
            return count(start, size, entsize, symbolCount);
        }
        int machine = image.header().machine();
        int n = 0;
        for (long o = start; o + entsize <= start + size; o += entsize, n++) {
            long info = b.word(o + w);
            int symbol = (int) (b.is64() ? info >>> 32 : info >>> 8);
            checkSymbol(o, symbol, symbolCount);
            long offset = b.word(o);
            int type = (int) (b.is64() ? info & 0xffffffffL : info & 0xff);
            long addend = rela ? (b.is64() ? b.u64(o + 2L * w) : (int) b.u32(o + 2L * w)) : 0;
            String name = symbol == 0 ? "" : symbols.get(symbol).name();
            out.add(new DynamicRelocation(table, offset, type, RelocationKind.of(machine, type), symbol, name, addend));
        }
        return n;
    }

    /** The entries of one checked table, each entry's symbol index checked as {@link #table} checks it. */
    private int count(long start, long size, int entsize, int symbolCount) throws MalformedElfException {
        int w = b.wordSize();
        java.nio.ByteBuffer t = b.slice(start, (int) size);
        // The table's words copied in bulk: a loop over an array runs far faster than a buffer call per entry
        // before the compiler gets to it, and it runs once.
        long[] words64 = b.is64() ? new long[(int) (size / 8)] : null;
        int[] words32 = b.is64() ? null : new int[(int) (size / 4)];
        if (b.is64()) {
            t.asLongBuffer().get(words64);
        } else {
            t.asIntBuffer().get(words32);
        }
        int n = 0;
        for (int o = 0; o + entsize <= size; o += entsize, n++) {
            long info = b.is64() ? words64[(o + w) / 8] : words32[(o + w) / 4] & 0xffffffffL;
            int symbol = (int) (b.is64() ? info >>> 32 : info >>> 8);
            checkSymbol(start + o, symbol, symbolCount);
        }
        return n;
    }

    /** The entry at {@code entry} must name a symbol of the table (index 0 is none). */
    private void checkSymbol(long entry, int symbol, int symbolCount) throws MalformedElfException {
        if (symbol < 0 || symbol >= symbolCount) {
            throw b.malformed(String.format("relocation at 0x%x refers to symbol %d of %d",
                    b.word(entry), Integer.toUnsignedLong(symbol), symbolCount));
        }
    }
}
