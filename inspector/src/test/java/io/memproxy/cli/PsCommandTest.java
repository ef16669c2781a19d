package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * memproxy ps on child processes this test starts, with and without the shim, under each allocator. The
 * shim (built with its exclusion list in the fixtures directory) says what it decided (MEMPROXY_DEBUG=1);
 * ps must predict the same from outside the process.
 */
class PsCommandTest {
    static final Path FIXTURES = Path.of(System.getProperty("memproxy.fixtures"));
    static final String SHIM = FIXTURES.resolve("ps/libmemproxy.so").toString();
    static final Path CONFIG = FIXTURES.resolve("ps/memproxy.conf");
    static final String LIBS = "/usr/lib/x86_64-linux-gnu/";
    static final Pattern DEBUG = Pattern.compile("memproxy: pid=(\\d+) exe=(\\S+) route=(\\S+) allocator=(\\S+) reason=(\\S+)");

    private Process child;

    @AfterEach
    void stop() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        child = null;
    }

    /** Starts sleep under the chain; returns the shim's debug line, or "" without the shim. */
    private Matcher start(String chain) throws Exception {
        return start(chain, "/usr/bin/sleep", "60");
    }

    private Matcher start(String chain, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.remove("LD_PRELOAD");
        if (!chain.isEmpty()) {
            env.put("LD_PRELOAD", chain);
            env.put("MEMPROXY_DEBUG", "1");
        }
        child = pb.start();
        if (chain.isEmpty()) {
            Thread.sleep(200); // let ld.so finish mapping
            return null;
        }
        BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return err.readLine();
            } catch (IOException e) {
                return "";
            }
        }).get(20, TimeUnit.SECONDS);
        Matcher m = DEBUG.matcher(line == null ? "" : line);
        assertTrue(m.matches(), "the shim's debug line: " + line);
        assertEquals(Long.toString(child.pid()), m.group(1));
        return m;
    }

    private JsonNode ps() throws IOException {
        CliTest.Run r = CliTest.Run.of("ps", "--format", "json", "--config", CONFIG.toString(), Long.toString(child.pid()));
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(1, doc.get("processes").size(), r.out() + r.err());
        return doc.get("processes").get(0);
    }

    @ParameterizedTest
    @CsvSource({"jemalloc, libjemalloc.so.2", "tcmalloc, libtcmalloc_minimal.so.4", "mimalloc, libmimalloc.so.2"})
    void eachAllocatorIsSeenAndTheRouteAgreesWithTheShim(String allocator, String library) throws Exception {
        Files.deleteIfExists(CONFIG);
        Matcher shim = start(SHIM + ":" + LIBS + library);
        JsonNode p = ps();
        assertEquals("/usr/bin/sleep", p.get("exe").asText());
        assertEquals(SHIM, p.get("shim").asText());
        // /proc/PID/maps names the file the link resolves to.
        String real = Path.of(LIBS + library).toRealPath().toString();
        assertEquals(List.of(real), List.of(p.get("allocator_libraries").get(0).asText()));
        assertEquals(shim.group(3), p.get("route").asText());
        assertEquals(shim.group(4), p.get("allocator").asText());
        assertEquals(allocator, p.get("allocator").asText());
        assertEquals(shim.group(5), p.get("reason").asText());
        assertEquals(0, p.get("flags").size(), p.toString());
    }

    @Test
    void anExcludedProgramIsOnGlibcAsTheShimSays() throws Exception {
        Files.writeString(CONFIG, "# test\nsleep\n");
        try {
            Matcher shim = start(SHIM + ":" + LIBS + "libjemalloc.so.2");
            assertEquals("system", shim.group(3));
            JsonNode p = ps();
            assertEquals("system", p.get("route").asText());
            assertEquals(shim.group(5), p.get("reason").asText());
            assertEquals("excluded", p.get("reason").asText());
        } finally {
            Files.deleteIfExists(CONFIG);
        }
    }

    @Test
    void aListedProgramStartedThroughTheLoaderIsExcludedByItsOwnName() throws Exception {
        Files.writeString(CONFIG, "# test\nsleep\n");
        try {
            Matcher shim = start(SHIM + ":" + LIBS + "libjemalloc.so.2", "/lib64/ld-linux-x86-64.so.2", "/usr/bin/sleep", "60");
            assertEquals("sleep", shim.group(2));
            assertEquals("excluded", shim.group(5));
            JsonNode p = ps();
            assertEquals("/usr/bin/sleep", p.get("exe").asText(), p.toString());
            assertEquals("system", p.get("route").asText());
            assertEquals("excluded", p.get("reason").asText());
        } finally {
            Files.deleteIfExists(CONFIG);
        }
    }

    @Test
    void theShimWithoutAnAllocatorIsFlagged() throws Exception {
        Files.deleteIfExists(CONFIG);
        Matcher shim = start(SHIM);
        JsonNode p = ps();
        assertEquals(shim.group(3), p.get("route").asText());
        assertEquals(shim.group(5), p.get("reason").asText());
        assertEquals("allocator-missing", p.get("flags").get(0).asText());
        CliTest.Run r = CliTest.Run.of("ps", "--config", CONFIG.toString(), Long.toString(child.pid()));
        assertEquals(ExitCodes.PROBLEM, r.code(), "a flagged process makes exit code 1");
    }

    @Test
    void aProcessWithoutTheShimHasNoRoute() throws Exception {
        start("");
        JsonNode p = ps();
        assertEquals("none", p.get("route").asText());
        assertEquals("", p.get("shim").asText());
        assertEquals(0, p.get("allocator_libraries").size());
    }

    @Test
    void everyProcessIsCountedAndPrometheusCountsRoutes() throws Exception {
        start(SHIM + ":" + LIBS + "libjemalloc.so.2");
        CliTest.Run r = CliTest.Run.of("ps", "--format", "prometheus", "--config", CONFIG.toString());
        assertTrue(r.out().contains("# TYPE memproxy_ps_processes gauge\n"), r.out());
        Matcher m = Pattern.compile("memproxy_ps_allocator_processes\\{allocator=\"jemalloc\"\\} (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Integer.parseInt(m.group(1)) >= 1);
        CliTest.Run text = CliTest.Run.of("ps", "--config", CONFIG.toString());
        assertTrue(text.out().contains(child.pid() + "  allocator  jemalloc "), text.out());
        assertTrue(text.out().lines().reduce((a, b) -> b).orElse("").contains(" processes: "), text.out());
    }

    @Test
    void aLibraryReadAsDataIsNotALoadedAllocator() throws Exception {
        // A reader may map a library as data (the inspector does for whole symbol tables); ld.so maps
        // code executable. Only code counts. The file is mapped here directly, whatever the reader does.
        java.nio.MappedByteBuffer jemalloc;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Path.of(LIBS + "libjemalloc.so.2"))) {
            jemalloc = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        String real = Path.of(LIBS + "libjemalloc.so.2").toRealPath().toString();
        assertTrue(Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(real)),
                "the reader maps the file");
        long self = ProcessHandle.current().pid();
        CliTest.Run r = CliTest.Run.of("ps", "--format", "json", "--config", CONFIG.toString(), Long.toString(self));
        JsonNode p = new ObjectMapper().readTree(r.out()).get("processes").get(0);
        assertEquals(0, p.get("allocator_libraries").size(), p.toString());
        java.lang.ref.Reference.reachabilityFence(jemalloc);
    }

    @Test
    void aPidThatDoesNotExistIsAProblem() {
        CliTest.Run r = CliTest.Run.of("ps", "999999999");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertFalse(r.out().contains("999999999  "), r.out());
        assertTrue(r.out().contains("1 exited or not found"), r.out());
    }
}
