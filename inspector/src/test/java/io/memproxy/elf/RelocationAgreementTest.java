package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Dynamic relocations (offset, r_info, symbol) equal the REL/RELA sections {@code readelf -r -W} prints,
 * in order: the DT_RELA/DT_REL table first, then DT_JMPREL.
 */
class RelocationAgreementTest {
    private static final Pattern SECTION = Pattern.compile("^Relocation section '(\\.rela?\\.(dyn|plt))'.*");
    private static final Pattern ROW = Pattern.compile("^([0-9a-f]+)\\s+([0-9a-f]+)\\s+(\\S+)\\s*(?:([0-9a-f]+)\\s+(\\S+))?.*$");

    @TestFactory
    Stream<DynamicTest> relocationsAgreeWithReadelf() {
        return Stream.of(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Path.of("/usr/bin/ls"),
                        Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
                        Path.of("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"), Path.of("/usr/lib32/libc.so.6"),
                        Fixtures.get("prog"), Fixtures.get("prog32"), Fixtures.get("libver.so"), Fixtures.get("libbe.so"))
                .map(f -> DynamicTest.dynamicTest(f.toString(), () -> agree(f)));
    }

    static void agree(Path file) throws Exception {
        List<String> expected = readelf(file);
        ElfImage image = ElfImage.read(file);
        boolean is64 = image.header().elfClass() == ElfClass.ELF64;
        List<String> actual = new ArrayList<>();
        for (DynamicRelocation r : image.relocations()) {
            long info = is64 ? ((long) r.symbolIndex() << 32) | r.type() : ((long) r.symbolIndex() << 8) | r.type();
            actual.add(Long.toHexString(r.offset()) + " " + Long.toHexString(info) + " " + r.symbolName());
        }
        assertTrue(expected.size() > 0, "readelf shows relocations for " + file);
        assertEquals(expected.size(), actual.size(), file + ": number of relocations");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), file + ": relocation " + i);
        }
        for (DynamicRelocation r : image.relocations()) {
            if (r.table() == DynamicRelocation.Table.PLT && is64 && image.header().machine() == ElfHeader.EM_X86_64) {
                assertTrue(r.kind() == RelocationKind.JUMP_SLOT || r.kind() == RelocationKind.IRELATIVE, r.toString());
            }
        }
    }

    static List<String> readelf(Path file) throws Exception {
        Process p = new ProcessBuilder("readelf", "-r", "-W", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : out.split("\n")) {
            if (line.startsWith("Relocation section")) {
                inTable = SECTION.matcher(line).matches();
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inTable && m.matches()) {
                String name = m.group(5) == null ? "" : m.group(5).replaceAll("@.*", "");
                rows.add(Long.toHexString(Long.parseUnsignedLong(m.group(1), 16)) + " "
                        + Long.toHexString(Long.parseUnsignedLong(m.group(2), 16)) + " " + name);
            }
        }
        return rows;
    }
}
