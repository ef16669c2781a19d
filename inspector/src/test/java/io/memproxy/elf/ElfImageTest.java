package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
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

    @Test
    void anOpenImageHoldsOneFileUntilClosedAndStillAnswersAfterwards() throws Exception {
        long before = openFiles();
        ElfImage libc = ElfImage.open(LIBC);
        assertEquals(before + 1, openFiles(), "open() keeps the file open");
        assertEquals(1, libc.definitions("malloc").size());
        assertEquals(before + 1, openFiles(), "lookups read through the kept file, opening no other");
        libc.close();
        assertEquals(before, openFiles(), "close() releases it");
        libc.close();
        assertEquals("malloc@@GLIBC_2.2.5", libc.definitions("malloc").get(0).versionedName(),
                "a closed image opens the file again for what it has not read yet");
        assertEquals(before, openFiles());
    }

    @Test
    void readAndFailedOpensLeaveNoFileOpen(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path truncated = dir.resolve("truncated");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(LIBC), 100));
        Path script = Path.of("/usr/lib/x86_64-linux-gnu/libc.so");
        Path huge = dir.resolve("huge");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: no blocks written
        }
        long before = openFiles();
        ElfImage.read(LIBC).definitions("free");
        assertThrows(MalformedElfException.class, () -> ElfImage.open(truncated));
        assertThrows(NotElfException.class, () -> ElfImage.open(script));
        UnreadableFileException tooLarge = assertThrows(UnreadableFileException.class, () -> ElfImage.open(huge));
        assertTrue(tooLarge.getMessage().contains("larger than 2 GiB"), tooLarge.getMessage());
        assertEquals(before, openFiles());
    }

    private static long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the listing's own descriptor
        }
    }
}
