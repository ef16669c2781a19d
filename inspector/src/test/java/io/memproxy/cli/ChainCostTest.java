package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** doctor's chain.cost: what Debian's allocators bring into every process, read from the ELF files and measured. */
class ChainCostTest {
    static final String SHIM = ProbeTest.SHIM;
    static final String LIB = ProbeTest.LIB;

    static JsonNode cost(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("doctor", "--format", "json", "--exe", "/bin/sh"));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
        JsonNode found = null;
        for (JsonNode f : new ObjectMapper().readTree(r.out()).path("findings")) {
            if (f.path("id").asText().equals("chain.cost")) {
                assertEquals(null, found, "one chain.cost finding: " + r.out());
                found = f;
            }
        }
        assertTrue(found != null, "no chain.cost in " + r.out() + r.err());
        return found;
    }

    @Test
    void jemallocAndTcmallocBringTheCppRuntimeIntoEveryProcess() throws Exception {
        for (String allocator : List.of("libjemalloc.so.2", "libtcmalloc_minimal.so.4")) {
            JsonNode f = cost("--preload", SHIM + ":" + LIB + allocator);
            // From the files alone it informs; only a measured cost warns (withTheProbe…).
            assertEquals("info", f.path("severity").asText(), f.toString());
            String message = f.path("message").asText();
            assertTrue(message.contains("libstdc++.so.6 ("), message);
            assertTrue(message.contains("libgcc_s.so.1 ("), message);
            assertTrue(message.contains(allocator + " ("), message);
            assertTrue(f.path("subjects").toString().contains("libstdc++.so.6"), f.toString());
            // /bin/sh (dash) needs only libc: libc, the loader and sh itself are never counted.
            assertTrue(!message.contains("libc.so.6 (") && !message.contains("ld-linux"), message);
            Matcher m = Pattern.compile("libstdc\\+\\+\\.so\\.6 \\([^,]+, ([\\d,]+) relocations\\)").matcher(message);
            assertTrue(m.find(), message);
            int relocations = Integer.parseInt(m.group(1).replace(",", ""));
            assertEquals(readelfRelocations("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"), relocations, message);
        }
    }

    @Test
    void mimallocAddsOnlyItselfAndStaysInformational() throws Exception {
        JsonNode f = cost("--preload", SHIM + ":" + LIB + "libmimalloc.so.2");
        assertEquals("info", f.path("severity").asText(), f.toString());
        assertEquals(2, f.path("subjects").size(), f.toString());
        assertTrue(!f.path("message").asText().contains("libstdc++"), f.toString());
    }

    @Test
    void withTheProbeTheStartUpCostIsMeasured() throws Exception {
        JsonNode f = cost("--probe", "--preload", SHIM + ":" + LIB + "libjemalloc.so.2");
        String message = f.path("message").asText();
        Matcher m = Pattern.compile("measured over (\\d+) interleaved starts of the probe: ([-+][\\d.]+) ms per start"
                + " \\(pairs ([-+][\\d.]+) to ([-+][\\d.]+)\\)").matcher(message);
        assertTrue(m.find(), message);
        double median = Double.parseDouble(m.group(2));
        assertTrue(Double.parseDouble(m.group(3)) <= median && median <= Double.parseDouble(m.group(4)), message);
        // A warning needs a measured cost above a millisecond; a cost that small never warns.
        if (f.path("severity").asText().equals("warning")) {
            assertTrue(median > 1.0, message);
            assertTrue(f.path("fix").asText().contains("libstdc++") || f.path("fix").asText().contains("C++ runtime"), f.toString());
        } else {
            assertEquals("info", f.path("severity").asText(), f.toString());
        }
    }

    /** Dynamic relocations as readelf counts them (-r lists .rela.dyn and .rela.plt). */
    static int readelfRelocations(String file) throws Exception {
        Process p = new ProcessBuilder("readelf", "-rW", file).redirectErrorStream(true).start();
        int n = 0;
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            n += line.matches("^[0-9a-f]{16}\\s+[0-9a-f]+\\s+R_X86_64_\\S+.*") ? 1 : 0;
        }
        p.waitFor();
        return n;
    }
}
