package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
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
}
