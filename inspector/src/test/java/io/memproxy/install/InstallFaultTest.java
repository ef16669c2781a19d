package io.memproxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whatever happens during a write, /etc/ld.so.preload is the old file or the complete new one. */
class InstallFaultTest {
    static final String OLD = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n";
    static final String NEW = Sandbox.SHIM + "\n" + Sandbox.JEMALLOC + "\n";

    @TempDir
    Path root;

    private Path preload() {
        return root.resolve("etc/ld.so.preload");
    }

    private String preloadText() throws IOException {
        return Files.readString(preload(), StandardCharsets.ISO_8859_1);
    }

    /** An exception at each step: before the rename the old file stays and the temporary file is gone. */
    @ParameterizedTest
    @EnumSource(Step.class)
    void failureAtEachStepLeavesTheOldOrTheNewFile(Step failAt) throws IOException {
        Sandbox.make(root, true);
        Files.writeString(preload(), OLD);
        Installer installer = new Installer(Root.at(root), (step, target) -> {
            if (step == failAt && target.getFileName().toString().equals("ld.so.preload")) {
                throw new IOException("injected failure after " + step);
            }
        });
        PreloadPlan plan = installer.planInstall(Sandbox.SHIM, Sandbox.JEMALLOC);
        assertThrows(IOException.class, () -> installer.install(plan, Installer.defaultConfig()));
        String now = preloadText();
        assertEquals(failAt.compareTo(Step.RENAMED) >= 0 ? NEW : OLD, now);
        assertEquals(List.of(), AtomicFile.leftovers(Root.at(root), Installer.PRELOAD), "no temporary file is left behind");
    }

    /** A process killed after each step: the old or the new file; its temporary file is removed by the next run. */
    @ParameterizedTest
    @EnumSource(Step.class)
    void killAtEachStepLeavesTheOldOrTheNewFile(Step killAt) throws IOException, InterruptedException {
        Sandbox.make(root, true);
        Files.writeString(preload(), OLD);
        assertEquals(137, child(killAt, "install"));
        String now = preloadText();
        assertTrue(now.equals(OLD) || now.equals(NEW), "torn file: " + now);
        assertEquals(killAt.compareTo(Step.RENAMED) >= 0 ? NEW : OLD, now);
        boolean tempLeft = !AtomicFile.leftovers(Root.at(root), Installer.PRELOAD).isEmpty();
        assertEquals(killAt.compareTo(Step.RENAMED) < 0, tempLeft, "a killed run leaves its temporary file");

        // The next run finishes the job and removes what the killed one left.
        Installer.Outcome o = new Installer(Root.at(root), Step.Hook.NONE)
                .install(new Installer(Root.at(root), Step.Hook.NONE).planInstall(Sandbox.SHIM, Sandbox.JEMALLOC),
                        Installer.defaultConfig());
        assertEquals(NEW, preloadText());
        assertEquals(tempLeft, !o.leftoversRemoved().isEmpty());
        assertEquals(List.of(), AtomicFile.leftovers(Root.at(root), Installer.PRELOAD));
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"TEMP_WRITTEN", "RENAMED"})
    void killDuringUninstallLeavesTheOldOrTheNewFile(Step killAt) throws IOException, InterruptedException {
        Sandbox.make(root, true);
        Files.writeString(preload(), NEW + "/usr/lib/libkeep.so\n");
        Files.createDirectories(root.resolve("var/lib/memproxy"));
        Files.writeString(root.resolve("var/lib/memproxy/preload-entries"), NEW);
        assertEquals(137, child(killAt, "uninstall"));
        String now = preloadText();
        assertEquals(killAt == Step.RENAMED ? "/usr/lib/libkeep.so\n" : NEW + "/usr/lib/libkeep.so\n", now);
    }

    private int child(Step step, String what) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InterruptedInstall.class.getName(),
                root.toString(), step.name(), what));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertTrue(rc == 137, "child exited " + rc + ": " + output);
        return rc;
    }

    /** Mounts a tmpfs over the image's /etc (root only; the tests run as root, as the machine-wide install does). */
    private Path tmpfsEtc(String size) throws IOException, InterruptedException {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "memproxy-test", etc.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "mount -t tmpfs needs root: " + out);
        return etc;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void aFullFileSystemLeavesTheOldFile() throws IOException, InterruptedException {
        Sandbox.make(root, true);
        Path etc = tmpfsEtc("16k");
        try {
            Files.writeString(preload(), OLD);
            Files.writeString(etc.resolve("memproxy.conf"), "# already there\n");
            // Fill every remaining block.
            try (var out = Files.newOutputStream(etc.resolve("filler"))) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                    out.flush();
                }
            } catch (IOException full) {
                // ENOSPC: the file system is full, as intended.
            }
            Installer installer = new Installer(Root.at(root), Step.Hook.NONE);
            PreloadPlan plan = installer.planInstall(Sandbox.SHIM, Sandbox.JEMALLOC);
            IOException e = assertThrows(IOException.class, () -> installer.install(plan, Installer.defaultConfig()));
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
            assertEquals(OLD, preloadText());
            assertEquals(List.of(), AtomicFile.leftovers(Root.at(root), Installer.PRELOAD));
        } finally {
            run("umount", etc.toString());
        }
    }

    @Test
    void aReadOnlyFileSystemLeavesTheOldFile() throws IOException, InterruptedException {
        Sandbox.make(root, true);
        Path etc = tmpfsEtc("1m");
        try {
            Files.writeString(preload(), OLD);
            Files.writeString(etc.resolve("memproxy.conf"), "# already there\n");
            run("mount", "-o", "remount,ro", etc.toString());
            Installer installer = new Installer(Root.at(root), Step.Hook.NONE);
            PreloadPlan plan = installer.planInstall(Sandbox.SHIM, Sandbox.JEMALLOC);
            IOException e = assertThrows(IOException.class, () -> installer.install(plan, Installer.defaultConfig()));
            assertTrue(e.toString().contains("Read-only"), e.toString());
            assertEquals(OLD, preloadText());
            assertFalse(Files.exists(root.resolve("etc/ld.so.preload.memproxy-backup")));
        } finally {
            run("umount", etc.toString());
        }
    }
}
