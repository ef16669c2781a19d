package io.memproxy.ps;

import io.memproxy.config.ConfigFile;
import io.memproxy.loader.Root;
import io.memproxy.shimmodel.ShimRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes without the shim, against an installation time the test sets on an image's preload file. */
class ProcessTableTest {
    @TempDir
    Path root;

    private ProcessInfo examine(Instant installed) throws Exception {
        Path preload = Files.createDirectories(root.resolve("etc")).resolve("ld.so.preload");
        Files.writeString(preload, "/usr/local/lib/libmemproxy.so\n/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");
        Files.setLastModifiedTime(preload, FileTime.from(installed));
        Process child = new ProcessBuilder("/usr/bin/sleep", "30").start();
        try {
            Thread.sleep(200);
            Root image = Root.at(root);
            ConfigFile config = ConfigFile.read(ConfigFile.DEFAULT_PATH, image.file(ConfigFile.DEFAULT_PATH));
            ProcessTable.Result r = new ProcessTable(Path.of("/proc"), image, config).read(List.of((int) child.pid()));
            assertEquals(1, r.processes().size());
            assertTrue(r.installedAt().isPresent());
            return r.processes().get(0);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessOlderThanTheInstallationIsFlagged() throws Exception {
        ProcessInfo p = examine(Instant.now().plusSeconds(3600));
        assertEquals(ShimRoute.NONE, p.route());
        assertEquals("started-before-install", p.reason());
        assertEquals(List.of("started-before-install"), p.flags());
    }

    @Test
    void aNewerProcessWithoutTheShimIsAMismatch() throws Exception {
        ProcessInfo p = examine(Instant.now().minusSeconds(3600));
        assertEquals("not-loaded", p.reason());
        assertEquals(List.of("no-shim"), p.flags());
        assertTrue(Math.abs(p.startedAt() - Instant.now().getEpochSecond()) < 60, "start time from /proc/PID/stat: " + p.startedAt());
    }
}
