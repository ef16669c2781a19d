package io.memproxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.Platform;
import io.memproxy.scan.Classifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's target findings and the scan's classes come from one classification and agree on every fixture. */
class TargetClassAgreementTest {
    static final String CHAIN = ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so") + ":/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    static Path fixture(String name) {
        return Path.of(System.getProperty("memproxy.fixtures")).resolve(name);
    }

    static List<JsonNode> findings(String exe) throws Exception {
        CliTest.Run r = CliTest.Run.of("doctor", "--format", "json", "--preload", CHAIN, "--config", "/nonexistent/memproxy.conf",
                "--exe", exe, "--search-path", "/usr/bin:/bin");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<JsonNode> out = new ArrayList<>();
        doc.path("findings").forEach(out::add);
        return out;
    }

    static boolean has(List<JsonNode> findings, String id) {
        return findings.stream().anyMatch(f -> f.path("id").asText().equals(id));
    }

    @Test
    void doctorFindingsMatchScanClasses() throws Exception {
        Map<String, String> idOf = Map.of("STATIC", "target.static", "OTHER_LIBC", "target.other-libc",
                "OWN_MALLOC", "target.own-malloc", "OTHER_ALLOCATOR", "target.needs-allocator");
        Classifier scan = new Classifier(Platform.host());
        for (String name : List.of("prog", "static", "doctor/own-malloc", "doctor/needs-jemalloc", "doctor/musl-hello")) {
            String exe = fixture(name).toString();
            List<ExecutableClass> classes = scan.classify(exe, fixture(name)).classes();
            List<JsonNode> f = findings(exe);
            for (Map.Entry<String, String> e : idOf.entrySet()) {
                assertEquals(classes.contains(ExecutableClass.valueOf(e.getKey())), has(f, e.getValue()),
                        name + ": scan says " + classes + ", doctor says " + f);
            }
        }
    }

    @Test
    void fileCapabilitiesPutATargetInSecureExecution(@TempDir Path tmp) throws Exception {
        Path exe = tmp.resolve("cap-hello");
        Files.copy(fixture("prog"), exe, StandardCopyOption.REPLACE_EXISTING);
        Process setcap = new ProcessBuilder("setcap", "cap_net_raw+ep", exe.toString()).inheritIO().start();
        assertEquals(0, setcap.waitFor(), "setcap (libcap2-bin, run as root) failed");
        List<JsonNode> f = findings(exe.toString());
        JsonNode dropped = f.stream().filter(n -> n.path("id").asText().equals("secure.preload-dropped")).findFirst()
                .orElseThrow(() -> new AssertionError("no secure.preload-dropped in " + f));
        assertEquals("warning", dropped.path("severity").asText(), dropped.toString());
        assertTrue(dropped.path("message").asText().contains("has file capabilities (cap_net_raw=ep)"), dropped.toString());

        // The same program without capabilities keeps its LD_PRELOAD entries.
        Path plain = tmp.resolve("hello");
        Files.copy(fixture("prog"), plain);
        assertTrue(findings(plain.toString()).stream().noneMatch(n -> n.path("id").asText().startsWith("secure.")));
    }
}
