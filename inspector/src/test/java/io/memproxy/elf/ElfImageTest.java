package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader on the machine's own libc, ls and libc's ld script. */
class ElfImageTest {
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    @Test
    void libcHeaderAndDynamicSection() throws Exception {
        ElfImage libc = ElfImage.read(LIBC);
        ElfHeader h = libc.header();
        assertEquals(ElfClass.ELF64, h.elfClass());
        assertEquals(DataEncoding.LSB, h.encoding());
        assertEquals(ElfHeader.EM_X86_64, h.machine());
        assertEquals(ElfType.DYN, h.type());
        assertTrue(h.buildId().isPresent());
        assertEquals("libc.so.6", libc.dynamic().soname().orElseThrow());
        assertEquals(List.of("ld-linux-x86-64.so.2"), libc.dynamic().needed());
        assertTrue(libc.dynamic().hasVersym());
    }

    @Test
    void libcDefinesMallocAtDefaultVersion() throws Exception {
        DynamicSymbol malloc = ElfImage.read(LIBC).dynamicSymbols().stream()
                .filter(s -> s.name().equals("malloc")).findFirst().orElseThrow();
        assertTrue(malloc.isDefined());
        assertEquals(SymbolType.FUNC, malloc.type());
        assertEquals("malloc@@GLIBC_2.2.5", malloc.versionedName());
    }

    @Test
    void lsIsAPieThatReferencesVersionedMalloc() throws Exception {
        ElfImage ls = ElfImage.read(Path.of("/usr/bin/ls"));
        assertTrue(ls.header().isPie());
        assertFalse(ls.header().isStatic());
        assertEquals("/lib64/ld-linux-x86-64.so.2", ls.header().interpreter().orElseThrow());
        DynamicSymbol malloc = ls.dynamicSymbols().stream()
                .filter(s -> s.name().equals("malloc")).findFirst().orElseThrow();
        assertFalse(malloc.isDefined());
        assertEquals("libc.so.6", malloc.version().orElseThrow().file().orElseThrow());
        assertTrue(ls.relocations().stream().anyMatch(r -> r.kind() == RelocationKind.JUMP_SLOT
                || r.kind() == RelocationKind.GLOB_DAT));
    }

    @Test
    void libcLinkerScriptNamesTheRealLibrary() {
        NotElfException e = assertThrows(NotElfException.class,
                () -> ElfImage.read(Path.of("/usr/lib/x86_64-linux-gnu/libc.so")));
        assertEquals(NonElfKind.LINKER_SCRIPT, e.kind());
        assertTrue(e.scriptInputs().contains("/lib/x86_64-linux-gnu/libc.so.6"), e.scriptInputs().toString());
        assertTrue(e.getMessage().startsWith("/usr/lib/x86_64-linux-gnu/libc.so: "), e.getMessage());
    }
}
