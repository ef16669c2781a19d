package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.image.ContainerImage;
import io.memproxy.image.ImageException;
import io.memproxy.image.TestImages;
import io.memproxy.image.TestImages.Layer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile images: each is one line naming the image (and the layer and entry) with exit 3,
 * never a stack trace, never a file written outside memory, never memory beyond the limits.
 */
class ImageMalformedTest {
    @TempDir
    Path tmp;

    static final ObjectNode CONFIG = TestImages.config("amd64", Map.of(), List.of("/bin/sh"), List.of());

    /** Runs the doctor on the image: exit 3 and one line on stderr, naming the image, are required of every case. */
    CliTest.Run refused(Path image, String cause) throws IOException {
        List<Path> before = listing();
        CliTest.Run r = CliTest.Run.of("doctor", "--image", image.toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("memproxy: " + image), r.err());
        assertTrue(r.err().contains(cause), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertEquals(before, listing(), "nothing written next to the image");
        return r;
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void truncatedArchivesAndLayers() throws Exception {
        Path save = TestImages.dockerSave(tmp.resolve("save.tar"), CONFIG, List.of(TestImages.base(), TestImages.chain()));
        byte[] all = Files.readAllBytes(save);
        Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(all, all.length / 2));
        refused(cut, "cut.tar");

        Path layout = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base()));
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            Path biggest = blobs.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
            byte[] b = Files.readAllBytes(biggest);
            Files.write(biggest, Arrays.copyOf(b, b.length / 3));
        }
        refused(layout, "layer 1 (sha256:");
    }

    @Test
    void anEntryThatClimbsOutIsRefusedAndNothingIsWritten() throws Exception {
        Path target = tmp.resolve("etc/passwd");
        Layer evil = new Layer().text("../../" + tmp.relativize(target), "root::0:0::/:/bin/sh\n")
                .text("../../../../../../../../etc/passwd", "root::0:0::/:/bin/sh\n");
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), evil));
        refused(image, "climbs out of the image (path traversal)");
        assertFalse(Files.exists(target));
        assertFalse(Files.readString(Path.of("/etc/passwd")).contains("root::0:0::/:/bin/sh"));
    }

    @Test
    void aSymbolicLinkLeadingOutsideIsRefused() throws Exception {
        Layer evil = new Layer().symlink("usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "../../../../../etc/shadow");
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base(), evil));
        refused(image, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 is a symbolic link to ../../../../../etc/shadow, which leads outside the image");
    }

    @Test
    void aHugeFileIsRefusedFromItsHeaderBeforeAnyByteIsHeld() throws Exception {
        // A 64 GiB entry: the header alone (star's binary size field), then a little data and a cut.
        TarArchiveEntry e = new TarArchiveEntry("usr/lib/huge.so");
        e.setSize(64L << 30);
        byte[] header = new byte[512];
        e.writeEntryHeader(header, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"), true);
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        layer.write(header);
        layer.write(new byte[4096]);
        Path layout = withLayer(layer.toByteArray());
        refused(layout, "/usr/lib/huge.so is 65536 MiB, over the");
    }

    @Test
    void aHugeExtendedHeaderIsRefused() throws Exception {
        // A PAX extended header ('x') that claims 1 GiB, then a cut: its text is read into memory by the tar reader.
        TarArchiveEntry pax = new TarArchiveEntry("././@PaxHeader", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
        pax.setSize(1L << 30);
        byte[] header = new byte[512];
        pax.writeEntryHeader(header);
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        layer.write(header);
        layer.write("30 path=usr/lib/whatever.so.1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        layer.write(new byte[8192]);
        Path image = withLayer(layer.toByteArray());
        refused(image, "layer 1");
    }

    /** A layout whose one layer is {@code bytes}, as given. */
    private Path withLayer(byte[] bytes) throws Exception {
        Path dir = tmp.resolve("raw");
        Files.createDirectories(dir);
        ObjectNode m = TestImages.manifest(dir, CONFIG, List.of());
        Path layout = TestImages.layout(dir, List.of(m));
        Path manifest = layout.resolve("blobs/sha256/" + m.path("digest").asText().substring(7));
        ObjectNode doc = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
        String digest = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256/" + digest), bytes);
        doc.withArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", "sha256:" + digest)
                .put("size", bytes.length);
        Files.write(manifest, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(doc));
        return layout;
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void memoryIsBoundedByTheLimits() throws Exception {
        Path image = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base()));
        ImageException total = assertThrows(ImageException.class,
                () -> ContainerImage.open(image, Optional.empty(), new ContainerImage.Limits(1L << 30, 2L << 20, 1000)));
        assertTrue(total.getMessage().contains("the image's files exceed the 2 MiB limit in memory"), total.getMessage());
        ImageException one = assertThrows(ImageException.class,
                () -> ContainerImage.open(image, Optional.empty(), new ContainerImage.Limits(1L << 20, 1L << 30, 1000)));
        assertTrue(one.getMessage().contains("over the 1 MiB limit for one file"), one.getMessage());
        ImageException entries = assertThrows(ImageException.class,
                () -> ContainerImage.open(image, Optional.empty(), new ContainerImage.Limits(1L << 30, 1L << 30, 3)));
        assertTrue(entries.getMessage().contains("more than 3 entries"), entries.getMessage());
        try (ContainerImage ok = ContainerImage.open(image, Optional.empty(), new ContainerImage.Limits(1L << 30, 1L << 30, 1000))) {
            assertTrue(ok.bytes() > 1L << 20 && ok.bytes() < 64L << 20, "held: " + ok.bytes());
        }
    }

    @Test
    void aRelativePreloadEntryStaysInsideTheImage() throws Exception {
        // From the working directory of the tests, this names this machine's /etc/hostname.
        String up = "../".repeat(Path.of("").toAbsolutePath().getNameCount()) + "etc/hostname";
        ObjectNode config = TestImages.config("amd64", Map.of("LD_PRELOAD", up), List.of("/bin/sh"), List.of());
        Path image = TestImages.layout(tmp.resolve("oci"), config, List.of(TestImages.base()));
        CliTest.Run r = CliTest.Run.of("doctor", "--image", image.toString(), "--format", "json");
        assertTrue(r.out().contains("\"preload.missing\""), "not this machine's file (preload.not-elf): " + r.out() + r.err());
    }

    @Test
    void thingsThatAreNotImages() throws Exception {
        refused(tmp.resolve("nosuch"), "no such image");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello\n".repeat(200));
        refused(text, "not a readable tar archive");
        Path gz = tmp.resolve("save.tar.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(new byte[1024]);
        }
        refused(gz, "gunzip");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        refused(empty, "neither index.json (OCI layout) nor manifest.json (docker save)");

        Path layout = TestImages.layout(tmp.resolve("oci"), CONFIG, List.of(TestImages.base()));
        Files.writeString(layout.resolve("index.json"), "{\"manifests\": [ {\"digest\": \"sha256:" + "0".repeat(64) + "\"} ]}");
        refused(layout, "is missing from the image");
        Files.writeString(layout.resolve("index.json"), "{\"manifests\": [ {\"digest\": \"sha256:../../../etc/passwd\"} ]}");
        refused(layout, "is not a digest");
        Files.writeString(layout.resolve("index.json"), "{\"manifests\": [");
        refused(layout, "index.json: not valid JSON");
        String link = "1".repeat(64);
        Files.createSymbolicLink(layout.resolve("blobs/sha256/" + link), Path.of("/etc/hostname"));
        Files.writeString(layout.resolve("index.json"), "{\"manifests\": [ {\"digest\": \"sha256:" + link + "\"} ]}");
        refused(layout, "leads out of the image directory");
    }
}
