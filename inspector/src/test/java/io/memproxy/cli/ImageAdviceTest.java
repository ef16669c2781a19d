package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.image.TestImages;
import io.memproxy.image.TestImages.Layer;
import io.memproxy.install.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * image-advice: the Dockerfile lines it prints, applied to the image as a build would (a layer with the
 * shim, the config's Env), give an image the doctor finds working; a chain that cannot work gets no advice.
 */
class ImageAdviceTest {
    @TempDir
    Path tmp;

    static final List<String> ENTRYPOINT = List.of("/bin/sh", "-c", "exec true");

    @Test
    void theAdviceAppliedGivesAWorkingImage() throws Exception {
        Layer alloc = new Layer().file(TestImages.JEMALLOC.substring(1), Path.of(TestImages.JEMALLOC).toRealPath());
        ObjectNode config = TestImages.config("amd64", Map.of("LD_PRELOAD", "/lib/x86_64-linux-gnu/libm.so.6"), ENTRYPOINT, List.of());
        Path image = TestImages.layout(tmp.resolve("before"), config, List.of(TestImages.base(), alloc));
        CliTest.Run r = CliTest.Run.of("image-advice", image.toString(), "--shim", Sandbox.builtShim().toString());
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().filter(l -> !l.startsWith("#")).toList();
        String env = "ENV LD_PRELOAD=" + TestImages.CHAIN + ":/lib/x86_64-linux-gnu/libm.so.6";
        assertEquals(List.of("COPY libmemproxy.so /usr/local/lib/libmemproxy.so", env), lines, r.out());

        // What docker build would make of those lines: a layer with the shim, and the ENV in the config.
        Layer copy = new Layer().file("usr/local/lib/libmemproxy.so", Sandbox.builtShim());
        ObjectNode after = TestImages.config("amd64", Map.of("LD_PRELOAD", env.substring("ENV LD_PRELOAD=".length())), ENTRYPOINT, List.of());
        Path built = TestImages.layout(tmp.resolve("after"), after, List.of(TestImages.base(), alloc, copy));
        CliTest.Run d = CliTest.Run.of("doctor", "--image", built.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, d.code(), d.out() + d.err());
        assertEquals("allocator", new ObjectMapper().readTree(d.out()).at("/routes/0/route").asText(), d.out());
    }

    @Test
    void anAllocatorTheImageLacksIsInstalledWithApt() throws Exception {
        Layer apt = new Layer().file("usr/bin/apt-get", Path.of("/usr/bin/dash"));
        Path image = TestImages.layout(tmp.resolve("oci"), TestImages.config("amd64", Map.of(), ENTRYPOINT, List.of()),
                List.of(TestImages.base(), apt));
        CliTest.Run r = CliTest.Run.of("image-advice", "--image", image.toString(), "--shim", Sandbox.builtShim().toString(),
                "--preload-file");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2"), r.out());
        assertTrue(r.out().contains("RUN printf '%s\\n' " + TestImages.SHIM + " " + TestImages.JEMALLOC + " > /etc/ld.so.preload"), r.out());

        CliTest.Run j = CliTest.Run.of("image-advice", "--image", image.toString(), "--shim", Sandbox.builtShim().toString(), "--json");
        assertEquals(ExitCodes.OK, j.code(), j.out() + j.err());
        com.fasterxml.jackson.databind.JsonNode doc = new ObjectMapper().readTree(j.out());
        assertEquals(1, doc.path("schema_version").asInt());
        assertTrue(doc.path("works").asBoolean(), j.out());
        assertEquals("ENV LD_PRELOAD=" + TestImages.CHAIN, doc.at("/dockerfile/2").asText(), j.out());
    }

    @Test
    void aChainThatCannotWorkGetsNoAdvice() throws Exception {
        // jemalloc needs libstdc++, which this image lacks: every program would fail to start.
        Layer base = new Layer();
        base.file("bin/sh", Path.of("/usr/bin/dash"));
        base.file("lib64/ld-linux-x86-64.so.2", Path.of("/lib64/ld-linux-x86-64.so.2").toRealPath());
        base.file("lib/x86_64-linux-gnu/libc.so.6", Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath());
        Layer alloc = new Layer().file(TestImages.JEMALLOC.substring(1), Path.of(TestImages.JEMALLOC).toRealPath());
        Path image = TestImages.layout(tmp.resolve("oci"), TestImages.config("amd64", Map.of(), ENTRYPOINT, List.of()),
                List.of(base, alloc));
        CliTest.Run r = CliTest.Run.of("image-advice", "--image", image.toString(), "--shim", Sandbox.builtShim().toString());
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("ENV LD_PRELOAD"), r.out());
        assertTrue(r.out().contains("libstdc++.so.6"), r.out());
        assertTrue(r.err().contains("no advice: the chain does not work in"), r.err());
        CliTest.Run j = CliTest.Run.of("image-advice", "--image", image.toString(), "--shim", Sandbox.builtShim().toString(),
                "--format", "json");
        assertEquals(ExitCodes.PROBLEM, j.code(), j.out() + j.err());
        com.fasterxml.jackson.databind.JsonNode doc = new ObjectMapper().readTree(j.out());
        assertFalse(doc.path("works").asBoolean(), j.out());
        assertEquals(0, doc.path("dockerfile").size(), j.out());
        assertTrue(doc.path("findings").size() > 0, j.out());

        Path noApt = TestImages.layout(tmp.resolve("bare"), TestImages.config("amd64", Map.of(), ENTRYPOINT, List.of()),
                List.of(base));
        CliTest.Run n = CliTest.Run.of("image-advice", "--image", noApt.toString(), "--shim", Sandbox.builtShim().toString());
        assertEquals(ExitCodes.PROBLEM, n.code(), n.err());
        assertTrue(n.err().contains("no apt-get to install libjemalloc2"), n.err());
        List<String> none = new ArrayList<>(n.out().lines().toList());
        assertTrue(none.isEmpty(), n.out());
    }
}
