package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTest {
    static final class Exploding implements Check {
        @Override
        public String name() {
            return "exploding";
        }

        @Override
        public String title() {
            return "A check with a bug";
        }

        @Override
        public List<Finding> run(Inspection inspection) {
            throw new IllegalStateException("bug");
        }
    }

    @Test
    void aCrashingCheckIsReportedAndTheRunContinues() {
        Inspection in = new Inspection(new Inspection.Inputs(Path.of("/"), Optional.of(""), Optional.empty(),
                "/nonexistent/memproxy.conf", List.of("/bin/sh"), "/usr/bin:/bin"));
        List<CheckResult> r = new Doctor(List.of(new Exploding(), new ConfigCheck())).run(in);
        assertEquals(CheckResult.Status.CRASHED, r.get(0).status());
        assertTrue(r.get(0).crash().orElseThrow().contains("IllegalStateException: bug"));
        assertEquals("config.missing", r.get(1).findings().get(0).id());
    }
}
