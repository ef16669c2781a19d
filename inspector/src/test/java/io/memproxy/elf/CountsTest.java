package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The counts read from the tables' sizes (for the doctor's chain.cost, without reading the symbols) equal the
 * sizes of the full reads (and the file size kept is the file's), on Debian's libraries of both word sizes (versioned symbol tables, DT_RELA and DT_REL,
 * PLT tables inside and beside the dynamic ones) and on the fixtures.
 */
class CountsTest {
    @ParameterizedTest
    @ValueSource(strings = {"/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libgcc_s.so.1",
        "/lib64/ld-linux-x86-64.so.2", "/usr/bin/bash", "/usr/bin/dash",
        "/usr/lib/i386-linux-gnu/libstdc++.so.6", "/usr/lib/i386-linux-gnu/libjemalloc.so.2", "/usr/lib32/libc.so.6",
        "fixture:libver.so", "fixture:libver32.so", "fixture:libbe.so", "fixture:prog", "fixture:prog32"})
    void countsAgreeWithTheFullReads(String which) throws Exception {
        Path file = which.startsWith("fixture:") ? Fixtures.get(which.substring(8)) : Path.of(which);
        ElfImage fresh = ElfImage.read(file);
        int symbols = fresh.dynamicSymbolCount();
        int relocations = fresh.relocationCount();
        ElfImage full = ElfImage.read(file);
        assertTrue(full.dynamicSymbols().size() > 1, file + " has symbols to count");
        assertEquals(full.dynamicSymbols().size(), symbols, file + ": symbols");
        assertEquals(full.relocations().size(), relocations, file + ": relocations");
        // Once the full reads are kept, the counts are their sizes.
        assertEquals(full.relocations().size(), full.relocationCount(), file.toString());
        assertEquals(full.dynamicSymbols().size(), full.dynamicSymbolCount(), file.toString());
        assertEquals(java.nio.file.Files.size(file), fresh.fileSize(), file + ": size");
    }
}
