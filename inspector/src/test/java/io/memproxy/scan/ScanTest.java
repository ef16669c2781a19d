package io.memproxy.scan;

import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.FileCapabilities;
import io.memproxy.executable.Platform;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanTest {
    @TempDir
    static Path root;

    static Path fixture(String name) {
        Path p = Path.of(System.getProperty("memproxy.fixtures")).resolve(name);
        assertTrue(Files.isRegularFile(p), "fixture " + p + " was not built");
        return p;
    }

    /** A system image with one program per class, links of every kind, a script and a library. */
    @BeforeAll
    static void image() throws IOException, InterruptedException {
        Path bin = Files.createDirectories(root.resolve("usr/bin"));
        Path lib = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        copy("prog", bin.resolve("hello"), "rwxr-xr-x");
        copy("doctor/own-malloc", bin.resolve("own-malloc"), "rwxr-xr-x");
        copy("doctor/needs-jemalloc", bin.resolve("needs-jemalloc"), "rwxr-xr-x");
        copy("doctor/musl-hello", bin.resolve("musl-interp"), "rwxr-xr-x");
        copy("static", bin.resolve("static"), "rwxr-xr-x");
        copy("prog32", bin.resolve("prog32"), "rwxr-xr-x");
        copy("prog", bin.resolve("setuid-hello"), "rwxr-xr-x");
        Files.setAttribute(bin.resolve("setuid-hello"), "unix:mode", 04755);
        copy("prog", bin.resolve("cap-hello"), "rwxr-xr-x");
        Process setcap = new ProcessBuilder("setcap", "cap_net_raw+ep", bin.resolve("cap-hello").toString())
                .inheritIO().start();
        assertEquals(0, setcap.waitFor(), "setcap (libcap2-bin, run as root) failed");
        // Truncated inside its program header table.
        byte[] hello = Files.readAllBytes(fixture("prog"));
        Files.write(bin.resolve("truncated"), java.util.Arrays.copyOf(hello, 120));
        Files.setPosixFilePermissions(bin.resolve("truncated"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // Larger than the reader maps: unreadable (sparse, so it costs nothing).
        try (RandomAccessFile f = new RandomAccessFile(bin.resolve("huge").toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        Files.setPosixFilePermissions(bin.resolve("huge"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bin.resolve("script"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(bin.resolve("script"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bin.resolve("README"), "not executable\n");
        copy("libver.so", lib.resolve("libver.so.1"), "rwxr-xr-x");
        Files.createLink(bin.resolve("hello-hardlink"), bin.resolve("hello"));
        Files.createSymbolicLink(bin.resolve("hello-link"), Path.of("hello"));
        Files.createSymbolicLink(bin.resolve("ls-outside"), Path.of("/usr/bin/ls"));
        // Merged /usr with an absolute link: /bin is /usr/bin inside the image, not the host's /usr/bin.
        Files.createSymbolicLink(root.resolve("bin"), Path.of("/usr/bin"));
    }

    private static void copy(String fixture, Path to, String perms) throws IOException {
        Files.copy(fixture(fixture), to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(perms));
    }

    record Result(Map<String, ScannedFile> files, List<String> order, ScanSummary summary) {}

    static Result scan(Path root, List<String> dirs, FileCapabilities caps) throws InterruptedException {
        Map<String, ScannedFile> files = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        Scan s = new Scan(new Scan.Options(root, dirs, 2), new Classifier(Platform.of(root)), caps);
        ScanSummary summary = s.run(f -> {
            files.put(f.path(), f);
            order.add(f.path());
        }, Scan.Progress.NONE);
        return new Result(files, order, summary);
    }

    @Test
    void everyClassIsToldApart() throws InterruptedException {
        Result r = scan(root, List.of("/bin", "/usr/bin", "/usr/lib"), FileCapabilities.find());
        Map<String, ExecutableClass> expected = Map.ofEntries(
                Map.entry("/usr/bin/hello", ExecutableClass.FINE),
                Map.entry("/usr/bin/own-malloc", ExecutableClass.OWN_MALLOC),
                Map.entry("/usr/bin/needs-jemalloc", ExecutableClass.OTHER_ALLOCATOR),
                Map.entry("/usr/bin/musl-interp", ExecutableClass.OTHER_LIBC),
                Map.entry("/usr/bin/static", ExecutableClass.STATIC),
                Map.entry("/usr/bin/prog32", ExecutableClass.BITS_32),
                Map.entry("/usr/bin/setuid-hello", ExecutableClass.SECURE_EXECUTION),
                Map.entry("/usr/bin/cap-hello", ExecutableClass.SECURE_EXECUTION),
                Map.entry("/usr/bin/truncated", ExecutableClass.MALFORMED),
                Map.entry("/usr/bin/huge", ExecutableClass.UNREADABLE));
        for (var e : expected.entrySet()) {
            ScannedFile f = r.files().get(e.getKey());
            assertTrue(f != null, e.getKey() + " was not reported: " + r.files().keySet());
            assertEquals(ScannedFile.Kind.EXECUTABLE, f.kind(), e.getKey());
            assertEquals(e.getValue(), f.primary(), e.getKey() + ": " + f);
        }
        assertEquals(List.of("calloc", "free", "malloc", "realloc"), r.files().get("/usr/bin/own-malloc").ownMalloc());
        assertEquals(List.of("libjemalloc.so.2"), r.files().get("/usr/bin/needs-jemalloc").allocators());
        assertEquals(List.of("setuid"), r.files().get("/usr/bin/setuid-hello").secureBits());
        assertEquals(List.of("cap_net_raw=ep"), r.files().get("/usr/bin/cap-hello").secureBits());
        assertTrue(r.files().get("/usr/bin/truncated").problem().contains("program header"), r.files().get("/usr/bin/truncated").problem());
        assertTrue(r.files().get("/usr/bin/huge").problem().contains("2 GiB"));
        assertEquals(ScannedFile.Kind.NOT_ELF, r.files().get("/usr/bin/script").kind());
        assertEquals(ScannedFile.Kind.OTHER_ELF, r.files().get("/usr/lib/x86_64-linux-gnu/libver.so.1").kind());
        assertFalse(r.files().containsKey("/usr/bin/README"), "a file without an execute bit is not examined");

        ScanSummary s = r.summary();
        // /bin is /usr/bin inside the image, so it is walked once; /usr/lib is walked too.
        assertEquals(List.of("/usr/bin", "/usr/lib"), s.directories());
        assertEquals(1, s.hardLinks(), "the hard link is counted once");
        assertFalse(r.files().containsKey("/usr/bin/hello-hardlink") && r.files().containsKey("/usr/bin/hello"));
        assertEquals(2, s.symlinks(), "links are counted and not followed");
        assertFalse(r.files().keySet().stream().anyMatch(p -> p.contains("link") || p.contains("ls-outside")),
                "no link is followed: " + r.files().keySet());
        assertEquals(10, s.executableCount());
        assertEquals(1, s.notElf());
        assertEquals(1, s.otherElf());
        assertEquals(12, s.candidates());
        assertEquals("", s.capabilities());
    }

    @Test
    void withoutGetcapCapabilitiesAreSaidToBeUnchecked() throws InterruptedException {
        Result r = scan(root, List.of("/usr/bin"), FileCapabilities.none());
        assertEquals(ExecutableClass.FINE, r.files().get("/usr/bin/cap-hello").primary());
        assertTrue(r.summary().capabilities().contains("not checked"), r.summary().capabilities());
    }

    @Test
    void resultsComeInWalkOrderWhateverTheTreeSize() throws IOException, InterruptedException {
        Path big = Files.createDirectories(root.resolve("many"));
        int n = Scan.WINDOW * 3 + 7;
        for (int i = 0; i < n; i++) {
            Path d = big.resolve("d" + (i % 5));
            Files.createDirectories(d);
            Path f = d.resolve(String.format("s%05d", i));
            Files.writeString(f, "#!/bin/sh\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Result r = scan(root, List.of("/many"), FileCapabilities.find());
        assertEquals(n, r.order().size());
        List<String> sorted = new ArrayList<>(r.order());
        sorted.sort(null);
        assertEquals(sorted, r.order(), "walk order: sorted names, depth first");
    }

    @Test
    void aMissingDirectoryIsReportedNotFatal() throws InterruptedException {
        Result r = scan(root, List.of("/no/such/dir", "/usr/bin"), FileCapabilities.none());
        ScannedFile d = r.files().get("/no/such/dir");
        assertEquals(ScannedFile.Kind.DIRECTORY, d.kind());
        assertEquals(1, r.summary().unreadableDirs());
        assertEquals(10, r.summary().executableCount());
    }

    /** Every file with an execute bit under the real /usr/bin is accounted for, once, and none crashes the scan. */
    @Test
    void realUsrBinIsFullyAccountedFor() throws IOException, InterruptedException {
        Set<Object> inodes = new HashSet<>();
        long executables;
        try (Stream<Path> s = Files.walk(Path.of("/usr/bin"))) {
            executables = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> {
                        try {
                            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                            return (mode & 0111) != 0
                                    && inodes.add(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).count();
        }
        Result r = scan(Path.of("/"), List.of("/usr/bin"), FileCapabilities.find());
        assertEquals(executables, r.summary().candidates());
        assertEquals(executables, r.files().size());
        assertEquals(executables, r.summary().executableCount() + r.summary().otherElf() + r.summary().notElf());
        assertTrue(r.summary().count(ExecutableClass.FINE) > 100, "a Debian /usr/bin is mostly fine: " + r.summary());
        assertEquals(0, r.summary().count(ExecutableClass.MALFORMED) + r.summary().count(ExecutableClass.UNREADABLE));
        // What the system's setuid programs are, by the kernel's own bits.
        for (ScannedFile f : r.files().values()) {
            if (f.isExecutable()) {
                int mode = 0;
                try {
                    mode = (Integer) Files.getAttribute(Path.of(f.path()), "unix:mode");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                assertEquals((mode & 06000) != 0, f.secureBits().stream().anyMatch(b -> b.startsWith("set")), f.path());
            }
        }
    }
}
