package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every dynamic symbol's name, binding, type, visibility, section, value, size and version equal what
 * {@code readelf --dyn-syms -W} prints, on the machine's own libc, allocators, ls, a spread of other files
 * from /usr/lib and /usr/bin, and the 32-bit and big-endian fixtures.
 */
class ReadelfAgreementTest {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(\\d+): ([0-9a-f]+)\\s+(\\d+|0x[0-9a-f]+) (\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)(?: (.*))?$");
    private static final int SPREAD = 35;

    static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>(List.of(
                Path.of("/lib/x86_64-linux-gnu/libc.so.6"),
                Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
                Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"),
                Path.of("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"),
                Path.of("/usr/bin/ls"),
                Path.of("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"),
                Path.of("/lib64/ld-linux-x86-64.so.2"),
                Path.of("/usr/lib32/libc.so.6")));
        files.addAll(spread(Path.of("/usr/bin")));
        files.addAll(spread(Path.of("/usr/lib/x86_64-linux-gnu")));
        return files;
    }

    /** SPREAD ELF files evenly spaced over a directory's sorted listing, so the choice is stable. */
    static List<Path> spread(Path dir) throws IOException {
        List<Path> elf;
        try (Stream<Path> s = Files.list(dir)) {
            elf = s.filter(Files::isRegularFile).filter(ReadelfAgreementTest::isElf).sorted().toList();
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < SPREAD && i < elf.size(); i++) {
            out.add(elf.get((int) ((long) i * elf.size() / SPREAD)));
        }
        return out;
    }

    static boolean isElf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void enoughFilesBesidesTheNamedOnes() throws IOException {
        assertTrue(files().size() - 8 >= 50, "files compared: " + files().size());
    }

    @TestFactory
    Stream<DynamicTest> systemFilesAgreeWithReadelf() throws IOException {
        return files().stream().distinct().map(f -> DynamicTest.dynamicTest(f.toString(), () -> agree(f)));
    }

    @TestFactory
    Stream<DynamicTest> fixturesAgreeWithReadelf() {
        return Stream.of("libver.so", "libver-rpath.so", "prog", "prog-pie", "libver32.so", "prog32",
                        "libbe.so", "libbedep.so", "static-pie")
                .map(Fixtures::get)
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> agree(f)));
    }

    static void agree(Path file) throws Exception {
        List<String> expected = readelf(file);
        ElfImage image = ElfImage.read(file);
        List<SectionHeader> sections = image.sectionHeaders();
        List<String> actual = image.dynamicSymbols().stream().map(s -> asReadelf(s, sections)).toList();
        assertEquals(expected.size(), actual.size(), file + ": number of dynamic symbols");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), file + ": symbol " + i);
        }
    }

    /** One symbol as "index value size type bind vis ndx name" with readelf's spelling. */
    static String asReadelf(DynamicSymbol s, List<SectionHeader> sections) {
        String ndx = switch (s.shndx()) {
            case DynamicSymbol.SHN_UNDEF -> "UND";
            case DynamicSymbol.SHN_ABS -> "ABS";
            case DynamicSymbol.SHN_COMMON -> "COM";
            default -> String.valueOf(s.shndx());
        };
        // readelf names an unnamed section symbol after its section.
        boolean sectionSymbol = s.type() == SymbolType.SECTION && s.name().isEmpty() && s.shndx() < sections.size();
        StringBuilder name = new StringBuilder(sectionSymbol ? sections.get(s.shndx()).name() : s.name());
        // readelf leaves the version off a version's own marker symbol (GLIBC_2.2.5, ABS, value 0).
        s.version().filter(SymbolVersion::isNamed)
                .filter(v -> !(s.shndx() == DynamicSymbol.SHN_ABS && v.name().equals(s.name()))).ifPresent(v -> {
            if (v.file().isPresent()) {
                name.append('@').append(v.name()).append(" (").append(v.index()).append(')');
            } else {
                name.append(v.hidden() ? "@" : "@@").append(v.name());
            }
        });
        return String.join(" ", String.valueOf(s.index()), Long.toHexString(s.value()), Long.toString(s.size()),
                s.type().readelfName(), s.binding().readelfName(), s.visibility().name(), ndx, name.toString()).strip();
    }

    static List<String> readelf(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("readelf", "--dyn-syms", "-W", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "readelf on " + file);
        List<String> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                String size = m.group(3).startsWith("0x")
                        ? Long.toString(Long.parseUnsignedLong(m.group(3).substring(2), 16)) : m.group(3);
                String value = Long.toHexString(Long.parseUnsignedLong(m.group(2), 16));
                rows.add(String.join(" ", m.group(1), value, size, m.group(4), m.group(5), m.group(6), m.group(7),
                        m.group(8) == null ? "" : m.group(8)).strip());
            }
        }
        return rows;
    }
}
