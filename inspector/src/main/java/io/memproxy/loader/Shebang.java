package io.memproxy.loader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Function;

/**
 * A script's "#!" line, as the kernel reads it (fs/binfmt_script.c): the interpreter is the program that
 * runs, and so the one ld.so loads the chain into. "#!/usr/bin/env NAME" runs NAME from the PATH.
 */
public final class Shebang {
    private Shebang() {}

    /** The kernel reads at most this much of the first line (BINPRM_BUF_SIZE). */
    static final int HEAD = 256;

    /**
     * The interpreter of the script at {@code path}, as the system names it; empty when the file is not a
     * script. {@code onPath} finds a bare name (for env) on the PATH the program starts with.
     */
    public static Optional<String> interpreter(Root root, String path, Function<String, Optional<String>> onPath) {
        byte[] head;
        try (InputStream in = Files.newInputStream(root.file(root.isHost() ? path : root.realPath(path)))) {
            head = in.readNBytes(HEAD);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String s = new String(head, StandardCharsets.ISO_8859_1);
        if (!s.startsWith("#!")) {
            return Optional.empty();
        }
        String[] words = s.substring(2).split("\n", 2)[0].strip().split("[ \t]+");
        if (words.length == 0 || words[0].isEmpty()) {
            return Optional.empty();
        }
        if (words[0].endsWith("/env") && words.length > 1 && !words[1].startsWith("-")) {
            return onPath.apply(words[1]);
        }
        return words[0].startsWith("/") ? Optional.of(words[0]) : Optional.empty();
    }
}
