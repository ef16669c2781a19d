package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** doctor and check in the node_exporter textfile-collector format: a fleet alerts on these lines. */
class PrometheusOutputTest {
    static final String GOOD = ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so") + ":/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
    static final Pattern LINE = Pattern.compile(
            "# (HELP|TYPE) memproxy_[a-z_]+ .+|memproxy_[a-z_]+(\\{[a-z_]+=\"[^\"\\\\\\n]*\"(,[a-z_]+=\"[^\"\\\\\\n]*\")*\\})? -?[0-9]+(\\.[0-9]+)?");

    static void assertTextfileFormat(String out) {
        assertTrue(out.endsWith("\n"), "the collector needs a final newline");
        for (String line : out.split("\n")) {
            assertTrue(LINE.matcher(line).matches(), "not a textfile-collector line: " + line);
        }
    }

    @Test
    void aGoodChainIsHealthy() {
        CliTest.Run r = CliTest.Run.of("check", "--format", "prometheus", "--preload", GOOD, "--config", "/nonexistent/x.conf",
                "--exe", "/bin/sh");
        assertEquals(ExitCodes.OK, r.code(), r.out());
        assertTextfileFormat(r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_healthy 1\n"), r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_findings{severity=\"error\"} 0\n"), r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_finding{id=\"config.missing\",severity=\"warning\"} 1\n"), r.out());
    }

    @Test
    void aBrokenChainIsUnhealthyWithTheFindingId() {
        // The GNU ld script Debian ships as libc.so, which the old README told users to preload.
        String broken = "/usr/lib/x86_64-linux-gnu/libc.so:" + GOOD;
        CliTest.Run r = CliTest.Run.of("doctor", "--format", "prometheus", "--preload", broken, "--config", "/nonexistent/x.conf",
                "--exe", "/bin/sh");
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out());
        assertTextfileFormat(r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_healthy 0\n"), r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_finding{id=\"preload.not-elf\",severity=\"error\"} 1\n"), r.out());
        assertTrue(r.out().contains("\nmemproxy_doctor_checks{status=\"error\"} "), r.out());
    }
}
