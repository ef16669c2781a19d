package io.memproxy.output;

import io.memproxy.doctor.AllocatorBinding;
import io.memproxy.doctor.ChainEntry;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Route;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.shimmodel.ShimRoute;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonReportTest {
    static Diagnosis sample() {
        return new Diagnosis("0.1.0", "2.36", "/etc/memproxy.conf",
                List.of(new ChainEntry("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "--preload",
                                "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "allocator:jemalloc", ""),
                        new ChainEntry("libc.so", "--preload", "/usr/lib/x86_64-linux-gnu/libc.so", "other", "invalid ELF header")),
                List.of(new Route("/bin/sh", ShimRoute.ALLOCATOR, "jemalloc", "not-excluded", "/lib/libmemproxy.so")),
                List.of(new AllocatorBinding("/bin/sh", "malloc", "/bin/sh", "/lib/libmemproxy.so")),
                List.of(new CheckResult("chain", "Preload chain entries",
                                List.of(new Finding("preload.not-elf", Severity.ERROR, List.of("libc.so", "/usr/lib/x86_64-linux-gnu/libc.so"),
                                        "libc.so is a \"GNU ld script\", not ELF", "remove it")),
                                Optional.empty()),
                        new CheckResult("config", "Exclusion list",
                                List.of(Finding.info("config.trailing-blank", "/etc/memproxy.conf:2", "blanks")), Optional.empty()),
                        new CheckResult("binding", "Bindings", List.of(), Optional.of("IllegalStateException: boom"))));
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        Diagnosis d = sample();
        StringWriter w = new StringWriter();
        JsonReport.write(d, w);
        assertEquals(d, JsonReport.read(w.toString()));
    }

    @Test
    void documentCarriesSchemaVersionAndSummary() throws IOException {
        StringWriter w = new StringWriter();
        JsonReport.write(sample(), w);
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(w.toString());
        assertEquals(JsonReport.SCHEMA_VERSION, doc.get("schema_version").asInt());
        assertEquals(1, doc.at("/summary/errors").asInt());
        assertEquals(1, doc.at("/summary/crashed_checks").asInt());
        assertEquals("crashed", doc.at("/checks/2/status").asText());
        assertEquals("chain", doc.at("/findings/0/check").asText());
    }

    @Test
    void otherSchemaVersionsAreRefused() {
        assertThrows(IOException.class, () -> JsonReport.read("{\"schema_version\": 99}"));
    }
}
