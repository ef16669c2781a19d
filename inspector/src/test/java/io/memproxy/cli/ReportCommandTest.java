package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    static final String JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    @Test
    void bundleHasFactsChecksumsConfigAndJson(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("memproxy.conf");
        Files.writeString(conf, "bash\n");
        Path report = tmp.resolve("report.md");
        CliTest.Run r = CliTest.Run.of("report", "--preload", JEMALLOC, "--config", conf.toString(), "--exe", "/bin/sh",
                "-o", report.toString());
        assertEquals(ExitCodes.PROBLEM, r.code(), r.err()); // no shim in the chain: an error finding
        String md = Files.readString(report);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(JEMALLOC))));
        assertTrue(md.contains(sha), md);
        assertTrue(md.contains("| glibc | 2."), md);
        assertTrue(md.contains("```\nbash\n```"), md);
        assertTrue(md.contains("`chain.no-shim`"), md);
        String json = md.substring(md.indexOf("```json\n") + 8, md.lastIndexOf("```"));
        JsonNode doc = new ObjectMapper().readTree(json);
        assertEquals(sha, doc.at("/system/objects/0/sha256").asText());
        assertEquals("allocator:jemalloc", doc.at("/system/objects/0/role").asText());
        // Nothing from the environment but the loader's variables.
        String home = System.getenv("HOME");
        assertFalse(home != null && home.length() > 1 && md.contains("HOME"), md);
    }

    @Test
    void unwritableOutputCannotRun(@TempDir Path tmp) {
        CliTest.Run r = CliTest.Run.of("report", "--preload", JEMALLOC, "--exe", "/bin/sh", "-o", tmp.resolve("no/such/dir/r.md").toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, r.code());
        assertTrue(r.err().startsWith("memproxy: ") && r.err().contains("cannot write the report"), r.err());
    }
}
