package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model on fixtures built from source: versions, flags, 32-bit, big-endian, static. */
class FixtureTest {
    static DynamicSymbol symbol(ElfImage image, String versionedName) throws MalformedElfException {
        return image.dynamicSymbols().stream().filter(s -> s.versionedName().equals(versionedName)).findFirst()
                .orElseThrow(() -> new AssertionError(versionedName + " not in " + image.path()));
    }

    @Test
    void versionedLibrary() throws Exception {
        ElfImage lib = ElfImage.read(Fixtures.get("libver.so"));
        DynamicInfo d = lib.dynamic();
        assertEquals(Optional.of("libver.so.1"), d.soname());
        assertEquals(Optional.of("$ORIGIN/lib"), d.runpath());
        assertEquals(Optional.empty(), d.rpath());
        assertTrue(d.bindNow(), "-z now");
        assertTrue(d.flags1Names().containsAll(List.of("NOW", "NODELETE")), d.flags1Names().toString());
        assertFalse(d.symbolic());
        assertFalse(lib.header().isPie());

        List<VersionDefinition> defs = lib.versionDefinitions();
        assertEquals(List.of("libver.so.1", "VER_1", "VER_2"), defs.stream().map(VersionDefinition::name).toList());
        assertTrue(defs.get(0).isBase());
        assertEquals(List.of("VER_1"), defs.get(2).parents());

        DynamicSymbol current = symbol(lib, "ver_api@@VER_2");
        DynamicSymbol old = symbol(lib, "ver_api@VER_1");
        assertTrue(current.isDefaultVersion());
        assertTrue(old.version().orElseThrow().hidden());
        assertFalse(old.isDefaultVersion());
        assertEquals(SymbolType.GNU_IFUNC, symbol(lib, "ver_ifunc@@VER_2").type());
        assertEquals(SymbolType.TLS, symbol(lib, "ver_tls@@VER_1").type());
        assertEquals(SymbolBinding.GNU_UNIQUE, symbol(lib, "ver_unique@@VER_1").binding());
        assertEquals(SymbolBinding.WEAK, symbol(lib, "ver_weak@@VER_1").binding());
        assertEquals(SymbolVisibility.PROTECTED, symbol(lib, "ver_protected@@VER_1").visibility());
        DynamicSymbol malloc = symbol(lib, "malloc@GLIBC_2.2.5");
        assertFalse(malloc.isDefined());
        assertEquals(Optional.of("libc.so.6"), malloc.version().orElseThrow().file());
        assertTrue(lib.relocations().stream().anyMatch(r -> r.symbolName().equals("malloc")));
    }

    @Test
    void rpathSymbolicNodeflibAndSysvHash() throws Exception {
        ElfImage lib = ElfImage.read(Fixtures.get("libver-rpath.so"));
        DynamicInfo d = lib.dynamic();
        assertEquals(Optional.of("/opt/memproxy-test/lib"), d.rpath());
        assertEquals(Optional.empty(), d.runpath());
        assertTrue(d.symbolic());
        assertTrue(d.noDefaultLib());
        assertFalse(d.bindNow());
        assertTrue(lib.dynamicSymbols().size() > 10);
    }

    @Test
    void executableWithCopyRelocationAndVersionedReferences() throws Exception {
        ElfImage prog = ElfImage.read(Fixtures.get("prog"));
        ElfHeader h = prog.header();
        assertEquals(ElfType.EXEC, h.type());
        assertFalse(h.isPie());
        assertFalse(h.isStatic());
        assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"), h.interpreter());
        DynamicRelocation copy = prog.relocations().stream().filter(r -> r.kind() == RelocationKind.COPY)
                .findFirst().orElseThrow();
        assertEquals("ver_data", copy.symbolName());
        assertEquals(DynamicRelocation.Table.DYN, copy.table());
        assertTrue(prog.relocations().stream().anyMatch(r -> r.kind() == RelocationKind.JUMP_SLOT
                && r.table() == DynamicRelocation.Table.PLT && r.symbolName().equals("ver_api")));
        VersionRequirement libver = prog.versionRequirements().stream().filter(r -> r.file().equals("libver.so.1"))
                .findFirst().orElseThrow();
        assertEquals(List.of("VER_1", "VER_2"), libver.versions().stream().map(VersionRequirement.Need::name).sorted().toList());
        // The copy-relocated definition keeps the version it was linked against, not a default one.
        DynamicSymbol data = symbol(prog, "ver_data@VER_1");
        assertTrue(data.isDefined());
        assertFalse(data.isDefaultVersion());
    }

    @Test
    void pieWithOriginRunpath() throws Exception {
        ElfImage prog = ElfImage.read(Fixtures.get("prog-pie"));
        assertTrue(prog.header().isPie());
        assertTrue(prog.dynamic().flags1Names().contains("PIE"));
        assertEquals(Optional.of("$ORIGIN"), prog.dynamic().runpath());
        assertEquals(List.of("libver.so.1", "libc.so.6"), prog.dynamic().needed());
    }

    @Test
    void thirtyTwoBit() throws Exception {
        ElfImage lib = ElfImage.read(Fixtures.get("libver32.so"));
        assertEquals(ElfClass.ELF32, lib.header().elfClass());
        assertEquals(ElfHeader.EM_386, lib.header().machine());
        assertEquals("ver_api@@VER_2", symbol(lib, "ver_api@@VER_2").versionedName());
        assertTrue(symbol(lib, "ver_api@VER_1").version().orElseThrow().hidden());
        ElfImage prog = ElfImage.read(Fixtures.get("prog32"));
        assertEquals(Optional.of("/lib/ld-linux.so.2"), prog.header().interpreter());
        assertTrue(prog.relocations().stream().anyMatch(r -> r.kind() == RelocationKind.COPY
                && r.symbolName().equals("ver_data")));
        assertTrue(prog.relocations().stream().anyMatch(r -> r.kind() == RelocationKind.JUMP_SLOT
                && r.symbolName().equals("ver_api")));
    }

    @Test
    void bigEndianPowerPc() throws Exception {
        ElfImage lib = ElfImage.read(Fixtures.get("libbe.so"));
        ElfHeader h = lib.header();
        assertEquals(ElfClass.ELF32, h.elfClass());
        assertEquals(DataEncoding.MSB, h.encoding());
        assertEquals(ElfHeader.EM_PPC, h.machine());
        assertEquals("PowerPC", h.machineName());
        assertEquals(Optional.of("libbe.so.1"), lib.dynamic().soname());
        assertEquals(List.of("libbedep.so.1"), lib.dynamic().needed());
        assertEquals(Optional.of("/opt/be/lib"), lib.dynamic().runpath());
        assertTrue(symbol(lib, "be_func@@BE_2").isDefaultVersion());
        assertTrue(symbol(lib, "be_func@BE_1").version().orElseThrow().hidden());
        assertEquals(4, symbol(lib, "be_data@@BE_1").size());
        DynamicSymbol ext = symbol(lib, "be_extern@BEDEP_1");
        assertFalse(ext.isDefined());
        assertEquals(Optional.of("libbedep.so.1"), ext.version().orElseThrow().file());
        assertEquals(List.of("BE_1", "BE_2"), lib.versionDefinitions().stream().skip(1)
                .map(VersionDefinition::name).toList());
        assertTrue(lib.relocations().stream().anyMatch(r -> r.symbolName().equals("be_extern")
                && r.kind() == RelocationKind.JUMP_SLOT));
    }

    @Test
    void staticExecutables() throws Exception {
        ElfHeader exec = ElfImage.read(Fixtures.get("static")).header();
        assertTrue(exec.isStatic());
        assertFalse(exec.isPie());
        assertEquals(Optional.empty(), exec.interpreter());
        ElfImage pie = ElfImage.read(Fixtures.get("static-pie"));
        assertTrue(pie.header().isStatic());
        assertTrue(pie.header().isPie());
        assertTrue(pie.dynamic().needed().isEmpty());
    }

    @Test
    void setuidAndSetgidComeFromTheMode(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(Fixtures.get("prog-pie"), dir.resolve("prog"), StandardCopyOption.REPLACE_EXISTING);
        assertFalse(ElfImage.read(copy).header().setuid());
        Files.setAttribute(copy, "unix:mode", 04755);
        assertTrue(ElfImage.read(copy).header().setuid());
        assertFalse(ElfImage.read(copy).header().setgid());
        Files.setAttribute(copy, "unix:mode", 02755);
        assertTrue(ElfImage.read(copy).header().setgid());
    }
}
