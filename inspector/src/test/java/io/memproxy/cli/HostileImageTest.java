package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.install.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every image is hostile: each case below is built from scratch, every command runs against it, and each
 * run must leave the sentinel directory outside the image byte-for-byte unchanged, print no byte of it,
 * finish well within a bound, and answer with a documented exit code in one line (no stack trace).
 * Hangs are caught by the timeouts, which run the test in another thread.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileImageTest {
    /** Far above what any command takes on these inputs, far below the test timeout. */
    static final long BOUND_MS = 30_000;

    @TempDir
    Path tmp;

    Path image;
    Path sentinel;
    Map<String, String> before;
    final List<Path> fifos = new ArrayList<>();

    /** One hostile change to an otherwise working image (a shell, glibc, jemalloc, the shim). */
    record Case(String name, Setup setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Setup {
        void apply(HostileImageTest t) throws IOException;
    }

    @BeforeEach
    void build() throws IOException {
        sentinel = HostileImages.sentinel(tmp.resolve("host-sentinel"));
        image = Sandbox.make(tmp.resolve("image"), true);
        Files.writeString(image.resolve("etc/os-release"), "PRETTY_NAME=\"Image Linux\"\n");
        before = HostileImages.fingerprint(sentinel);
    }

    @AfterEach
    void releaseFifos() {
        fifos.forEach(HostileImages::release);
    }

    void fifo(String at) throws IOException {
        HostileImages.fifo(image, at);
        fifos.add(image.resolve(at.substring(1)));
    }

    String s(String rel) {
        return sentinel.resolve(rel).toString();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("etc and var/lib are links to a host directory", t -> {
                    HostileImages.link(t.image, "/etc", t.sentinel.toString());
                    HostileImages.link(t.image, "/var/lib", t.sentinel.resolve("lib").toString());
                }),
                new Case("etc is a relative link climbing out", t -> HostileImages.link(t.image, "/etc",
                        "../../../../../../../../.." + t.sentinel)),
                new Case("ld.so.preload is an absolute link to a host file", t ->
                        HostileImages.link(t.image, "/etc/ld.so.preload", t.s("shadow"))),
                new Case("ld.so.preload is a ../ link to a host file", t ->
                        HostileImages.link(t.image, "/etc/ld.so.preload", "../../../../../../../../../.." + t.s("ld.so.preload"))),
                new Case("memproxy.conf, os-release and the state file are links to host files", t -> {
                    HostileImages.link(t.image, "/etc/memproxy.conf", t.s("memproxy.conf"));
                    HostileImages.link(t.image, "/etc/os-release", t.s("os-release"));
                    HostileImages.link(t.image, "/var/lib/memproxy/preload-entries", t.s("lib/memproxy/preload-entries"));
                }),
                new Case("usr is a link to a host directory", t -> HostileImages.link(t.image, "/usr", t.sentinel.toString())),
                new Case("a link loop at lib", t -> {
                    HostileImages.link(t.image, "/loop/a", "/loop/b");
                    HostileImages.link(t.image, "/loop/b", "/loop/a");
                    Files.writeString(t.image.resolve("etc/ld.so.preload"), "/loop/a/libx.so\n");
                }),
                new Case("ld.so.preload is a FIFO", t -> t.fifo("/etc/ld.so.preload")),
                new Case("ld.so.cache is a FIFO", t -> t.fifo("/etc/ld.so.cache")),
                new Case("os-release and memproxy.conf are FIFOs", t -> {
                    t.fifo("/etc/os-release");
                    t.fifo("/etc/memproxy.conf");
                }),
                new Case("a preload entry is a FIFO", t -> {
                    t.fifo("/usr/lib/libfifo.so");
                    Files.writeString(t.image.resolve("etc/ld.so.preload"), "/usr/lib/libfifo.so\n");
                }),
                new Case("ld.so.preload, ld.so.cache and memproxy.conf are /dev/zero devices", t -> {
                    HostileImages.zeroDevice(t.image, "/etc/ld.so.preload");
                    HostileImages.zeroDevice(t.image, "/etc/ld.so.cache");
                    HostileImages.zeroDevice(t.image, "/etc/memproxy.conf");
                }),
                new Case("ld.so.preload is a directory", t -> Files.createDirectories(t.image.resolve("etc/ld.so.preload"))),
                new Case("a 1.9 GB sparse ld.so.cache and a 3 GB sparse preload file", t -> {
                    HostileImages.sparse(t.image, "/etc/ld.so.cache", 1_900_000_000L);
                    HostileImages.sparse(t.image, "/etc/ld.so.preload", 3_000_000_000L);
                }),
                new Case("ld.so.cache entries point to one 1 MB string without NUL", t ->
                        Files.write(t.image.resolve("etc/ld.so.cache"), HostileImages.unterminatedCache(20_000, 1 << 20))),
                new Case("ld.so.preload has 2 million entries", t -> HostileImages.manyPreloads(t.image, 2_000_000)));
    }

    /** The commands run against every image, with the exit codes each documents. */
    List<List<String>> commands() {
        String r = image.toString();
        return List.of(
                List.of("ldd", "--root", r, "/bin/sh"),
                List.of("bind", "--root", r, "/bin/sh"),
                List.of("elf", image.resolve("etc/ld.so.preload").toString(), image.resolve("etc/ld.so.cache").toString()),
                List.of("doctor", "--root", r),
                List.of("check", "--root", r),
                List.of("report", "--root", r),
                List.of("scan", "--root", r),
                List.of("install", "--root", r, "--force"),
                List.of("uninstall", "--root", r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCommandStaysInsideAndAnswers(Case c) throws IOException {
        c.setup().apply(this);
        Map<String, String> afterSetup = HostileImages.fingerprint(sentinel);
        assertEquals(before, afterSetup, "the case itself changed the sentinel");
        for (List<String> cmd : commands()) {
            CliTest.Run r = timed(cmd);
            assertAnswered(cmd, r, Set.of(0, 1, 2, 3));
            assertEquals(before, HostileImages.fingerprint(sentinel), String.join(" ", cmd) + " wrote outside the image");
        }
    }

    /** Runs in-process; asserts the time bound and that no sentinel byte is in the output. */
    CliTest.Run timed(List<String> cmd) {
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.Run.of(cmd.toArray(String[]::new));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < BOUND_MS, String.join(" ", cmd) + " took " + ms + " ms");
        assertFalse(r.out().contains(HostileImages.MARK) || r.err().contains(HostileImages.MARK),
                String.join(" ", cmd) + " printed a host file's bytes:\n" + r.out() + r.err());
        return r;
    }

    static void assertAnswered(List<String> cmd, CliTest.Run r, Set<Integer> codes) {
        String what = String.join(" ", cmd) + " -> " + r.code() + "\n" + r.err() + r.out();
        assertTrue(codes.contains(r.code()), what);
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error") || r.err().contains("Exception"), what);
        if (r.code() == ExitCodes.COULD_NOT_RUN || r.code() == ExitCodes.USAGE) {
            assertTrue(r.err().startsWith("memproxy: ") && r.err().strip().lines().count() <= 2, "one line naming the cause: " + what);
        }
    }

    // ---- the reported escapes, one test each ----

    @Test
    void installThroughLinkedEtcAndVarWritesNothingOutside() throws IOException {
        HostileImages.link(image, "/etc", sentinel.toString());
        HostileImages.link(image, "/var/lib", sentinel.resolve("lib").toString());
        CliTest.Run r = timed(List.of("install", "--root", image.toString(), "--force"));
        // Re-rooted, both links lead into the image: making /var/lib/memproxy there (mkdir -p, as in a chroot)
        // also makes the directory /etc names, so the install may succeed, but only inside the image.
        assertAnswered(List.of("install"), r, Set.of(ExitCodes.OK, ExitCodes.COULD_NOT_RUN));
        if (r.code() == ExitCodes.OK) {
            assertTrue(Files.isRegularFile(image.resolve(sentinel.toString().substring(1)).resolve("ld.so.preload")), r.out());
        } else {
            assertTrue(r.err().contains("/etc"), r.err());
        }
        assertEquals(before, HostileImages.fingerprint(sentinel));
        CliTest.Run u = timed(List.of("uninstall", "--root", image.toString()));
        assertAnswered(List.of("uninstall"), u, Set.of(ExitCodes.OK, ExitCodes.COULD_NOT_RUN));
        assertEquals(before, HostileImages.fingerprint(sentinel), "uninstall deleted or changed a host file");
    }

    @Test
    void linkedEtcWithAnImageInsideIsFollowedInsideTheImage() throws IOException {
        // /etc -> /real-etc, an absolute link that names a directory of the image: re-rooted, it works.
        Files.move(image.resolve("etc"), image.resolve("real-etc"));
        Files.createSymbolicLink(image.resolve("etc"), Path.of("/real-etc"));
        CliTest.Run r = timed(List.of("install", "--root", image.toString(), "--force"));
        assertAnswered(List.of("install"), r, Set.of(ExitCodes.OK));
        assertTrue(Files.readString(image.resolve("real-etc/ld.so.preload")).contains(Sandbox.SHIM));
        assertTrue(Files.isSymbolicLink(image.resolve("etc")), "the image's own link is kept");
        assertTrue(Files.exists(image.resolve("var/lib/memproxy/preload-entries")));
    }

    @Test
    void checkDoesNotReadAHostFileThroughTheImagesPreloadLink() throws IOException {
        HostileImages.link(image, "/etc/ld.so.preload", s("shadow"));
        CliTest.Run r = timed(List.of("check", "--root", image.toString()));
        assertAnswered(List.of("check"), r, Set.of(0, 1));
    }

    @Test
    void installForceCopiesNoHostFileIntoTheImage() throws IOException {
        HostileImages.link(image, "/etc/ld.so.preload", "../../../../../../../../../.." + s("ld.so.preload"));
        CliTest.Run r = timed(List.of("install", "--root", image.toString(), "--force"));
        // Re-rooted, the link leads to a directory the image lacks: nothing to write through, said so.
        assertAnswered(List.of("install"), r, Set.of(ExitCodes.COULD_NOT_RUN));
        assertTrue(r.err().contains("/etc/ld.so.preload: a link to ") && r.err().contains("which does not exist in the image"), r.err());
        for (String f : List.of("etc/ld.so.preload", "etc/ld.so.preload.memproxy-backup")) {
            Path p = image.resolve(f);
            // The image's own link stays a link (read through it, a test would read the host file itself).
            if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                assertFalse(Files.readString(p).contains(HostileImages.MARK), f + " holds the host file's words");
            }
        }
        assertEquals(before, HostileImages.fingerprint(sentinel));
    }

    @Test
    void reportEmbedsNoHostFile() throws IOException {
        HostileImages.link(image, "/etc/memproxy.conf", s("memproxy.conf"));
        HostileImages.link(image, "/etc/os-release", s("os-release"));
        CliTest.Run r = timed(List.of("report", "--root", image.toString()));
        assertAnswered(List.of("report"), r, Set.of(0, 1));
    }

    @Test
    void scanDoesNotWalkTheHostThroughALinkedUsr() throws IOException {
        HostileImages.link(image, "/usr", sentinel.toString());
        CliTest.Run r = timed(List.of("scan", "--all", "--root", image.toString(), "/usr/bin"));
        assertAnswered(List.of("scan"), r, Set.of(0, 1));
    }

    // ---- special files: answered, not hung ----

    @Test
    void aFifoPreloadFileIsNamedNotReadForEver() throws IOException {
        fifo("/etc/ld.so.preload");
        for (String c : List.of("check", "install", "uninstall")) {
            CliTest.Run r = timed(List.of(c, "--root", image.toString()));
            assertAnswered(List.of(c), r, Set.of(0, 1, 3));
        }
        CliTest.Run u = timed(List.of("uninstall", "--root", image.toString()));
        assertEquals(ExitCodes.COULD_NOT_RUN, u.code());
        assertTrue(u.err().contains("/etc/ld.so.preload: is a FIFO, not a regular file"), u.err());
        CliTest.Run l = timed(List.of("ldd", "--root", image.toString(), "/bin/sh"));
        assertAnswered(List.of("ldd"), l, Set.of(0, 1));
    }

    @Test
    void aFifoCacheOrOsReleaseDoesNotHang() throws IOException {
        fifo("/etc/ld.so.cache");
        fifo("/etc/os-release");
        CliTest.Run l = timed(List.of("ldd", "--root", image.toString(), "/bin/sh"));
        assertAnswered(List.of("ldd"), l, Set.of(0, 1));
        assertTrue(l.err().contains("/etc/ld.so.cache: is a FIFO"), l.err());
        CliTest.Run r = timed(List.of("report", "--root", image.toString()));
        assertAnswered(List.of("report"), r, Set.of(0, 1));
    }

    @Test
    void envFileThatIsAFifoOrADeviceIsRefused() throws IOException {
        Path f = tmp.resolve("env.fifo");
        HostileImages.run(List.of("mkfifo", f.toString()));
        fifos.add(f);
        for (String file : List.of(f.toString(), "/dev/zero")) {
            CliTest.Run r = timed(List.of("ldd", "--env-file", file, "/bin/sh"));
            assertAnswered(List.of("ldd"), r, Set.of(ExitCodes.USAGE));
            assertTrue(r.err().contains(file) && r.err().contains("not a regular file"), r.err());
        }
    }

    @Test
    void scanOfAFifoAnswersWhatItIs() throws IOException {
        fifo("/usr/bin/pipe");
        Files.createSymbolicLink(image.resolve("usr/bin/pipe-link"), Path.of("/usr/bin/pipe"));
        for (String p : List.of("/usr/bin/pipe", "/usr/bin/pipe-link")) {
            CliTest.Run r = timed(List.of("scan", "--all", "--root", image.toString(), p));
            assertAnswered(List.of("scan", p), r, Set.of(ExitCodes.PROBLEM));
            assertTrue(r.out().contains("a FIFO"), r.out());
        }
    }

    @Test
    void configThatIsADeviceGetsNoChmodAdvice() {
        CliTest.Run r = timed(List.of("doctor", "--config", "/dev/zero", "--exe", "/bin/sh"));
        assertAnswered(List.of("doctor"), r, Set.of(ExitCodes.PROBLEM));
        assertTrue(r.out().contains("a character device"), r.out());
        assertFalse(r.out().contains("chmod go-w /dev/zero"), r.out());
    }

    @Test
    void preloadFileThatIsADirectoryIsNamed() throws IOException {
        Files.createDirectories(image.resolve("etc/ld.so.preload"));
        CliTest.Run r = timed(List.of("install", "--root", image.toString()));
        assertAnswered(List.of("install"), r, Set.of(ExitCodes.COULD_NOT_RUN));
        assertTrue(r.err().contains("/etc/ld.so.preload: is a directory, not a regular file"), r.err());
    }

    // ---- bounded memory and time ----

    @Test
    void unterminatedCacheStringsCostNoMemory() throws IOException {
        Files.write(image.resolve("etc/ld.so.cache"), HostileImages.unterminatedCache(40_000, 1 << 20));
        CliTest.Run r = timed(List.of("ldd", "--root", image.toString(), "/bin/sh"));
        assertAnswered(List.of("ldd"), r, Set.of(0, 1));
    }

    @Test
    void twoMillionPreloadEntriesAreCappedAndReportedOnce() throws IOException {
        HostileImages.manyPreloads(image, 2_000_000);
        CliTest.Run r = timed(List.of("check", "--root", image.toString()));
        assertAnswered(List.of("check"), r, Set.of(ExitCodes.PROBLEM));
        assertTrue(r.out().contains("preload.too-many"), r.out().substring(0, Math.min(2000, r.out().length())));
        assertTrue(r.out().length() < 16 << 20, "output of " + r.out().length() + " chars");
    }

    @Test
    void longRpathAndManyNeededAreSearchedQuickly() throws IOException {
        Path exe = HostileImages.rpathFixture(tmp.resolve("rpath"), 100, 2000);
        CliTest.Run r = timed(List.of("ldd", exe.toString()));
        assertEquals(ExitCodes.PROBLEM, r.code(), r.err());
        assertTrue(r.out().contains("libn1999.so => not found"), r.out().substring(0, Math.min(2000, r.out().length())));
    }

    // ---- exit codes and messages ----

    @Test
    void psOfANonNumberIsAUsageErrorSayingSo() {
        CliTest.Run r = CliTest.Run.of("ps", "abc");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("abc") && !r.err().contains("Unmatched argument"), r.err());
    }

    @Test
    void aMissingRootIsTheSameAnswerEverywhere() {
        String none = tmp.resolve("none").toString();
        for (String c : List.of("ldd", "bind", "doctor", "check", "report", "scan", "install", "uninstall")) {
            List<String> cmd = new ArrayList<>(List.of(c, "--root", none));
            if (c.equals("ldd") || c.equals("bind")) {
                cmd.add("/bin/sh");
            }
            CliTest.Run r = CliTest.Run.of(cmd.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.code(), c + ": " + r.err());
            assertTrue(r.err().contains(none + ": not a directory (--root)"), c + ": " + r.err());
        }
    }

    @Test
    void exeThatIsADeviceSaysWhatItIs() {
        CliTest.Run r = timed(List.of("doctor", "--exe", "/dev/zero"));
        assertAnswered(List.of("doctor"), r, Set.of(ExitCodes.COULD_NOT_RUN));
        assertEquals("memproxy: /dev/zero: is a character device, not a regular file (--exe)\n", r.err());
    }

    @Test
    void lddOfAFifoOrAHugeFileSaysWhatItIs() throws IOException {
        Path f = tmp.resolve("pipe");
        HostileImages.run(List.of("mkfifo", f.toString()));
        fifos.add(f);
        CliTest.Run r = timed(List.of("ldd", f.toString()));
        assertTrue(r.err().contains("a FIFO"), r.err());
        HostileImages.sparse(tmp, "/big", 3_000_000_000L);
        CliTest.Run b = timed(List.of("ldd", tmp.resolve("big").toString()));
        assertTrue(b.err().contains("larger than 2 GiB"), b.err());
    }

    /** Runs bin/memproxy as the unprivileged user nobody; returns the exit code and the output. */
    CliTest.Run asNobody(String... args) throws Exception {
        Path top = Sandbox.builtShim().getParent().getParent().getParent();
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", top.resolve("bin/memproxy").toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("nobody.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(BOUND_MS, TimeUnit.MILLISECONDS), String.join(" ", cmd));
        return new CliTest.Run(p.exitValue(), Files.readString(out), "");
    }

    @Test
    void anUnreadableRootOrPidIsNotASuccess() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path closed = Files.createDirectory(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        CliTest.Run scan = asNobody("scan", "--root", closed.toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, scan.code(), scan.out());
        assertTrue(scan.out().contains(closed + ": cannot be read (permission denied) (--root)"), scan.out());
        CliTest.Run ps = asNobody("ps", "1");
        assertEquals(ExitCodes.PROBLEM, ps.code(), ps.out());
        assertTrue(ps.out().contains("1 of the named processes could not be read"), ps.out());
    }

    // ---- through the real launcher, with a small heap ----

    @Test
    void theLauncherWithA64MiBHeapHandlesTheMemoryCases() throws Exception {
        Path top = Sandbox.builtShim().getParent().getParent().getParent();
        Path launcher = top.resolve("bin/memproxy");
        assertTrue(Files.isRegularFile(top.resolve("inspector/target/memproxy.jar")),
                "bin/memproxy needs inspector/target/memproxy.jar: run 'make' (make test builds it first)");
        Files.write(image.resolve("etc/ld.so.cache"), HostileImages.unterminatedCache(40_000, 1 << 20));
        HostileImages.manyPreloads(image, 2_000_000);
        for (List<String> cmd : commands()) {
            // install and uninstall change the image, so they are compared with the codes they document instead.
            boolean writes = cmd.get(0).equals("install") || cmd.get(0).equals("uninstall");
            int inProcess = writes ? -1 : CliTest.Run.of(cmd.toArray(String[]::new)).code();
            List<String> full = new ArrayList<>();
            full.add(launcher.toString());
            full.addAll(cmd);
            ProcessBuilder pb = new ProcessBuilder(full);
            pb.environment().put("MEMPROXY_JAVA_OPTS", "-Xmx64m");
            Path out = tmp.resolve("launcher.out");
            pb.redirectOutput(out.toFile());
            pb.redirectErrorStream(true);
            long t0 = System.nanoTime();
            Process p = pb.start();
            assertTrue(p.waitFor(BOUND_MS, TimeUnit.MILLISECONDS), String.join(" ", cmd) + " did not finish");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            String what = String.join(" ", cmd) + " -> " + p.exitValue() + " in " + ms + " ms\n"
                    + text.substring(0, Math.min(2000, text.length()));
            if (writes) {
                assertTrue(Set.of(0, 1, 3).contains(p.exitValue()), what);
            } else {
                assertEquals(inProcess, p.exitValue(), "the same answer in 64 MiB of heap: " + what);
            }
            assertFalse(text.contains("OutOfMemoryError") || text.contains("\tat ") || text.contains(HostileImages.MARK), what);
        }
        assertEquals(before, HostileImages.fingerprint(sentinel));
    }
}
