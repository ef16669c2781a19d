package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Assembles small system images for tests: files copied under the same absolute paths. */
final class FakeRoot {
    private FakeRoot() {}

    /** Copies each host file (symlinks followed) to the same path under root; /etc is created. */
    static void copyInto(Path root, String... paths) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        for (String p : paths) {
            Path to = root.resolve(p.substring(1));
            Files.createDirectories(to.getParent());
            Files.copy(Path.of(p), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    static void copy(Path from, Path root, String as) throws IOException {
        Path to = root.resolve(as.substring(1));
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

}
