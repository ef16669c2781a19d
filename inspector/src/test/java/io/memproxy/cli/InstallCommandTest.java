package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.install.Installer;
import io.memproxy.install.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memproxy install and uninstall against system images the tests assemble; the real /etc is never touched. */
class InstallCommandTest {
    static final String CHAIN = Sandbox.SHIM + "\n" + Sandbox.JEMALLOC + "\n";

    @TempDir
    Path root;

    private String file(String systemPath) throws IOException {
        return Files.readString(root.resolve(systemPath.substring(1)));
    }

    private CliTest.Run run(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--root", root.toString())).toArray(String[]::new);
        return CliTest.Run.of(all);
    }

    /**
     * An image with both classes' shims and jemalloc gets one line naming them with $LIB; the real loaders of both
     * classes, run in the image, then load the shim and jemalloc of their own class and print no error.
     */
    @Test
    void bothClassesInstalledGetOneLibLine() throws Exception {
        Sandbox.addI386(Sandbox.make(root, true), true);
        CliTest.Run r = run("install");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals("/usr/local/$LIB/libmemproxy.so\n/usr/$LIB/libjemalloc.so.2\n", file(Installer.PRELOAD));
        assertTrue(r.out().contains("installed: programs started from now on load /usr/local/$LIB/libmemproxy.so and"
                + " /usr/$LIB/libjemalloc.so.2"), r.out());
        for (String exe : List.of("/bin/sh", "/usr/bin/hello")) {
            // The shim names the program from /proc/self/exe: a private mount namespace gets the image a /proc.
            List<String> cmd = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mkdir -p \"$0/proc\" && mount -t proc proc \"$0/proc\" && exec chroot \"$0\" \"$@\"", root.toString(), exe,
                    exe.equals("/bin/sh") ? "-c" : "-g", exe.equals("/bin/sh") ? "echo ok" : "ok");
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().clear();
            pb.environment().putAll(java.util.Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "MEMPROXY_DEBUG", "1"));
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            assertEquals(0, p.waitFor(), exe + ": " + out + err);
            String name = exe.substring(exe.lastIndexOf('/') + 1);
            assertTrue(err.matches("memproxy: pid=\\d+ exe=" + name + " route=allocator allocator=jemalloc reason=not-excluded\n"),
                    exe + " in the image, stderr: " + err);
        }
    }

    /** Without the i386 shim, the 64-bit chain would cost every 32-bit program a loader error: refused, with the reason. */
    @Test
    void aClassWithoutItsShimIsRefused() throws Exception {
        Sandbox.addI386(Sandbox.make(root, true), false);
        CliTest.Run r = run("install");
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("memproxy: refused: the chain names no 32-bit files: 32-bit (i386) programs such as"
                + " /usr/bin/hello (every one of them) start with \"ERROR: ld.so: object '" + Sandbox.SHIM + "' from LD_PRELOAD"
                + " cannot be preloaded (wrong ELF class: ELFCLASS64): ignored.\""), r.err());
        assertTrue(r.err().contains("e.g. /usr/local/$LIB/libmemproxy.so /usr/$LIB/libjemalloc.so.2"), r.err());
        assertFalse(Files.exists(root.resolve("etc/ld.so.preload")));
    }

    @Test
    void installAndUninstallRoundTripAndAreIdempotent() throws IOException {
        Sandbox.make(root, true);
        Files.writeString(root.resolve("etc/ld.so.preload"), "/lib/x86_64-linux-gnu/libm.so.6\n");

        CliTest.Run r = run("install");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals(CHAIN + "/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));
        assertEquals("/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.BACKUP));
        assertEquals(CHAIN, file(Installer.STATE));
        assertArrayEquals(Installer.defaultConfig(), Files.readAllBytes(root.resolve(Sandbox.listPath().substring(1))));
        assertTrue(r.out().contains("kept /lib/x86_64-linux-gnu/libm.so.6 (not memproxy's)"), r.out());
        assertTrue(r.out().contains("break=bottom"), "recovery instructions: " + r.out());

        CliTest.Run again = run("install");
        assertEquals(ExitCodes.OK, again.code());
        assertTrue(again.out().contains("already installed: nothing changed"), again.out());
        assertFalse(again.out().contains("preload.duplicate"), "memproxy's own entries are not duplicates: " + again.out());
        assertEquals(CHAIN + "/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));

        CliTest.Run u = run("uninstall");
        assertEquals(ExitCodes.OK, u.code(), u.out() + u.err());
        assertEquals("/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));
        assertEquals(CHAIN + "/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.BACKUP));
        assertFalse(Files.exists(root.resolve(Installer.STATE.substring(1))));
        assertTrue(Files.exists(root.resolve(Sandbox.listPath().substring(1))), "the exclusion list is the administrator's: kept");

        CliTest.Run u2 = run("uninstall");
        assertEquals(ExitCodes.OK, u2.code());
        assertTrue(u2.out().contains("not installed: nothing changed"), u2.out());
    }

    @Test
    void anAllocatorThatWasThereBeforeStaysOnUninstall() throws IOException {
        Sandbox.make(root, true);
        Files.writeString(root.resolve("etc/ld.so.preload"), Sandbox.JEMALLOC + "\n");
        assertEquals(ExitCodes.OK, run("install").code());
        assertEquals(CHAIN, file(Installer.PRELOAD));
        assertEquals(ExitCodes.OK, run("uninstall").code());
        assertEquals(Sandbox.JEMALLOC + "\n", file(Installer.PRELOAD));
    }

    @Test
    void anEarlierShimIsReplacedEvenWhenItsFileIsGone() throws IOException {
        Sandbox.make(root, true);
        Files.writeString(root.resolve("etc/ld.so.preload"), "/opt/old/libmemproxy.so\n/lib/x86_64-linux-gnu/libm.so.6\n");
        CliTest.Run r = run("install");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("dropped /opt/old/libmemproxy.so (an earlier memproxy entry)"), r.out());
        assertTrue(r.out().contains("(preload.missing is about /opt/old/libmemproxy.so, which the new file drops: not counted)"), r.out());
        assertEquals(CHAIN + "/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));
    }

    @Test
    void uninstallRemovesTheFileWhenNothingElseIsInIt() throws IOException {
        Sandbox.make(root, true);
        assertEquals(ExitCodes.OK, run("install", "--allocator", "jemalloc").code());
        assertEquals(CHAIN, file(Installer.PRELOAD));
        assertEquals(ExitCodes.OK, run("uninstall").code());
        assertFalse(Files.exists(root.resolve("etc/ld.so.preload")));
    }

    @Test
    void errorsOfThePreInstallCheckRefuseUnlessForced() throws IOException {
        Sandbox.make(root, true);
        String old = "/usr/lib/no-such-library.so\n";
        Files.writeString(root.resolve("etc/ld.so.preload"), old);
        CliTest.Run r = run("install");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.out().contains("error preload.missing /usr/lib/no-such-library.so"), r.out());
        assertTrue(r.err().startsWith("memproxy: refused: the pre-install check found 1 error"), r.err());
        assertEquals(old, file(Installer.PRELOAD));

        CliTest.Run forced = run("install", "--force");
        assertEquals(ExitCodes.OK, forced.code(), forced.err());
        assertEquals(CHAIN + old, file(Installer.PRELOAD));
    }

    @Test
    void aChainThatStopsEveryProgramIsRefusedEvenWithForce() throws IOException {
        Sandbox.make(root, false); // jemalloc needs libstdc++.so.6, which this image lacks
        CliTest.Run r = run("install", "--force");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertEquals("memproxy: refused, even with --force: /bin/sh would not start: libstdc++.so.6, needed by "
                + Sandbox.JEMALLOC + ", cannot be found\n", r.err());
        assertFalse(Files.exists(root.resolve("etc/ld.so.preload")));
    }

    @Test
    void dryRunPrintsTheDiffAndWritesNothing() throws IOException {
        Sandbox.make(root, true);
        Files.writeString(root.resolve("etc/ld.so.preload"), "/lib/x86_64-linux-gnu/libm.so.6\n");
        CliTest.Run r = run("install", "--dry-run");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("  + " + Sandbox.SHIM + "\n  + " + Sandbox.JEMALLOC + "\n    /lib/x86_64-linux-gnu/libm.so.6\n"), r.out());
        assertTrue(r.out().contains("dry run: nothing written"));
        assertEquals("/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));
        try (Stream<Path> s = Files.list(root.resolve("etc"))) {
            assertEquals(1, s.count(), "no backup, no config, no temporary file");
        }
    }

    @Test
    void aMissingAllocatorIsNamed() throws IOException {
        Sandbox.make(root, true);
        CliTest.Run r = run("install", "--allocator", "mimalloc");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.err().contains("no allocator library found (tried /usr/lib/x86_64-linux-gnu/libmimalloc.so.2)"), r.err());
    }

    @Test
    void underRootARelativeShimIsRefused() throws IOException {
        Sandbox.make(root, true);
        CliTest.Run r = run("install", "--shim", "usr/local/lib/libmemproxy.so");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.err().contains("usr/local/lib/libmemproxy.so: under --root, name the shim by its absolute path inside the image"),
                r.err());
        assertFalse(Files.exists(root.resolve("etc/ld.so.preload")));
    }

    /** On this machine (no --root; a dry run, so /etc is only read), a relative --shim is the file it names here. */
    @Test
    void withoutRootARelativeShimIsMadeAbsolute() {
        Path built = Sandbox.builtShim();
        String relative = Path.of("").toAbsolutePath().relativize(built).toString();
        // --force: this machine has 32-bit programs (make deps installs some), which a 64-bit chain leaves out.
        CliTest.Run r = CliTest.Run.of("install", "--dry-run", "--force", "--shim", relative, "--allocator", Sandbox.JEMALLOC);
        assertTrue(r.out().contains("  + " + built + "\n  + " + Sandbox.JEMALLOC + "\n"), r.out() + r.err());
        assertTrue(r.out().contains("dry run: nothing written"), r.out());
    }

    /** The 32-bit programs make deps installs would print a loader error at every start under a 64-bit-only chain. */
    @Test
    void aChainForOneClassIsRefusedWhereTheOtherHasPrograms() {
        CliTest.Run r = CliTest.Run.of("install", "--dry-run", "--shim", Sandbox.builtShim().toString(), "--allocator", Sandbox.JEMALLOC);
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("refused: the chain names no 32-bit files: 32-bit (i386) programs such as /usr/bin/")
                && r.err().contains("cannot be preloaded (wrong ELF class: ELFCLASS64): ignored.")
                && r.err().contains("$LIB"), r.err());
        assertFalse(r.out().contains("dry run: nothing written"), r.out());
    }
}
