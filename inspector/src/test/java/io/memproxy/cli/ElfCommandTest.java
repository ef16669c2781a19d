package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfCommandTest {
    static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
    static final String LIBC_SCRIPT = "/usr/lib/x86_64-linux-gnu/libc.so";

    @Test
    void mallocFamilyWithVersions() {
        Run r = Run.of("elf", LIBC, "--symbols", "malloc*");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("malloc@@GLIBC_2.2.5"), r.out());
        assertTrue(r.out().contains("malloc_usable_size@@GLIBC_2.2.5"), r.out());
        assertTrue(r.out().contains("soname       libc.so.6"), r.out());
        assertFalse(r.out().contains("free@@"), r.out());
        assertFalse(r.out().contains("\u001b["), "no colour off a terminal");
    }

    @Test
    void symbolsWithoutPatternBeforeTheFile() {
        Run r = Run.of("elf", "--symbols", "/usr/bin/ls");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("malloc@GLIBC_2.2.5") && r.out().contains("undefined from libc.so.6"), r.out());
    }

    @Test
    void symbolsPatternThatIsNotAFile() {
        Run r = Run.of("elf", "--symbols", "malloc", LIBC);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("matching 'malloc': 1 of"), r.out());
        assertEquals(ExitCodes.USAGE, Run.of("elf", "--symbols", "no-such-file").code());
    }

    @Test
    void ldScriptNamesTheRealLibraryAndFails() {
        Run r = Run.of("elf", LIBC_SCRIPT, "/usr/bin/ls");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.err().startsWith("memproxy: " + LIBC_SCRIPT + ": not an ELF file: GNU ld script"), r.err());
        assertTrue(r.err().contains("/lib/x86_64-linux-gnu/libc.so.6"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.out().contains("/lib/x86_64-linux-gnu/libc.so.6") && r.out().contains("shared library"), r.out());
        assertTrue(r.out().contains("/usr/bin/ls\n  ELF 64-bit LSB"), "the other file is still shown: " + r.out());
    }

    @Test
    void jsonIsOneDocumentWithErrorsInside(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.so"));
        Run r = Run.of("elf", "--json", "--symbols=free", LIBC, empty.toString(), dir.toString());
        assertEquals(ExitCodes.PROBLEM, r.code());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(2, doc.get("schema_version").asInt());
        JsonNode libc = doc.get("files").get(0).get("elf");
        assertEquals(64, libc.get("class").asInt());
        assertEquals("libc.so.6", libc.get("dynamic").get("soname").asText());
        JsonNode free = libc.get("symbols").get(0);
        assertEquals("free@@GLIBC_2.2.5", free.get("versioned_name").asText());
        assertTrue(free.get("version").get("default").asBoolean());
        assertEquals("empty", doc.get("files").get(1).get("error").get("is").asText());
        assertEquals("directory", doc.get("files").get(2).get("error").get("is").asText());
        assertEquals(2, r.err().lines().count(), r.err());
    }

    @Test
    void missingFileIsUsageAndUnknownOptionToo() {
        assertEquals(ExitCodes.USAGE, Run.of("elf").code());
        assertEquals(ExitCodes.USAGE, Run.of("elf", "--bogus", LIBC).code());
    }

    @Test
    void missingFileIsAProblemNamingTheFile() {
        Run r = Run.of("elf", "/nonexistent/libx.so");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertEquals("memproxy: /nonexistent/libx.so: no such file", r.err().strip());
    }

    @Test
    void colourOnlyOnATerminal() {
        Run r = Run.with(new Terminal(true, false), "elf", LIBC);
        assertTrue(r.out().contains("\u001b["), r.out());
        Run plain = Run.with(new Terminal(true, false), "elf", "--no-color", LIBC);
        assertFalse(plain.out().contains("\u001b["), plain.out());
        Run noColorEnv = Run.with(new Terminal(true, true), "elf", LIBC);
        assertFalse(noColorEnv.out().contains("\u001b["), noColorEnv.out());
    }

    @Test
    void damagedFileIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        byte[] ls = Files.readAllBytes(Path.of("/usr/bin/ls"));
        Path damaged = Files.write(dir.resolve("ls"), java.util.Arrays.copyOf(ls, 200));
        for (String[] args : new String[][] {
            {"elf", damaged.toString()}, {"elf", "--json", "--symbols", "*", damaged.toString()}}) {
            Run r = Run.of(args);
            assertEquals(ExitCodes.PROBLEM, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("memproxy: " + damaged + ": "), r.err());
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void escapeSequencesFromTheFileAreNotPrinted(@TempDir Path dir) throws Exception {
        byte[] lib = Files.readAllBytes(Path.of(System.getProperty("memproxy.fixtures"), "libver.so"));
        byte[] soname = "libver.so.1\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = indexOf(lib, soname);
        lib[at + 3] = 0x1b;
        Path evil = Files.write(dir.resolve("evil.so"), lib);
        Run r = Run.of("elf", evil.toString(), "--symbols");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("\u001b"), r.out());
        assertTrue(r.out().contains("lib\\x1ber.so.1"), r.out());
    }

    @Test
    void fileNameWithNewlineStaysOneLine(@TempDir Path dir) throws Exception {
        Path odd = Files.writeString(dir.resolve("two\nlines.so"), "");
        Run r = Run.of("elf", odd.toString());
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void mutantsNeverCrashTheCommand(@TempDir Path dir) throws Exception {
        java.util.List<io.memproxy.elf.Mutants.Seed> seeds = io.memproxy.elf.Mutants.seeds();
        java.util.Random random = new java.util.Random(4242);
        int clean = 0;
        for (int i = 0; i < 150; i++) {
            io.memproxy.elf.Mutants.Seed seed = seeds.get(random.nextInt(seeds.size()));
            Path f = Files.write(dir.resolve("m.so"), io.memproxy.elf.Mutants.mutate(seed, random));
            for (String[] args : new String[][] {{"elf", "--symbols", f.toString()}, {"elf", "--json", "--symbols=*", f.toString()}}) {
                Run r = Run.of(args);
                assertTrue(r.code() == 0 || r.code() == ExitCodes.PROBLEM, seed.name() + " mutant " + i + ": " + r.err());
                assertFalse(r.err().contains("internal error"), r.err());
                assertTrue(r.err().lines().count() <= 1, r.err());
                if (args[1].equals("--json")) {
                    new ObjectMapper().readTree(r.out());
                }
                clean += r.code() == 0 ? 1 : 0;
            }
        }
        assertTrue(clean > 0, "some mutants still parse");
    }

    @Test
    void helpTeachesWithExamples() {
        Run r = Run.of("elf", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--symbols 'malloc*'"), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
    }
}
