package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.image.TestImages;
import io.memproxy.image.TestImages.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor, ldd and scan --image on images the tests assemble from this machine's files and the built
 * shim: several layers, whiteouts, an opaque directory, a config with Env and Entrypoint, an image index,
 * an OCI archive and a docker save archive.
 */
class ImageCommandsTest {
    @TempDir
    Path tmp;

    static final ObjectNode CONFIG = TestImages.config("amd64", Map.of("LD_PRELOAD", TestImages.CHAIN, "PATH", "/usr/bin:/bin"),
            List.of("sh", "-c"), List.of("exec true"));

    static List<String> ids(String json) throws IOException {
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(json).path("findings").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    static String finding(String json, String id) throws IOException {
        for (JsonNode f : new ObjectMapper().readTree(json).path("findings")) {
            if (f.path("id").asText().equals(id)) {
                return f.path("message").asText();
            }
        }
        return "";
    }

    @Test
    void theConfigsEnvironmentAndEntrypointAreExaminedWithTheLayerOfEachFile() throws Exception {
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), TestImages.chain().plain(),
                new Layer().text("etc/memproxy.conf", "bash\n")));
        CliTest.Run r = CliTest.Run.of("doctor", "--image", image.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("/bin/sh", doc.at("/routes/0/exe").asText(), "the entrypoint sh, found on the config's PATH: " + r.out());
        assertEquals(TestImages.SHIM, doc.at("/chain/0/path").asText(), r.out());
        assertEquals("LD_PRELOAD", doc.at("/chain/0/source").asText(), r.out());
        assertEquals("allocator", doc.at("/routes/0/route").asText(), r.out());
        String layers = r.out();
        assertTrue(layers.contains(TestImages.JEMALLOC + " comes from layer 2 (sha256:"), layers);
        assertTrue(layers.contains("/etc/memproxy.conf comes from layer 3"), layers);

        CliTest.Run c = CliTest.Run.of("check", "--image", image.toString());
        assertEquals(ExitCodes.OK, c.code(), c.out() + c.err());
        CliTest.Run both = CliTest.Run.of("doctor", "--image", image.toString(), "--unit", "x.service");
        assertEquals(ExitCodes.USAGE, both.code(), both.err());
        CliTest.Run probe = CliTest.Run.of("doctor", "--image", image.toString(), "--probe");
        assertEquals(ExitCodes.USAGE, probe.code(), probe.err());
    }

    @Test
    void aWhiteoutDeletingTheAllocatorIsNamedWithItsLayer() throws Exception {
        Layer rm = new Layer().text("usr/lib/x86_64-linux-gnu/.wh.libjemalloc.so.2", "");
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), TestImages.chain(), rm));
        CliTest.Run r = CliTest.Run.of("doctor", "--image", image.toString(), "--format", "json");
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out() + r.err());
        assertTrue(finding(r.out(), "image.deleted").startsWith(TestImages.JEMALLOC + " is deleted by layer 3 (sha256:"), r.out());

        // ldd sees the same merged view: the shim loads, the allocator is gone.
        CliTest.Run ldd = CliTest.Run.of("ldd", "--image", image.toString(), "/bin/sh");
        assertTrue(ldd.out().contains("libmemproxy.so"), ldd.out() + ldd.err());
        assertTrue(ldd.err().contains("libjemalloc.so.2"), ldd.out() + ldd.err());
    }

    @Test
    void anOpaqueDirectoryHidesWhatLowerLayersPutThere() throws Exception {
        Layer lower = new Layer().file("opt/lib/libmemproxy.so", io.memproxy.install.Sandbox.builtShim()).text("opt/keep", "x");
        Layer opaque = new Layer().text("opt/.wh..wh..opq", "").text("opt/new", "y");
        ObjectNode config = TestImages.config("amd64", Map.of("LD_PRELOAD", "/opt/lib/libmemproxy.so"), List.of("/bin/sh"), List.of());
        Path image = TestImages.layout(tmp.resolve("oci"), config, List.of(TestImages.base(), lower, opaque));
        CliTest.Run r = CliTest.Run.of("doctor", "--image", image.toString(), "--format", "json");
        assertTrue(finding(r.out(), "image.deleted").startsWith("/opt/lib/libmemproxy.so is deleted by layer 3"), r.out());
        CliTest.Run scan = CliTest.Run.of("scan", "--image", image.toString(), "--format", "json", "/opt", "/bin");
        assertTrue(scan.out().contains("\"/bin/sh\""), scan.out() + scan.err());
        assertFalse(scan.out().contains("/opt/lib"), scan.out());
    }

    @Test
    void scanAndLddReadTheImageNotThisMachine() throws Exception {
        Layer tools = new Layer().file("usr/bin/tool", Path.of("/usr/bin/dash")).mode("usr/bin/tool", 04755)
                .file("usr/bin/pinger", Path.of("/usr/bin/dash"))
                .pax("usr/bin/pinger", "SCHILY.xattr.security.capability", "\u0001\u0000\u0000\u0002\u0000\u0020\u0000\u0000");
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), TestImages.chain(), tools));
        CliTest.Run scan = CliTest.Run.of("scan", "--image", image.toString(), "--format", "json", "--no-progress");
        assertEquals(ExitCodes.OK, scan.code(), scan.out() + scan.err());
        assertTrue(scan.out().contains("\"/usr/bin/tool\""), scan.out());
        assertTrue(scan.out().contains("setuid"), "the set-user-ID bit comes from the layer's tar header: " + scan.out());
        assertFalse(scan.out().contains("/usr/bin/ls"), "this machine's /usr/bin is not the image's: " + scan.out());
        assertTrue(scan.out().contains("security.capability set in layer 3"), "file capabilities from the layer's PAX header: " + scan.out());

        CliTest.Run doctor = CliTest.Run.of("doctor", "--image", image.toString(), "--exe", "/usr/bin/pinger", "--format", "json");
        assertTrue(ids(doctor.out()).contains("secure.preload-dropped"), "a capability program runs in secure mode: " + doctor.out());

        CliTest.Run ldd = CliTest.Run.of("ldd", "--image", image.toString(), "--json", "/usr/bin/tool");
        assertEquals(ExitCodes.OK, ldd.code(), ldd.out() + ldd.err());
        assertTrue(ldd.out().contains(TestImages.SHIM), "LD_PRELOAD from the image's config: " + ldd.out());
    }

    @Test
    void dockerSaveAndOciArchivesAreReadInPlace() throws Exception {
        Path save = TestImages.dockerSave(tmp.resolve("save.tar"), CONFIG,
                List.of(TestImages.base(), new Layer(), TestImages.chain(), new Layer()));
        CliTest.Run r = CliTest.Run.of("doctor", "--image", save.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals("allocator", new ObjectMapper().readTree(r.out()).at("/routes/0/route").asText(), r.out());

        Path layout = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), TestImages.chain()));
        Path archive = TestImages.tarOf(layout, tmp.resolve("oci.tar"));
        CliTest.Run a = CliTest.Run.of("doctor", "--image", archive.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, a.code(), a.out() + a.err());
        assertTrue(a.out().contains("comes from layer 2"), a.out());
    }

    @Test
    void platformPicksTheManifestFromAnIndex() throws Exception {
        Path dir = tmp.resolve("multi");
        Files.createDirectories(dir);
        ObjectNode amd = TestImages.manifest(dir, CONFIG, List.of(TestImages.base(), TestImages.chain()));
        amd.putObject("platform").put("os", "linux").put("architecture", "amd64");
        ObjectNode armConfig = TestImages.config("arm64", Map.of(), List.of("/bin/sh"), List.of());
        ObjectNode arm = TestImages.manifest(dir, armConfig, List.of(TestImages.base()));
        arm.putObject("platform").put("os", "linux").put("architecture", "arm64").put("variant", "v8");
        TestImages.layout(dir, List.of(amd, arm));

        CliTest.Run host = CliTest.Run.of("doctor", "--image", dir.toString(), "--format", "json");
        assertTrue(finding(host.out(), "image.summary").contains("linux/amd64, 2 layer(s)"), host.out() + host.err());
        CliTest.Run pick = CliTest.Run.of("doctor", "--image", dir.toString(), "--platform", "linux/arm64", "--format", "json");
        assertTrue(finding(pick.out(), "image.summary").contains("linux/arm64, 1 layer(s)"), pick.out() + pick.err());
        CliTest.Run none = CliTest.Run.of("doctor", "--image", dir.toString(), "--platform", "linux/s390x");
        assertEquals(ExitCodes.COULD_NOT_RUN, none.code());
        assertTrue(none.err().contains("no manifest for linux/s390x; the index offers linux/amd64, linux/arm64/v8"), none.err());
        CliTest.Run bad = CliTest.Run.of("doctor", "--image", dir.toString(), "--platform", "amd64");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }

    @Test
    void imagesPackedByUmociAreRead() throws Exception {
        Path oci = tmp.resolve("umoci");
        Path bundle = tmp.resolve("bundle");
        umoci("init", "--layout", oci.toString());
        umoci("new", "--image", oci + ":test");
        umoci("unpack", "--rootless", "--image", oci + ":test", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        copy(Path.of("/usr/bin/dash"), rootfs, "/bin/sh");
        copy(Path.of("/lib64/ld-linux-x86-64.so.2").toRealPath(), rootfs, "/lib64/ld-linux-x86-64.so.2");
        for (String lib : List.of("libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6")) {
            copy(Path.of("/lib/x86_64-linux-gnu/" + lib).toRealPath(), rootfs, "/lib/x86_64-linux-gnu/" + lib);
        }
        copy(io.memproxy.install.Sandbox.builtShim(), rootfs, TestImages.SHIM);
        copy(Path.of(TestImages.JEMALLOC).toRealPath(), rootfs, TestImages.JEMALLOC);
        umoci("repack", "--image", oci + ":test", bundle.toString());
        umoci("config", "--image", oci + ":test", "--config.env", "LD_PRELOAD=" + TestImages.CHAIN, "--config.entrypoint", "/bin/sh");
        CliTest.Run ok = CliTest.Run.of("doctor", "--image", oci.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, ok.code(), ok.out() + ok.err());

        // Unpacked again and repacked without the allocator: umoci records the deletion as a whiteout in layer 2.
        Path again = tmp.resolve("again");
        umoci("unpack", "--rootless", "--image", oci + ":test", again.toString());
        Files.delete(again.resolve("rootfs" + TestImages.JEMALLOC));
        umoci("repack", "--image", oci + ":test", again.toString());
        CliTest.Run gone = CliTest.Run.of("doctor", "--image", oci.toString(), "--format", "json");
        assertEquals(ExitCodes.PROBLEM, gone.code(), gone.out() + gone.err());
        assertTrue(finding(gone.out(), "image.deleted").startsWith(TestImages.JEMALLOC + " is deleted by layer 2"), gone.out());
    }

    static void copy(Path from, Path root, String as) throws IOException {
        Path to = root.resolve(as.substring(1));
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    static void umoci(String... args) throws Exception {
        Process p = new ProcessBuilder(Stream.concat(Stream.of("umoci"), Stream.of(args)).toList()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "umoci " + String.join(" ", args) + ": " + out);
    }
}
