package io.memproxy.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.loader.AllocatorSymbols;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shim's tables (shim/data) as the inspector reads them: the very files the shim is built from, and true of
 * Debian's allocators and of the built shim.
 */
class ShimTablesTest {
    static final Path DATA = Path.of(System.getProperty("user.dir")).getParent().resolve("shim/data");
    static final Path SHIM = DATA.resolveSibling("build/x86_64/libmemproxy.so");
    static final Map<String, String> LIBRARY = Map.of(
            "jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "tcmalloc", "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
            "mimalloc", "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2");

    @Test
    void theJarHoldsTheShimsOwnFiles() throws IOException {
        for (String name : List.of("allocators.tsv", "exports.txt")) {
            try (InputStream in = ShimTablesTest.class.getResourceAsStream("/memproxy-shim/" + name)) {
                assertArrayEquals(Files.readAllBytes(DATA.resolve(name)), in.readAllBytes(), name);
            }
        }
    }

    @Test
    void profilesAreTheTablesLines() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(DATA.resolve("allocators.tsv"), StandardCharsets.UTF_8)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.substring(0, line.indexOf('\t')));
            }
        }
        assertEquals(names, AllocatorProfile.ALL.stream().map(AllocatorProfile::name).toList());
        AllocatorProfile je = AllocatorProfile.named("jemalloc").orElseThrow();
        assertEquals("mallocx", je.marker().orElseThrow());
        assertEquals("malloc_usable_size", je.symbol(Role.USABLE_SIZE));
        assertEquals("mi_collect", AllocatorProfile.named("mimalloc").orElseThrow().symbol(Role.TRIM));
        assertEquals("collects free memory (mi_collect(true))", AllocatorProfile.named("mimalloc").orElseThrow().trim());
    }

    /** Every profile is what Debian's library of that allocator defines (each is installed by make deps). */
    @Test
    void debiansAllocatorsDefineTheirProfiles() throws Exception {
        assertEquals(LIBRARY.keySet(), Set.copyOf(AllocatorProfile.ALL.stream().map(AllocatorProfile::name).toList()));
        for (AllocatorProfile p : AllocatorProfile.ALL) {
            Set<String> defined = dynamicSymbols(LIBRARY.get(p.name()));
            List<String> wanted = new ArrayList<>(p.symbols());
            p.marker().ifPresent(wanted::add);
            for (String s : wanted) {
                assertTrue(defined.contains(s), p.name() + ": " + LIBRARY.get(p.name()) + " does not define " + s);
            }
        }
    }

    /** The built shim exports the malloc family and the 64-bit operators the inspector follows. */
    @Test
    void theBuiltShimExportsWhatTheInspectorFollows() throws Exception {
        Set<String> exported = dynamicSymbols(SHIM.toString());
        assertEquals(18, AllocatorSymbols.MALLOC_FAMILY.size());
        assertEquals(32, AllocatorSymbols.NEW_DELETE.size());
        for (String s : AllocatorSymbols.ALL) {
            boolean ilp32 = s.matches("(_Zn[wa]|_Zd[la]Pv)j.*");
            assertEquals(!ilp32, exported.contains(s), s);
        }
    }

    static Set<String> dynamicSymbols(String file) throws Exception {
        Process p = new ProcessBuilder("nm", "-D", "--defined-only", file).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Set<String> names = new TreeSet<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                names.add(f[2].replaceFirst("@.*", ""));
            }
        }
        return names;
    }
}
