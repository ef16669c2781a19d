package io.memproxy.elf;

import java.util.ArrayList;
import java.util.List;

/** Reads the section header table and resolves names through the section name string table. */
final class SectionReader {
    private SectionReader() {}

    static List<SectionHeader> read(ElfBytes b, long shoff, int shentsize, int shnum, int shstrndx)
            throws MalformedElfException {
        if (shnum == 0) {
            return List.of();
        }
        int min = b.is64() ? 64 : 40;
        if (shentsize < min) {
            throw b.malformed("section header entry size " + shentsize + " is smaller than " + min);
        }
        b.checkTable(shoff, shnum, shentsize, "section header table");
        StringTable names = null;
        if (shstrndx != 0 && shstrndx < shnum) {
            long o = shoff + (long) shstrndx * shentsize;
            names = new StringTable(b, b.word(o + (b.is64() ? 24 : 16)), b.word(o + (b.is64() ? 32 : 20)),
                    "section name string table");
        }
        List<SectionHeader> out = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long o = shoff + (long) i * shentsize;
            long nameIndex = b.u32(o);
            String name = "";
            if (names != null && nameIndex != 0) {
                name = names.get(nameIndex, "section " + i + "'s name");
            }
            if (b.is64()) {
                out.add(new SectionHeader(name, (int) b.u32(o + 4), b.u64(o + 8), b.u64(o + 16), b.u64(o + 24),
                        b.u64(o + 32), (int) b.u32(o + 40), (int) b.u32(o + 44), b.u64(o + 56)));
            } else {
                out.add(new SectionHeader(name, (int) b.u32(o + 4), b.u32(o + 8), b.u32(o + 12), b.u32(o + 16),
                        b.u32(o + 20), (int) b.u32(o + 24), (int) b.u32(o + 28), b.u32(o + 36)));
            }
        }
        return List.copyOf(out);
    }
}
