package io.memproxy.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code .gnu.version_d} (DT_VERDEF) and {@code .gnu.version_r} (DT_VERNEED). Chains are followed
 * through their {@code *_next} offsets; each walk is capped by the entry count and by the number of
 * entries the file could hold, so a cyclic or huge chain ends with an error, never a hang.
 */
final class VersionReader {
    private static final int VERDEF_SIZE = 20;
    private static final int VERDAUX_SIZE = 8;
    private static final int VERNEED_SIZE = 16;
    private static final int VERNAUX_SIZE = 16;

    private final ElfBytes b;
    private final ElfImage image;

    VersionReader(ElfBytes b, ElfImage image) {
        this.b = b;
        this.image = image;
    }

    List<VersionDefinition> definitions() throws MalformedElfException {
        Long address = image.tag(ElfImage.DT_VERDEF).orElse(null);
        if (address == null) {
            return List.of();
        }
        long count = image.tag(ElfImage.DT_VERDEFNUM).orElse(b.size() / VERDEF_SIZE);
        checkCount(count, VERDEF_SIZE, "DT_VERDEFNUM");
        long p = image.offsetOf(address, "DT_VERDEF");
        List<VersionDefinition> out = new ArrayList<>();
        long auxBudget = b.size() / VERDAUX_SIZE;
        for (long i = 0; i < count; i++) {
            b.check(p, VERDEF_SIZE, "version definition " + i);
            int flags = b.u16(p + 2);
            int index = b.u16(p + 4);
            int cnt = b.u16(p + 6);
            long hash = b.u32(p + 8);
            long aux = b.u32(p + 12);
            long next = b.u32(p + 16);
            String name = "";
            List<String> parents = new ArrayList<>();
            long a = p + aux;
            for (int j = 0; j < cnt; j++) {
                if (--auxBudget < 0) {
                    throw b.malformed("version definition chain is longer than the file could hold");
                }
                b.check(a, VERDAUX_SIZE, "version definition " + i + " name entry " + j);
                String s = image.dynamicString(b.u32(a), "version definition name");
                if (j == 0) {
                    name = s;
                } else {
                    parents.add(s);
                }
                long an = b.u32(a + 4);
                if (an == 0) {
                    break;
                }
                a += an;
            }
            out.add(new VersionDefinition(index, flags, hash, name, parents));
            if (next == 0) {
                break;
            }
            p += next;
        }
        return List.copyOf(out);
    }

    List<VersionRequirement> requirements() throws MalformedElfException {
        Long address = image.tag(ElfImage.DT_VERNEED).orElse(null);
        if (address == null) {
            return List.of();
        }
        long count = image.tag(ElfImage.DT_VERNEEDNUM).orElse(b.size() / VERNEED_SIZE);
        checkCount(count, VERNEED_SIZE, "DT_VERNEEDNUM");
        long p = image.offsetOf(address, "DT_VERNEED");
        List<VersionRequirement> out = new ArrayList<>();
        long auxBudget = b.size() / VERNAUX_SIZE;
        for (long i = 0; i < count; i++) {
            b.check(p, VERNEED_SIZE, "version requirement " + i);
            int cnt = b.u16(p + 2);
            String file = image.dynamicString(b.u32(p + 4), "version requirement file name");
            long aux = b.u32(p + 8);
            long next = b.u32(p + 12);
            List<VersionRequirement.Need> needs = new ArrayList<>();
            long a = p + aux;
            for (int j = 0; j < cnt; j++) {
                if (--auxBudget < 0) {
                    throw b.malformed("version requirement chain is longer than the file could hold");
                }
                b.check(a, VERNAUX_SIZE, "version requirement " + i + " entry " + j);
                long hash = b.u32(a);
                int flags = b.u16(a + 4);
                int other = b.u16(a + 6);
                String name = image.dynamicString(b.u32(a + 8), "needed version name");
                needs.add(new VersionRequirement.Need(name, hash, flags, other));
                long an = b.u32(a + 12);
                if (an == 0) {
                    break;
                }
                a += an;
            }
            out.add(new VersionRequirement(file, needs));
            if (next == 0) {
                break;
            }
            p += next;
        }
        return List.copyOf(out);
    }

    private void checkCount(long count, int entrySize, String what) throws MalformedElfException {
        if (count < 0 || count > b.size() / entrySize) {
            throw b.malformed(String.format("%s says %s entries, more than the file could hold",
                    what, Long.toUnsignedString(count)));
        }
    }
}
