package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shim's own MEMPROXY_DEBUG line agrees with the doctor's prediction, for each allocator and both chain orders. */
class ProbeTest {
    static final String LIB = "/usr/lib/x86_64-linux-gnu/";
    static final String SHIM = ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so").toString();

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> probeAgreesWithPrediction() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String allocator : List.of("libjemalloc.so.2", "libtcmalloc_minimal.so.4", "libmimalloc.so.2")) {
            for (String chain : List.of(SHIM + ":" + LIB + allocator, SHIM + ":/lib/x86_64-linux-gnu/libc.so.6:" + LIB + allocator,
                    LIB + allocator + ":" + SHIM)) {
                tests.add(DynamicTest.dynamicTest(chain, () -> check(chain)));
            }
        }
        return tests.stream();
    }

    void check(String chain) throws Exception {
        Path conf = Files.writeString(Files.createTempFile(tmp, "memproxy", ".conf"), "sort\n");
        CliTest.Run r = CliTest.Run.of("doctor", "--probe", "--format", "json", "--preload", chain, "--config", conf.toString(),
                "--exe", "/bin/sh");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> probe = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            if (f.path("check").asText().equals("probe")) {
                probe.add(f.path("id").asText() + ": " + f.path("message").asText());
            }
        }
        assertEquals(2, probe.size(), r.out() + r.err());
        for (String p : probe) {
            assertEquals("probe.agrees", p.substring(0, p.indexOf(':')), p);
        }
        boolean bypassed = chain.endsWith(SHIM);
        assertEquals(bypassed ? ExitCodes.PROBLEM : ExitCodes.OK, r.code(), r.out());
    }

    @Test
    @Timeout(120) // a timeout that did not hold would otherwise hang the suite: the fixture never returns
    void aProbeThatHangsIsKilledAtTheTimeoutAndReported() throws Exception {
        String hang = Path.of(System.getProperty("memproxy.fixtures"), "doctor", "libhang.so").toString();
        Path conf = Files.writeString(Files.createTempFile(tmp, "memproxy", ".conf"), "sort\n");
        CliTest.Run r = CliTest.Run.of("doctor", "--probe", "--probe-timeout", "1", "--format", "json",
                "--preload", SHIM + ":" + hang + ":" + LIB + "libjemalloc.so.2", "--config", conf.toString(), "--exe", "/bin/sh");
        List<JsonNode> probe = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).path("findings").forEach(f -> {
            if (f.path("check").asText().equals("probe")) {
                probe.add(f);
            }
        });
        assertEquals(2, probe.size(), r.out() + r.err());
        for (JsonNode f : probe) {
            assertEquals("probe.failed", f.path("id").asText(), f.toString());
            assertEquals("error", f.path("severity").asText(), f.toString());
            assertTrue(f.path("message").asText().contains("did not finish within 1 s and was killed"), f.toString());
        }
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out());
        assertEquals(List.of(), processesMapping(hang), "no hung probe is left running");
    }

    @Test
    void aProbeTimeoutBelowOneSecondIsAUsageError() {
        CliTest.Run r = CliTest.Run.of("doctor", "--probe", "--probe-timeout", "0");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--probe-timeout must be at least 1 second"), r.err());
    }

    /** The processes other than this one (whose ELF reader maps files it reads whole) that have {@code library} mapped. */
    private static List<String> processesMapping(String library) throws Exception {
        List<String> out = new ArrayList<>();
        String self = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+") && !p.getFileName().toString().equals(self)).toList()) {
                try {
                    if (Files.readString(p.resolve("maps")).contains(library)) {
                        out.add(p.getFileName().toString());
                    }
                } catch (java.io.IOException e) {
                    // the process ended, or is not ours to read
                }
            }
        }
        return out;
    }
}
