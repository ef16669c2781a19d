package io.memproxy.doctor;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Preload entries as ld.so splits and finds them, until the loader package provides them. */
final class PreloadText {
    private PreloadText() {}

    static List<String> splitEnvironment(String value) {
        List<String> out = new ArrayList<>();
        for (String t : value.split("[ :]")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    static List<String> splitFile(byte[] content) {
        List<String> out = new ArrayList<>();
        for (String line : new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n")) {
            int hash = line.indexOf('#');
            for (String t : (hash >= 0 ? line.substring(0, hash) : line).split("[ \t:]")) {
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    static Optional<String> searchDefault(Inspection in, String name) {
        for (String dir : List.of("/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/")) {
            if (Files.isRegularFile(in.file(dir + name))) {
                return Optional.of(dir + name);
            }
        }
        return Optional.empty();
    }
}
