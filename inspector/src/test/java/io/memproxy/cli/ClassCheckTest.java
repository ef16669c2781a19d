package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor on 64-bit and 32-bit targets side by side, each prediction held against what the real loaders print
 * when the programs run under the same chain: the "cannot be preloaded" lines of ld.so for each class, and the
 * shim's own route line.
 */
class ClassCheckTest {
    static final Path SHIM_BUILD = ChainScenarioTest.TOP.resolve("shim/build");
    static final Pattern LOADER_ERROR = Pattern.compile("ERROR: ld\\.so: object '.*?' from \\S+ cannot be preloaded \\(.*?\\): ignored\\.");

    @TempDir
    Path tmp;
    /** tmp/lib/<triplet>/libmemproxy.so for both classes: tmp/$LIB/libmemproxy.so names each process's own. */
    Path multi;

    @BeforeEach
    void bothShims() throws IOException {
        multi = tmp.resolve("multi");
        for (String[] a : new String[][] {{"x86_64", "x86_64-linux-gnu"}, {"i386", "i386-linux-gnu"}}) {
            Path d = Files.createDirectories(multi.resolve("lib/" + a[1]));
            Files.createSymbolicLink(d.resolve("libmemproxy.so"), SHIM_BUILD.resolve(a[0] + "/libmemproxy.so"));
        }
    }

    record Real(String stderr, List<String> loaderErrors, List<String> routes) {}

    /** Runs the program under LD_PRELOAD (stdin /dev/null, no config: nothing excluded). */
    static Real real(String preload, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "LD_PRELOAD", preload, "MEMPROXY_DEBUG", "1",
                "MEMPROXY_CONF", "/nonexistent/memproxy.conf"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor();
        List<String> errors = new ArrayList<>();
        Matcher m = LOADER_ERROR.matcher(err);
        while (m.find()) {
            errors.add(m.group());
        }
        List<String> routes = err.lines().filter(l -> l.startsWith("memproxy: ")).map(l -> l.replaceFirst("pid=\\d+ ", "")).toList();
        return new Real(err, errors, routes);
    }

    static JsonNode doctor(String preload, String... exes) throws IOException {
        List<String> args = new ArrayList<>(List.of("doctor", "--format", "json", "--config", "/nonexistent/memproxy.conf",
                "--preload", preload, "--exe"));
        args.addAll(List.of(exes));
        CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
        return new ObjectMapper().readTree(r.out());
    }

    static List<JsonNode> findings(JsonNode doc, String id) {
        List<JsonNode> out = new ArrayList<>();
        doc.path("findings").forEach(f -> {
            if (f.path("id").asText().equals(id)) {
                out.add(f);
            }
        });
        return out;
    }

    /** The loader lines a finding quotes, in its order. */
    static List<String> quoted(JsonNode finding) {
        List<String> out = new ArrayList<>();
        Matcher m = LOADER_ERROR.matcher(finding.path("message").asText());
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void aSixtyFourBitChainLeavesOutThirtyTwoBitPrograms() throws Exception {
        String chain = SHIM_BUILD.resolve("x86_64/libmemproxy.so") + ":/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
        JsonNode doc = doctor(chain, "/bin/sh", "/usr/bin/hello");
        List<JsonNode> f = findings(doc, "class.uncovered");
        assertEquals(1, f.size(), doc.toPrettyString());
        assertEquals("error", f.get(0).path("severity").asText());
        assertTrue(f.get(0).path("fix").asText().contains("/usr/local/$LIB/libmemproxy.so /usr/$LIB/libjemalloc.so.2"),
                f.get(0).toString());
        Real hello = real(chain, "/usr/bin/hello");
        assertEquals(2, hello.loaderErrors().size(), hello.stderr());
        assertEquals(hello.loaderErrors(), quoted(f.get(0)));
        assertEquals(List.of(), hello.routes(), "no shim in the 32-bit process: " + hello.stderr());
        // The 64-bit side is fine, and the 64-bit process prints no loader error.
        assertEquals(List.of(), real(chain, "/bin/sh", "-c", ":").loaderErrors());
        assertTrue(findings(doc, "preload.wrong-class").isEmpty(), doc.toPrettyString());
    }

    @Test
    void aThirtyTwoBitChainLeavesOutSixtyFourBitPrograms() throws Exception {
        String chain = SHIM_BUILD.resolve("i386/libmemproxy.so") + ":/usr/lib/i386-linux-gnu/libjemalloc.so.2";
        JsonNode doc = doctor(chain, "/bin/sh");
        List<JsonNode> f = findings(doc, "preload.wrong-class");
        assertEquals(2, f.size(), doc.toPrettyString());
        Real sh = real(chain, "/bin/sh", "-c", ":");
        assertEquals(sh.loaderErrors(), f.stream().flatMap(x -> quoted(x).stream()).toList());
        assertTrue(f.get(0).path("message").asText().contains("in every 64-bit process"), f.get(0).toString());
        // The 32-bit program loads it: the doctor's route for it and the shim's line agree.
        JsonNode both = doctor(chain, "/usr/bin/hello");
        assertTrue(findings(both, "preload.wrong-class").isEmpty(), both.toPrettyString());
        Real hello = real(chain, "/usr/bin/hello");
        assertEquals(List.of(), hello.loaderErrors(), hello.stderr());
        assertEquals(List.of("memproxy: exe=hello route=allocator allocator=jemalloc reason=no-config"), hello.routes());
        assertEquals("allocator", both.path("routes").get(0).path("route").asText(), both.toPrettyString());
    }

    @Test
    void oneLibChainServesBothClasses() throws Exception {
        String chain = multi + "/$LIB/libmemproxy.so:/usr/$LIB/libjemalloc.so.2";
        JsonNode doc = doctor(chain, "/bin/sh", "/usr/bin/hello");
        // Nothing wrong but the missing exclusion list the test runs without.
        doc.path("findings").forEach(x -> assertTrue(x.path("severity").asText().equals("info")
                || x.path("id").asText().equals("config.missing"), doc.toPrettyString()));
        JsonNode summary = findings(doc, "class.summary").get(0);
        assertTrue(summary.path("message").asText().contains("malloc from " + multi + "/lib/i386-linux-gnu/libmemproxy.so;"
                + " the shim decides allocator jemalloc (no-config)"), summary.toString());
        for (JsonNode route : doc.path("routes")) {
            String exe = route.path("exe").asText();
            String triplet = exe.equals("/usr/bin/hello") ? "i386-linux-gnu" : "x86_64-linux-gnu";
            assertEquals(multi + "/lib/" + triplet + "/libmemproxy.so", route.path("malloc_from").asText(), route.toString());
            Real r = real(chain, exe, exe.equals("/bin/sh") ? "-c" : "-g", exe.equals("/bin/sh") ? ": x" : "x");
            assertEquals(List.of(), r.loaderErrors(), r.stderr());
            String real = Path.of(exe).toRealPath().getFileName().toString();  // the shim names the real file (dash)
            assertEquals(List.of("memproxy: exe=" + real + " route="
                    + route.path("route").asText() + " allocator=" + route.path("allocator").asText() + " reason="
                    + route.path("reason").asText()), r.routes());
        }
    }

    @Test
    void aLibChainWithOneClassFileMissing() throws Exception {
        Files.delete(multi.resolve("lib/i386-linux-gnu/libmemproxy.so"));
        String chain = multi + "/$LIB/libmemproxy.so:/usr/$LIB/libjemalloc.so.2";
        JsonNode doc = doctor(chain, "/bin/sh", "/usr/bin/hello");
        List<JsonNode> f = findings(doc, "class.lib-missing");
        assertEquals(1, f.size(), doc.toPrettyString());
        assertTrue(f.get(0).path("message").asText().contains(multi + "/$LIB/libmemproxy.so is " + multi
                + "/lib/i386-linux-gnu/libmemproxy.so there"), f.get(0).toString());
        Real hello = real(chain, "/usr/bin/hello");
        assertEquals(hello.loaderErrors(), quoted(f.get(0)));
        assertEquals(1, hello.loaderErrors().size(), hello.stderr());
        assertEquals(List.of(), real(chain, "/bin/sh", "-c", ":").loaderErrors());
    }

    @Test
    void libWhereTheLoaderDoesNotExpandIt() throws Exception {
        for (String entry : List.of("libjemalloc$LIB.so", "/usr/$LIBDIR/libjemalloc.so.2")) {
            String chain = SHIM_BUILD.resolve("x86_64/libmemproxy.so") + ":" + entry;
            JsonNode doc = doctor(chain, "/bin/sh");
            List<JsonNode> f = findings(doc, "preload.dst-not-expanded");
            assertEquals(1, f.size(), doc.toPrettyString());
            assertEquals("error", f.get(0).path("severity").asText());
            // ld.so indeed takes the entry literally: its error names the entry unexpanded.
            Real sh = real(chain, "/bin/sh", "-c", ":");
            assertEquals(List.of("ERROR: ld.so: object '" + entry + "' from LD_PRELOAD cannot be preloaded (cannot open shared"
                    + " object file): ignored."), sh.loaderErrors());
        }
    }

    @Test
    void withoutTargetsTheDoctorFindsAThirtyTwoBitProgram() throws Exception {
        String chain = SHIM_BUILD.resolve("x86_64/libmemproxy.so") + ":/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
        CliTest.Run r = CliTest.Run.of("doctor", "--format", "json", "--config", "/nonexistent/memproxy.conf", "--preload", chain,
                "--search-path", "/usr/bin");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<JsonNode> f = findings(doc, "class.uncovered");
        assertEquals(1, f.size(), doc.toPrettyString());
        assertEquals("warning", f.get(0).path("severity").asText(), "found on the machine, not named: a warning");
        assertFalse(findings(doc, "class.summary").isEmpty());
    }
}
