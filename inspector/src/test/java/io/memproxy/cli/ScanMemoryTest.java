package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan streams: a tree far larger than what the heap could hold a result for each file is scanned
 * by the real command in a JVM limited to 16 MiB of heap. Holding every result (about 250 bytes a
 * file: the path, the result, its future) would need more than twice that.
 */
class ScanMemoryTest {
    static final int DIRECTORIES = 150;
    static final int FILES_PER_DIRECTORY = 1000;

    @TempDir
    Path tree;

    @Test
    @Timeout(300)
    void aTreeOf150000ExecutablesIsScannedIn16MiBOfHeap() throws Exception {
        var executable = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int d = 0; d < DIRECTORIES; d++) {
            Path dir = Files.createDirectory(tree.resolve(String.format("d%03d", d)));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                // Empty: an inode each and no data blocks; every one is opened and classified (not ELF, empty).
                Files.createFile(dir.resolve(String.format("program-with-a-long-enough-name-%04d", f)), executable);
            }
        }
        Path out = tree.resolveSibling(tree.getFileName() + ".json");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "scan", "--no-progress", "--format", "json", tree.toString()))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor(240, TimeUnit.SECONDS);
        try {
            assertEquals(0, p.exitValue(), err);
            JsonNode summary = new ObjectMapper().readTree(out.toFile()).path("summary");
            assertEquals(DIRECTORIES * FILES_PER_DIRECTORY, summary.path("candidates").asLong(), summary.toString());
            assertEquals(DIRECTORIES * FILES_PER_DIRECTORY, summary.path("not_elf").asLong(), summary.toString());
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
