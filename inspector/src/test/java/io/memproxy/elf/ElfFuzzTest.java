package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over real libraries and the fixtures. Each mutant is read completely (header,
 * sections, symbols, versions, relocations); the only acceptable outcomes are success or an
 * {@link ElfException} with a designed one-line message naming the file. A failing mutant is saved under
 * target/fuzz-failures with its seed and iteration.
 *
 * <p>Runs for {@code memproxy.fuzz.seconds} (CI default 20) from seed {@code memproxy.fuzz.seed}; see the
 * README for the long manual mode.
 */
class ElfFuzzTest {
    /** A mutant that takes this long is hung, not slow: the reader is linear in the file size. */
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    record Seed(String name, byte[] bytes, ByteOrder order, List<long[]> regions) {}

    @Test
    void mutantsFailCleanlyOrParse() throws Exception {
        long seconds = Long.getLong("memproxy.fuzz.seconds", 20);
        long seed = Long.getLong("memproxy.fuzz.seed", 20261123L);
        List<Seed> seeds = seeds();
        Random random = new Random(seed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
        long iterations = 0;
        long parsed = 0;
        try {
            while (System.nanoTime() < deadline) {
                Seed s = seeds.get(random.nextInt(seeds.size()));
                byte[] mutant = mutate(s, random);
                Path file = Files.write(dir.resolve("mutant-" + (iterations % 4) + ".so"), mutant);
                Future<Boolean> run = worker.submit(() -> readAll(file));
                String problem = null;
                try {
                    if (run.get(HANG.toSeconds(), TimeUnit.SECONDS)) {
                        parsed++;
                    }
                } catch (TimeoutException e) {
                    problem = "hang (over " + HANG.toSeconds() + " s)";
                } catch (java.util.concurrent.ExecutionException e) {
                    problem = String.valueOf(e.getCause());
                }
                if (problem != null) {
                    Path saved = save(mutant, seed, iterations, s.name());
                    fail("seed " + seed + " iteration " + iterations + " (" + s.name() + "): " + problem
                            + "; mutant saved as " + saved);
                }
                iterations++;
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("elf fuzz: seed %d, %d mutants in %d s, %d read without error%n",
                seed, iterations, seconds, parsed);
        assertTrue(iterations > 0);
    }

    /** True when the mutant parsed; false for a clean error; throws for anything else. */
    static boolean readAll(Path file) {
        try {
            ElfImage image = ElfImage.read(file);
            image.sectionHeaders();
            image.dynamicSymbols().forEach(DynamicSymbol::versionedName);
            image.versionDefinitions();
            image.versionRequirements();
            image.relocations();
            return true;
        } catch (ElfException e) {
            String m = e.getMessage();
            if (!m.startsWith(file + ": ") || m.contains("\n") || m.contains("cannot be parsed")) {
                throw new AssertionError("not a designed one-line error: " + m);
            }
            return false;
        }
    }

    private static Path save(byte[] mutant, long seed, long iteration, String name) throws IOException {
        Path out = Path.of("target", "fuzz-failures");
        Files.createDirectories(out);
        return Files.write(out.resolve(name + "-seed" + seed + "-" + iteration), mutant).toAbsolutePath();
    }

    static List<Seed> seeds() throws Exception {
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

    static byte[] mutate(Seed s, Random random) {
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
