package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confinement primitive on its own: chroot semantics, regular files within a cap, race-safe writes. */
class RootTest {
    @TempDir
    Path tmp;

    Path image;
    Path outside;
    Root root;

    @BeforeEach
    void build() throws IOException {
        image = Files.createDirectories(tmp.resolve("image"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "outside\n");
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("etc/inside"), "inside\n");
        root = Root.at(image);
    }

    @Test
    void absoluteLinksStartAgainAtTheRoot() throws IOException {
        Files.createSymbolicLink(image.resolve("abs"), outside);
        Files.createSymbolicLink(image.resolve("etc/secret"), outside.resolve("secret"));
        assertEquals(image.resolve(outside.toString().substring(1)).resolve("secret"), root.file("/abs/secret"));
        assertThrows(NoSuchFileException.class, () -> root.read("/etc/secret", 100));
        assertFalse(root.exists("/abs/secret"));
        // The same link naming a place in the image is followed there.
        Files.createSymbolicLink(image.resolve("etc/again"), Path.of("/etc/inside"));
        assertArrayEquals("inside\n".getBytes(), root.read("/etc/again", 100));
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        Files.createSymbolicLink(image.resolve("etc/up"), Path.of("../../../../../../.." + outside + "/secret"));
        assertThrows(NoSuchFileException.class, () -> root.read("/etc/up", 100));
        assertEquals("/etc/inside", root.realPath("/../../../etc/../etc/inside"));
        assertArrayEquals("inside\n".getBytes(), root.read("/../../etc/inside", 100));
    }

    @Test
    void loopsAndLongNamesAreErrorsNamingThePath() throws IOException {
        Files.createSymbolicLink(image.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(image.resolve("b"), Path.of("/a"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> root.read("/a/x", 100));
        assertEquals("/a/x: too many levels of symbolic links", Root.message(e));
        assertThrows(FileSystemException.class, () -> root.realPath("/a"));
    }

    @Test
    void onlyRegularFilesWithinTheCapAreRead() throws Exception {
        new ProcessBuilder("mkfifo", image.resolve("etc/fifo").toString()).start().waitFor();
        FileSystemException fifo = assertThrows(FileSystemException.class, () -> root.read("/etc/fifo", 100));
        assertEquals("/etc/fifo: is a FIFO, not a regular file", Root.message(fifo));
        FileSystemException dir = assertThrows(FileSystemException.class, () -> root.read("/etc", 100));
        assertEquals("/etc: is a directory, not a regular file", Root.message(dir));
        FileSystemException big = assertThrows(FileSystemException.class, () -> root.read("/etc/inside", 3));
        assertTrue(Root.message(big).startsWith("/etc/inside: is 7 bytes, more than the 3"), Root.message(big));
        Root.Head head = root.readHead("/etc/inside", 3);
        assertEquals("ins", new String(head.bytes()));
        assertEquals(7, head.size());
        FileSystemException dev = assertThrows(FileSystemException.class, () -> Root.host().read("/dev/zero", 100));
        assertEquals("/dev/zero: is a character device, not a regular file", Root.message(dev));
    }

    @Test
    void aWriteGoesWhereTheCheckedDirectoryIsEvenWhenALinkIsSwappedIn() throws IOException {
        try (Root.Directory etc = root.parentOf("/etc/ld.so.preload", false)) {
            // After the walk, /etc becomes a link to a host directory (a racing attacker).
            Files.move(image.resolve("etc"), image.resolve("etc.old"));
            Files.createSymbolicLink(image.resolve("etc"), outside);
            try (FileChannel ch = etc.create("new", 0644)) {
                ch.write(ByteBuffer.wrap("x\n".getBytes()));
            }
            etc.rename("new", etc.leaf());
        }
        assertEquals(List.of("secret"), Files.list(outside).map(p -> p.getFileName().toString()).toList());
        assertEquals("x\n", Files.readString(image.resolve("etc.old/ld.so.preload")));
    }

    @Test
    void aWriteThroughALinkToOutsideFailsAndWritesNothing() throws IOException {
        Files.delete(image.resolve("etc/inside"));
        Files.delete(image.resolve("etc"));
        Files.createSymbolicLink(image.resolve("etc"), outside);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> root.parentOf("/etc/ld.so.preload", false));
        assertEquals("/etc/ld.so.preload: " + io.memproxy.elf.FileWords.MISSING, Root.message(e));
        assertEquals(List.of("secret"), Files.list(outside).map(p -> p.getFileName().toString()).toList());
    }

    /**
     * The host resolves names with realpath(3) where it can; an image root of "/" walks every name component by
     * component. Both must give the same file, and the same error, for real names of this machine: links through
     * /etc/alternatives, "..", doubled slashes, missing names and a name through a file (relative names differ by design:
     * the host's are relative to the working directory, an image's to its "/"). Links made
     * here test the link limit and a loop.
     */
    @Test
    void theHostResolvesAsTheWalkDoes() throws IOException {
        Root walked = Root.at(Path.of("/"));
        Path loop = Files.createSymbolicLink(tmp.resolve("loop"), tmp.resolve("loop"));
        Path chain = tmp.resolve("chain0");
        Files.writeString(chain, "end\n");
        for (int i = 1; i <= 41; i++) {
            chain = Files.createSymbolicLink(tmp.resolve("chain" + i), chain);
        }
        List<String> names = new java.util.ArrayList<>(List.of("/bin/sh", "/usr/bin/java", "/usr/bin/../bin/./sh", "//usr//bin//sh",
                "/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/etc/alternatives/java", "/", "/..", "/../..",
                "/no/such/file", "/usr/bin/no-such-program", "/bin/sh/below-a-file", "/etc/ld.so.cache",
                loop.toString(), loop + "/x", tmp.resolve("chain40").toString(), tmp.resolve("chain41").toString(), tmp.resolve("chain1") + "/"));
        try (var ds = Files.newDirectoryStream(Path.of("/usr/bin"))) {
            int n = 0;
            for (Path p : ds) {
                if (n++ < 300) {
                    names.add(p.toString());
                }
            }
        }
        for (String name : names) {
            assertEquals(walked.file(name), Root.host().file(name), name);
            assertEquals(outcome(() -> walked.realPath(name)), outcome(() -> Root.host().realPath(name)), name);
            assertEquals(outcome(() -> walked.stat(name).map(a -> a.fileKey().toString()).orElse("absent")),
                    outcome(() -> Root.host().stat(name).map(a -> a.fileKey().toString()).orElse("absent")), name);
        }
    }

    private interface Resolution {
        String run() throws IOException;
    }

    private static String outcome(Resolution r) {
        try {
            return r.run();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
