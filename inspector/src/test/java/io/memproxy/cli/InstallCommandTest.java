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

    @Test
    void installAndUninstallRoundTripAndAreIdempotent() throws IOException {
        Sandbox.make(root, true);
        Files.writeString(root.resolve("etc/ld.so.preload"), "/lib/x86_64-linux-gnu/libm.so.6\n");

        CliTest.Run r = run("install");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals(CHAIN + "/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.PRELOAD));
        assertEquals("/lib/x86_64-linux-gnu/libm.so.6\n", file(Installer.BACKUP));
        assertEquals(CHAIN, file(Installer.STATE));
        assertArrayEquals(Installer.defaultConfig(), Files.readAllBytes(root.resolve("etc/memproxy.conf")));
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
        assertTrue(Files.exists(root.resolve("etc/memproxy.conf")), "the exclusion list is the administrator's: kept");

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
        CliTest.Run r = CliTest.Run.of("install", "--dry-run", "--shim", relative, "--allocator", Sandbox.JEMALLOC);
        assertTrue(r.out().contains("  + " + built + "\n  + " + Sandbox.JEMALLOC + "\n"), r.out() + r.err());
        assertTrue(r.out().contains("dry run: nothing written"), r.out());
    }
}
