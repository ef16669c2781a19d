package io.memproxy.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.loader.LoaderRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk of the search path for a program of each other class reads this machine's files with java.io (links
 * followed by the kernel); an image root walks each link inside the root. An image root of "/" must give every
 * name the class the host gives it: Debian's programs and i386 libraries, and links made here (to an i386
 * program, relative, dangling, looping, to a directory), a FIFO and a directory.
 */
class ProgramClassTest {
    @TempDir
    Path tmp;

    @Test
    void theHostWalkReadsWhatTheImageWalkReads() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(dir.resolve("i386-hello"), Path.of("/usr/lib/i386-linux-gnu/libc.so.6"));
        Files.createSymbolicLink(dir.resolve("relative-sh"), Path.of("../../../../../../../bin/sh"));
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
        Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
        Files.createSymbolicLink(dir.resolve("to-dir"), Path.of("/usr"));
        Files.createDirectories(dir.resolve("subdir"));
        Files.writeString(dir.resolve("script"), "#!/bin/sh\n");
        Files.copy(Path.of("/bin/true"), dir.resolve("true"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start();
        assertEquals(0, mkfifo.waitFor());

        Inspection host = inspection(Path.of("/"));
        Inspection image = inspection(Path.of("/.")); // not "/" by name: an image root, walked in Java
        List<String> dirs = List.of(dir.toString(), "/usr/bin", "/usr/sbin", "/usr/lib/i386-linux-gnu");
        int examined = 0;
        List<Optional<LoaderRules>> seen = new ArrayList<>();
        for (String d : dirs) {
            String[] names = Path.of(d).toFile().list();
            for (String n : names) {
                Optional<LoaderRules> expected = image.programClass(d, n);
                assertEquals(expected, host.programClass(d, n), d + "/" + n);
                seen.add(expected);
                examined++;
            }
        }
        assertTrue(examined > 1000, "examined " + examined);
        assertTrue(seen.contains(Optional.of(LoaderRules.DEBIAN_12_I386)), "an i386 object among them");
        assertEquals(Optional.of(LoaderRules.DEBIAN_12_I386), host.programClass(dir.toString(), "i386-hello"));
        assertEquals(Optional.empty(), host.programClass(dir.toString(), "fifo"));
    }

    private Inspection inspection(Path root) throws IOException {
        return new Inspection(new Inspection.Inputs(root, Optional.empty(), Optional.empty(), "/etc/memproxy.conf", List.of("/bin/sh"),
                "/usr/bin"));
    }
}
