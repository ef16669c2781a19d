package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * docs/ldd-bind-elf.md ("How the reader works, and its tests") for the long manual mode.
 */
class ElfFuzzTest {
    /** A mutant that takes this long is hung, not slow: the reader is linear in the file size. */
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void mutantsFailCleanlyOrParse() throws Exception {
        long seconds = Long.getLong("memproxy.fuzz.seconds", 20);
        long seed = Long.getLong("memproxy.fuzz.seed", 20261123L);
        List<Mutants.Seed> seeds = Mutants.seeds();
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
                Mutants.Seed s = seeds.get(random.nextInt(seeds.size()));
                byte[] mutant = Mutants.mutate(s, random);
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
            image.definitions("malloc");
            image.definitions("ver_api");
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

}
