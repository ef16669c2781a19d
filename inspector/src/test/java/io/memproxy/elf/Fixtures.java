package io.memproxy.elf;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fixtures the test build made from inspector/src/test/fixtures (system property memproxy.fixtures). */
final class Fixtures {
    private Fixtures() {}

    static Path dir() {
        String dir = System.getProperty("memproxy.fixtures");
        if (dir == null || dir.isEmpty()) {
            throw new IllegalStateException("memproxy.fixtures is not set; run the tests through Maven");
        }
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("fixtures directory " + p + " is missing; the test build makes it");
        }
        return p;
    }

    static Path get(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("fixture " + p + " was not built");
        }
        return p;
    }
}
