package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hash-table lookup finds exactly the non-local definitions a full read of the symbol table finds. */
class SymbolLookupTest {
    @ParameterizedTest
    @ValueSource(strings = {"/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/bin/bash", "/usr/bin/perl",
        "fixture:libver.so", "fixture:libver-rpath.so", "fixture:libver32.so", "fixture:libbe.so", "fixture:prog"})
    void lookupAgreesWithTheFullTable(String which) throws ElfException {
        Path file = which.startsWith("fixture:") ? Fixtures.get(which.substring(8)) : Path.of(which);
        List<DynamicSymbol> all = ElfImage.read(file).dynamicSymbols();
        Set<String> names = new LinkedHashSet<>();
        all.forEach(d -> names.add(d.name()));
        names.addAll(List.of("malloc", "free", "no_such_symbol_anywhere", "mallocx", ""));
        assertTrue(names.size() > 5, file + " has too few symbols to test");
        ElfImage fresh = ElfImage.read(file); // no full read cached: the lookup goes through the hash table
        for (String n : names) {
            List<DynamicSymbol> expected = all.stream()
                    .filter(d -> d.isDefined() && d.binding() != SymbolBinding.LOCAL && d.name().equals(n)).toList();
            assertEquals(expected, fresh.definitions(n), file + ": " + n);
        }
    }
}
