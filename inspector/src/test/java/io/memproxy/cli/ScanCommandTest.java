package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.config.ConfigGrammar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
    @TempDir
    static Path root;

    @BeforeAll
    static void image() throws IOException {
        Path bin = Files.createDirectories(root.resolve("usr/bin"));
        Path fixtures = Path.of(System.getProperty("memproxy.fixtures"));
        // Programs the other tests build, named here after what they are.
        for (String[] f : new String[][] {{"prog", "hello"}, {"doctor/own-malloc", "own-malloc"},
                {"doctor/needs-jemalloc", "needs-jemalloc"}, {"doctor/musl-hello", "musl-interp"}}) {
            Files.copy(fixtures.resolve(f[0]), bin.resolve(f[1]), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(bin.resolve(f[1]), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.copy(fixtures.resolve("static"), bin.resolve("static"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(bin.resolve("static"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void textListsWhatIsNotFineAndTheTotals() {
        CliTest.Run r = CliTest.Run.of("scan", "--root", root.toString(), "/usr/bin");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("own-malloc        /usr/bin/own-malloc  (defines calloc, free, malloc, realloc)"), r.out());
        assertTrue(r.out().contains("other-allocator   /usr/bin/needs-jemalloc  (needs libjemalloc.so.2)"), r.out());
        assertTrue(r.out().contains("other-libc        /usr/bin/musl-interp  (interpreter /lib/ld-musl-x86_64.so.1)"), r.out());
        assertFalse(r.out().contains("/usr/bin/hello"), "fine executables are listed only with --all");
        assertFalse(r.out().contains("/usr/bin/static"), "static (no execute bit on the copy) is not an executable");
        assertTrue(r.out().contains("1 other-libc, 1 own-malloc, 1 other-allocator, 1 fine"), r.out());
        assertTrue(CliTest.Run.of("scan", "--all", "--root", root.toString(), "/usr/bin").out().contains("fine              /usr/bin/hello"));
    }

    @Test
    void jsonOptionIsTheJsonFormat() throws IOException {
        CliTest.Run r = CliTest.Run.of("scan", "--json", "--root", root.toString(), "/usr/bin");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(4, new ObjectMapper().readTree(r.out()).get("files").size(), r.out());
        CliTest.Run ps = CliTest.Run.of("ps", "--json", String.valueOf(ProcessHandle.current().pid()));
        assertEquals(1, new ObjectMapper().readTree(ps.out()).get("processes").size(), ps.out());
    }

    @Test
    void jsonIsOneDocumentWithEveryFileAndTheTotals() throws IOException {
        CliTest.Run r = CliTest.Run.of("scan", "--format", "json", "--root", root.toString(), "/usr/bin");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(1, doc.get("schema_version").asInt());
        assertEquals(4, doc.get("files").size());
        JsonNode own = doc.get("files").get(3); // hello, musl-interp, needs-jemalloc, own-malloc
        assertEquals("/usr/bin/own-malloc", own.get("path").asText());
        assertEquals("own-malloc", own.get("class").asText());
        assertTrue(own.get("exclude").asBoolean());
        assertEquals(4, doc.get("summary").get("executables").asInt());
        assertEquals(1, doc.get("summary").get("classes").get("fine").asInt());
        assertEquals(List.of("/usr/bin"), List.of(doc.get("summary").get("directories").get(0).asText()));
    }

    private static final Pattern SAMPLE = Pattern.compile("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? -?[0-9.]+");

    @Test
    void prometheusIsTheTextfileCollectorFormat() {
        CliTest.Run r = CliTest.Run.of("scan", "--format", "prometheus", "--root", root.toString(), "/usr/bin");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        for (String line : r.out().split("\n")) {
            assertTrue(line.startsWith("# HELP memproxy_") || line.startsWith("# TYPE memproxy_") || SAMPLE.matcher(line).matches(),
                    "not a textfile-collector line: " + line);
        }
        assertTrue(r.out().contains("memproxy_scan_executables{class=\"own-malloc\"} 1\n"), r.out());
        assertTrue(r.out().contains("memproxy_scan_executables{class=\"secure-execution\"} 0\n"), r.out());
        assertTrue(r.out().contains("memproxy_scan_exclusions_suggested 2\n"), r.out());
    }

    @Test
    void suggestedConfigIsAnExclusionListTheShimReads() {
        CliTest.Run r = CliTest.Run.of("scan", "--suggest-config", "--root", root.toString(), "/usr/bin");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        List<String> names = ConfigGrammar.parse(r.out().getBytes(StandardCharsets.UTF_8)).names();
        assertEquals(List.of("needs-jemalloc", "own-malloc"), new ArrayList<>(names).stream().sorted().toList(), r.out());
        assertTrue(r.out().contains("# /usr/bin/own-malloc defines its own malloc family"), r.out());
    }

    @Test
    void aMalformedFileIsListedAndMakesExitCodeOne() throws IOException {
        Path bad = root.resolve("usr/bin/zz-truncated");
        Files.write(bad, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            CliTest.Run r = CliTest.Run.of("scan", "--root", root.toString(), "/usr/bin");
            assertEquals(ExitCodes.PROBLEM, r.code());
            assertTrue(r.out().contains("malformed         /usr/bin/zz-truncated  (truncated"), r.out());
            assertTrue(r.out().contains("1 malformed"), r.out());
        } finally {
            Files.delete(bad);
        }
    }

    @Test
    void aRootThatIsNotADirectoryIsAUsageError() {
        CliTest.Run r = CliTest.Run.of("scan", "--root", root.resolve("usr/bin/hello").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("memproxy: ") && r.err().contains("not a directory"), r.err());
    }
}
