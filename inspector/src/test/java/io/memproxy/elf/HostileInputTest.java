package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged and non-ELF input: every case ends in one {@link ElfException} whose one-line message names the
 * file and the problem. Damage is applied to copies of the libver.so fixture (64-bit little-endian).
 */
class HostileInputTest {
    @TempDir
    Path dir;

    Patch lib;

    @BeforeEach
    void load() throws Exception {
        lib = new Patch(Fixtures.get("libver.so"));
    }

    /** Reads {@code file} and every lazy part; returns the error, failing if there is none. */
    static MalformedElfException malformed(Path file) {
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> readAll(file));
        assertOneLineNamingFile(e, file);
        assertFalse(e.getMessage().contains("cannot be parsed"), "a check is missing: " + e.getMessage());
        return e;
    }

    static void readAll(Path file) throws ElfException {
        ElfImage image = ElfImage.read(file);
        image.definitions("ver_api");
        image.sectionHeaders();
        image.dynamicSymbols();
        image.versionDefinitions();
        image.versionRequirements();
        image.relocations();
    }

    static void assertOneLineNamingFile(ElfException e, Path file) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(file, e.file());
    }

    static void assertContains(String expected, ElfException e) {
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void truncatedAnywhereIsCleanOrReadable() throws Exception {
        int size = lib.bytes.length;
        int malformedCount = 0;
        for (int len = 1; len < size; len += len < 256 ? 1 : 61) {
            Path f = lib.write(dir, "t.so", len);
            try {
                readAll(f);
            } catch (MalformedElfException e) {
                assertOneLineNamingFile(e, f);
                assertFalse(e.getMessage().contains("cannot be parsed"), len + ": " + e.getMessage());
                malformedCount++;
            }
        }
        assertTrue(malformedCount > 100, "most truncations break something: " + malformedCount);
    }

    /** A way to damage the fixture: changes lib's bytes, returns how many of them to write (-1: all). */
    interface Damage {
        int apply(Patch lib) throws Exception;
    }

    /** One damaged copy of libver.so and the words its one-line error must contain. */
    record Case(String name, Damage damage, String... expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case damaged(String name, Damage damage, String... expected) {
        return new Case(name, damage, expected);
    }

    /** The damage table: each row must end in one malformed-file error naming the file and the problem. */
    static List<Case> damages() {
        return List.of(
                damaged("truncated inside the ELF header", lib -> 40, "truncated: the ELF header needs 64 bytes, file has 40"),
                damaged("truncated inside the identification", lib -> 10, "truncated: the ELF identification needs 16 bytes"),
                damaged("program headers outside the file", lib -> {
                    lib.u64(0x20, lib.bytes.length - 8L);
                    return -1;
                }, "program header table"),
                damaged("absurd program header count via extended numbering", lib -> {
                    // PN_XNUM: the real count lives in section 0's sh_info.
                    long shoff = lib.u64At(0x28);
                    lib.u16(0x38, 0xffff).u32(shoff + 44, 0x7fffffff);
                    return -1;
                }, "absurd size"),
                damaged("tiny program header entry size", lib -> {
                    lib.u16(0x36, 8);
                    return -1;
                }, "program header entry size 8"),
                damaged("unknown class", lib -> {
                    lib.bytes[4] = 7;
                    return -1;
                }, "unknown ELF class 7"),
                damaged("unknown encoding", lib -> {
                    lib.bytes[4] = 2;
                    lib.bytes[5] = 9;
                    return -1;
                }, "unknown ELF data encoding 9"),
                damaged("absurd string table size", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_STRSZ), 0x4000_0000_0000L);
                    return -1;
                }, "dynamic string table"),
                damaged("needed name outside the string table", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_NEEDED), 0x10_0000L);
                    return -1;
                }, "DT_NEEDED name at 0x100000 lies outside the dynamic string table"),
                damaged("unterminated string table", lib -> {
                    long soname = lib.u64At(lib.dynamicValue(ElfImage.DT_SONAME));
                    lib.u64(lib.dynamicValue(ElfImage.DT_STRSZ), soname + 3);
                    return -1;
                }, "DT_SONAME", "not terminated"),
                damaged("unterminated symbol names cost one scan", lib -> {
                    // Every byte of .dynstr made non-zero: thousands of lookups must not each rescan the table.
                    long strtab = lib.fileOffsetOfAddress(lib.u64At(lib.dynamicValue(ElfImage.DT_STRTAB)));
                    long strsz = lib.u64At(lib.dynamicValue(ElfImage.DT_STRSZ));
                    for (long i = strtab; i < strtab + strsz; i++) {
                        lib.bytes[(int) i] = 'x';
                    }
                    return -1;
                }, "not terminated"),
                damaged("string table address outside every segment", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_STRTAB), 0x7000_0000L);
                    return -1;
                }, "DT_STRTAB address 0x70000000 is not inside any loadable segment"),
                damaged("absurd dynamic symbol count", lib -> {
                    long sh = lib.sectionHeader(".dynsym");
                    lib.u64(sh + 32, 0x7fff_ffff_ff00L);
                    return -1;
                }, "dynamic symbol table"),
                damaged("huge version definition count", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_VERDEFNUM), 0xffff_ffffL);
                    return -1;
                }, "DT_VERDEFNUM says 4294967295 entries, more than the file could hold"),
                damaged("version chain running off the file", lib -> {
                    long verdef = lib.fileOffsetOfAddress(lib.u64At(lib.dynamicValue(ElfImage.DT_VERDEF)));
                    lib.u64(lib.dynamicValue(ElfImage.DT_VERDEFNUM), lib.bytes.length / 20 - 1);
                    lib.u32(verdef + 16, 0x7000_0000L);
                    return -1;
                }, "version definition 1"),
                damaged("huge auxiliary chain", lib -> {
                    // vd_cnt 0xffff with each Verdaux pointing 8 bytes further: bounded by the file, then out of it.
                    long verdef = lib.fileOffsetOfAddress(lib.u64At(lib.dynamicValue(ElfImage.DT_VERDEF)));
                    lib.u16(verdef + 6, 0xffff);
                    long aux = verdef + lib.u32At(verdef + 12);
                    lib.u32(aux + 4, 0x1000_0000L);
                    return -1;
                }, "version definition 0 name entry 1"),
                damaged("version requirement count too large", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_VERNEEDNUM), 0x1_0000_0000L);
                    return -1;
                }, "DT_VERNEEDNUM"),
                damaged("relocation table outside the file", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_RELASZ), 0x10_0000_0000L);
                    return -1;
                }, "relocation table"),
                damaged("bad symbol entry size", lib -> {
                    lib.u64(lib.dynamicValue(ElfImage.DT_SYMENT), 4096);
                    return -1;
                }, "DT_SYMENT is 4096, expected 24"),
                damaged("note running past its segment", lib -> {
                    ProgramHeader note = lib.original.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_NOTE)
                            .findFirst().orElseThrow();
                    lib.u32(note.offset(), 0x7fff_fff0L);
                    return -1;
                }, "runs past the end of its PT_NOTE segment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damageEndsInOneMalformedFileError(Case c) throws Exception {
        int length = c.damage().apply(lib);
        Path f = length < 0 ? lib.write(dir, "damaged.so") : lib.write(dir, "damaged.so", length);
        MalformedElfException e = malformed(f);
        for (String expected : c.expected()) {
            assertContains(expected, e);
        }
    }

    /**
     * The counts chain.cost reads instead of the full tables (ElfImage.relocationCount, dynamicSymbolCount) fail on
     * damage to the tables' structure with the message the full reads give: table bounds, entry size, symbol count,
     * version table, and a relocation naming a symbol past the table.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("structuralDamages")
    void countsFailAsTheFullReadsDo(String name, java.util.function.Consumer<Patch> damage) throws Exception {
        damage.accept(lib);
        Path f = lib.write(dir, "damaged.so");
        MalformedElfException full = assertThrows(MalformedElfException.class, () -> ElfImage.read(f).relocations());
        MalformedElfException counted = assertThrows(MalformedElfException.class, () -> ElfImage.read(f).relocationCount());
        assertEquals(full.getMessage(), counted.getMessage());
        assertOneLineNamingFile(counted, f);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> structuralDamages() {
        java.util.function.Consumer<Patch> badIndex = lib -> {
            try {
                long rela = lib.fileOffsetOfAddress(lib.u64At(lib.dynamicValue(ElfImage.DT_RELA)));
                List<DynamicRelocation> all = lib.original.relocations();
                int i = 0;
                while (all.get(i).symbolIndex() == 0 || all.get(i).table() != DynamicRelocation.Table.DYN) {
                    i++;
                }
                lib.u64(rela + 24L * i + 8, (0x7fff_0000L << 32) | all.get(i).type());
            } catch (ElfException e) {
                throw new IllegalStateException(e);
            }
        };
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("relocation naming a symbol past the table", badIndex),
                org.junit.jupiter.params.provider.Arguments.of("relocation table outside the file", (java.util.function.Consumer<Patch>)
                        lib -> lib.u64(lib.dynamicValue(ElfImage.DT_RELASZ), 0x10_0000_0000L)),
                org.junit.jupiter.params.provider.Arguments.of("bad symbol entry size", (java.util.function.Consumer<Patch>)
                        lib -> lib.u64(lib.dynamicValue(ElfImage.DT_SYMENT), 4096)),
                org.junit.jupiter.params.provider.Arguments.of("absurd dynamic symbol count", (java.util.function.Consumer<Patch>)
                        lib -> {
                            try {
                                lib.u64(lib.sectionHeader(".dynsym") + 32, 0x7fff_ffff_ff00L);
                            } catch (ElfException e) {
                                throw new IllegalStateException(e);
                            }
                        }));
    }

    @Test
    void sectionHeadersOutsideTheFile() throws Exception {
        lib.u64(0x28, 0x7fff_0000_0000L);
        Path f = lib.write(dir, "shoff.so");
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> ElfImage.read(f).sectionHeaders());
        assertContains("section header table", e);
        // The loader does not need section headers: symbols still come from DT_GNU_HASH.
        assertEquals(ElfImage.read(lib.original.path()).dynamicSymbols().size(), ElfImage.read(f).dynamicSymbols().size());
    }

    @Test
    void versionChainThatStopsEarlyEndsWithoutLooping() throws Exception {
        // vd_next = 0 on the first entry while the count says 3: glibc and we stop there.
        long verdef = lib.fileOffsetOfAddress(lib.u64At(lib.dynamicValue(ElfImage.DT_VERDEF)));
        lib.u32(verdef + 16, 0);
        Path f = lib.write(dir, "chain.so");
        assertEquals(1, ElfImage.read(f).versionDefinitions().size());
    }

    @Test
    void versymTableOutsideTheFile() throws Exception {
        // Put DT_VERSYM at the very end of the last loadable segment's file bytes.
        ProgramHeader last = lib.original.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD)
                .reduce((a, b) -> b).orElseThrow();
        lib.u64(lib.dynamicValue(ElfImage.DT_VERSYM), last.vaddr() + last.filesz() - 2);
        Path f = lib.write(dir, "versym.so", (int) (last.offset() + last.filesz()));
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> ElfImage.read(f).dynamicSymbols());
        assertContains("symbol version table", e);
    }

    @Test
    void bindSaysWhenAPreloadsSymbolTableIsBroken() throws Exception {
        lib.u64(lib.dynamicValue(ElfImage.DT_SYMENT), 4096);
        Path broken = lib.write(dir, "syment.so");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = io.memproxy.cli.CommandLines.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                io.memproxy.cli.Terminal.none(), "bind", "--preload", broken.toString(), "/bin/sh");
        // elf calls this file malformed; bind, which cannot show its bindings, must not answer "all fine".
        assertEquals(1, code, out + "" + err);
        assertTrue(err.toString().contains(broken + ": DT_SYMENT is 4096, expected 24 (malformed; its bindings are not shown)"),
                err.toString());
    }

    // ---- not ELF at all ----

    static NotElfException notElf(Path file, NonElfKind kind) {
        NotElfException e = assertThrows(NotElfException.class, () -> ElfImage.read(file));
        assertEquals(kind, e.kind(), e.getMessage());
        assertOneLineNamingFile(e, file);
        return e;
    }

    Path text(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void gnuLdScripts() throws Exception {
        NotElfException e = notElf(text("libc.so", "/* GNU ld script\n   Use the shared library. */\n"
                + "OUTPUT_FORMAT(elf64-x86-64)\nGROUP ( /lib/x86_64-linux-gnu/libc.so.6 "
                + "/usr/lib/x86_64-linux-gnu/libc_nonshared.a  AS_NEEDED ( /lib64/ld-linux-x86-64.so.2 ) )\n"),
                NonElfKind.LINKER_SCRIPT);
        assertEquals(List.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc_nonshared.a",
                "/lib64/ld-linux-x86-64.so.2"), e.scriptInputs());
        assertContains("GNU ld script naming /lib/x86_64-linux-gnu/libc.so.6", e);
        NotElfException input = notElf(text("libm.so", "INPUT(-lm_real, libextra.so.1)\n"), NonElfKind.LINKER_SCRIPT);
        assertEquals(List.of("-lm_real", "libextra.so.1"), input.scriptInputs());
    }

    @Test
    void theMachinesOwnLdScripts() throws Exception {
        NotElfException e = notElf(Path.of("/usr/lib/x86_64-linux-gnu/libc.so"), NonElfKind.LINKER_SCRIPT);
        assertEquals("/lib/x86_64-linux-gnu/libc.so.6", e.scriptInputs().get(0));
        notElf(Path.of("/usr/lib/x86_64-linux-gnu/libm.so"), NonElfKind.LINKER_SCRIPT);
    }

    @Test
    void scriptsTextDataArchivesEmptyDirectoriesFifos() throws Exception {
        assertContains("script (#!/bin/sh)", notElf(text("run", "#!/bin/sh\nexec true\n"), NonElfKind.SCRIPT));
        notElf(Path.of("/usr/bin/zgrep"), NonElfKind.SCRIPT);
        notElf(text("notes.txt", "just some words\n"), NonElfKind.TEXT);
        notElf(Files.write(dir.resolve("blob"), new byte[] {1, 2, 3, 0, (byte) 0xff}), NonElfKind.DATA);
        notElf(Files.write(dir.resolve("del"), new byte[] {0x7f, 'E', 'X', 'E'}), NonElfKind.DATA);
        assertContains("truncated", malformed(Files.write(dir.resolve("elf"), new byte[] {0x7f, 'E', 'L'})));
        notElf(text("libx.a", "!<arch>\n/               0           0     0     0       4         `\n"),
                NonElfKind.ARCHIVE);
        assertContains("not an ELF file: empty file", notElf(Files.createFile(dir.resolve("empty")), NonElfKind.EMPTY));
        notElf(dir, NonElfKind.DIRECTORY);
        notElf(Path.of("/dev/null"), NonElfKind.SPECIAL);
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        notElf(fifo, NonElfKind.SPECIAL);
    }

    @Test
    void missingAndUnreadableFiles() throws Exception {
        Path missing = dir.resolve("missing.so");
        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> ElfImage.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.so"), dir.resolve("nowhere"));
        assertThrows(UnreadableFileException.class, () -> ElfImage.read(dangling));
    }
}
