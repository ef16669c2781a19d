package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real user and group of this process, from /proc/self/status (no JNI needed). */
final class ProcessIds {
    private static final int[] IDS = read();

    private ProcessIds() {}

    static int uid() {
        return IDS[0];
    }

    static int gid() {
        return IDS[1];
    }

    private static int[] read() {
        int[] ids = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    ids[0] = Integer.parseInt(line.split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    ids[1] = Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: every set-ID file is then treated as secure.
        }
        return ids;
    }
}
