package io.memproxy.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seed files and the mutations the fuzz tests apply to them. */
public final class Mutants {
    private Mutants() {}

    /** A seed file, its byte order and the (offset, length) regions worth mutating. */
    public record Seed(String name, byte[] bytes, ByteOrder order, List<long[]> regions) {}

    public static List<Seed> seeds() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String f : List.of("libver.so", "libver-rpath.so", "prog", "libver32.so", "prog32", "libbe.so")) {
            files.add(Fixtures.get(f));
        }
        files.add(Path.of("/usr/bin/ls"));
        files.add(Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"));
        files.add(Path.of("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"));
        files.add(Path.of("/lib/x86_64-linux-gnu/libc.so.6"));
        List<Seed> seeds = new ArrayList<>();
        for (Path f : files) {
            ElfImage image = ElfImage.read(f);
            seeds.add(new Seed(f.getFileName().toString(), Files.readAllBytes(f),
                    image.header().encoding().byteOrder(), regions(image)));
        }
        return seeds;
    }

    /** The parts of a file the reader interprets: headers, dynamic section, tables, strings. */
    static List<long[]> regions(ElfImage image) throws MalformedElfException {
        List<long[]> r = new ArrayList<>();
        r.add(new long[] {0, image.header().elfClass() == ElfClass.ELF64 ? 64 : 52});
        for (ProgramHeader p : image.programHeaders()) {
            if (p.type() != ProgramHeader.PT_LOAD) {
                r.add(new long[] {p.offset(), Math.min(p.filesz(), 4096)});
            }
        }
        for (SectionHeader s : image.sectionHeaders()) {
            if (s.type() == SectionHeader.SHT_DYNSYM || s.type() == SectionHeader.SHT_GNU_VERDEF
                    || s.type() == SectionHeader.SHT_GNU_VERNEED || s.type() == SectionHeader.SHT_GNU_VERSYM
                    || s.name().equals(".dynstr") || s.name().startsWith(".rel") || s.name().equals(".gnu.hash")
                    || s.name().equals(".hash")) {
                r.add(new long[] {s.offset(), Math.min(s.size(), 16384)});
            }
        }
        return r;
    }

    private static final long[] INTERESTING = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffffL, 0x80000000L, 0xffffffffL, -1, Long.MAX_VALUE, Long.MIN_VALUE,
        0x1000, 0x10000, 16, 20, 24, 56, 64
    };

    public static byte[] mutate(Seed s, Random random) {
        byte[] b = s.bytes().clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(s.order());
        int edits = 1 + random.nextInt(random.nextInt(10) == 0 ? 64 : 4);
        for (int i = 0; i < edits; i++) {
            long[] region = s.regions().get(random.nextInt(s.regions().size()));
            int at = (int) Math.min(b.length - 8, region[0] + (region[1] <= 0 ? 0 : random.nextInt((int) region[1])));
            if (at < 0) {
                continue;
            }
            switch (random.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> buf.putShort(at & ~1, (short) INTERESTING[random.nextInt(INTERESTING.length)]);
                case 3 -> buf.putInt(at & ~3, (int) INTERESTING[random.nextInt(INTERESTING.length)]);
                case 4 -> buf.putLong(Math.min(at & ~7, b.length - 8), INTERESTING[random.nextInt(INTERESTING.length)]);
                default -> buf.putInt(at & ~3, (int) (b.length + random.nextInt(64) - 32));
            }
        }
        if (random.nextInt(8) == 0) {
            return java.util.Arrays.copyOf(b, random.nextInt(b.length));
        }
        return b;
    }
}
