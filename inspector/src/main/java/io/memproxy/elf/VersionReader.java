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

    /** Verdef: vd_flags, vd_ndx, vd_cnt, vd_hash, vd_aux, vd_next (at 16); Verdaux: vda_name, vda_next (at 4). */
    List<VersionDefinition> definitions() throws MalformedElfException {
        return chain(ElfImage.DT_VERDEF, "DT_VERDEF", ElfImage.DT_VERDEFNUM, "DT_VERDEFNUM", VERDEF_SIZE, 16,
                new Aux(VERDAUX_SIZE, 4, "version definition", " name entry "), new EntryReader<VersionDefinition>() {
                    @Override
                    public VersionDefinition read(long p, long i, Aux aux) throws MalformedElfException {
                        int flags = b.u16(p + 2);
                        int index = b.u16(p + 4);
                        List<String> names = new ArrayList<>();
                        aux.walk(p + b.u32(p + 12), b.u16(p + 6), i, new AuxReader() {
                            @Override
                            public void read(long a) throws MalformedElfException {
                                names.add(image.dynamicString(b.u32(a), "version definition name"));
                            }
                        });
                        return new VersionDefinition(index, flags, b.u32(p + 8), names.isEmpty() ? "" : names.get(0),
                                names.isEmpty() ? List.of() : names.subList(1, names.size()));
                    }
                });
    }

    /** Verneed: vn_cnt, vn_file, vn_aux, vn_next (at 12); Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next (at 12). */
    List<VersionRequirement> requirements() throws MalformedElfException {
        return chain(ElfImage.DT_VERNEED, "DT_VERNEED", ElfImage.DT_VERNEEDNUM, "DT_VERNEEDNUM", VERNEED_SIZE, 12,
                new Aux(VERNAUX_SIZE, 12, "version requirement", " entry "), new EntryReader<VersionRequirement>() {
                    @Override
                    public VersionRequirement read(long p, long i, Aux aux) throws MalformedElfException {
                        int cnt = b.u16(p + 2);
                        String file = image.dynamicString(b.u32(p + 4), "version requirement file name");
                        List<VersionRequirement.Need> needs = new ArrayList<>();
                        aux.walk(p + b.u32(p + 8), cnt, i, new AuxReader() {
                            @Override
                            public void read(long a) throws MalformedElfException {
                                needs.add(new VersionRequirement.Need(image.dynamicString(b.u32(a + 8), "needed version name"), b.u32(a),
                                        b.u16(a + 4), b.u16(a + 6)));
                            }
                        });
                        return new VersionRequirement(file, needs);
                    }
                });
    }

    // The readers are classes, not lambdas: they run once per object, where a lambda's linkage costs more than the read.

    /** Reads the entry at offset {@code p}, the {@code i}th of its chain, with its aux entries. */
    private interface EntryReader<T> {
        T read(long p, long i, Aux aux) throws MalformedElfException;
    }

    /** Reads one aux entry at offset {@code a}. */
    private interface AuxReader {
        void read(long a) throws MalformedElfException;
    }

    /**
     * The chain a dynamic tag points at: at most the count its *NUM tag gives (or the file could hold), each
     * entry checked to lie in the file, followed through the offset at {@code nextAt} until it is 0.
     */
    private <T> List<T> chain(long tag, String tagName, long numTag, String numName, int size, int nextAt, Aux aux,
            EntryReader<T> reader) throws MalformedElfException {
        Long address = image.tag(tag).orElse(null);
        if (address == null) {
            return List.of();
        }
        long count = image.tag(numTag).orElse(b.size() / size);
        checkCount(count, size, numName);
        long p = image.offsetOf(address, tagName);
        List<T> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            b.check(p, size, aux.what + " " + i);
            long next = b.u32(p + nextAt);
            out.add(reader.read(p, i, aux));
            if (next == 0) {
                break;
            }
            p += next;
        }
        return List.copyOf(out);
    }

    /** The aux entries of one chain (names, needed versions), with one budget for the whole chain. */
    private final class Aux {
        private final int size;
        private final int nextAt;
        private final String what;
        private final String entryWord;
        private long budget;

        Aux(int size, int nextAt, String what, String entryWord) {
            this.size = size;
            this.nextAt = nextAt;
            this.what = what;
            this.entryWord = entryWord;
            this.budget = b.size() / size;
        }

        /** {@code cnt} entries from offset {@code a} for entry {@code i}, followed through their next offsets until 0. */
        void walk(long a, int cnt, long i, AuxReader reader) throws MalformedElfException {
            for (int j = 0; j < cnt; j++) {
                if (--budget < 0) {
                    throw b.malformed(what + " chain is longer than the file could hold");
                }
                b.check(a, size, what + " " + i + entryWord + j);
                reader.read(a);
                long an = b.u32(a + nextAt);
                if (an == 0) {
                    break;
                }
                a += an;
            }
        }
    }

    private void checkCount(long count, int entrySize, String what) throws MalformedElfException {
        if (count < 0 || count > b.size() / entrySize) {
            throw b.malformed(String.format("%s says %s entries, more than the file could hold",
                    what, Long.toUnsignedString(count)));
        }
    }
}
