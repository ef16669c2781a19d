package io.memproxy.elf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One wording per cause, for every command that is given a file: "no such file", "is a directory",
 * "permission denied", "not a regular file". Messages read "FILE: cause".
 */
public final class FileWords {
    private FileWords() {}

    public static final String MISSING = "no such file";
    public static final String DIRECTORY = "is a directory";
    public static final String DENIED = "permission denied";
    public static final String NOT_REGULAR = "not a regular file";

    /** What keeps {@code file} from being read as a regular file, if anything. */
    public static Optional<String> problem(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of(DIRECTORY);
        }
        if (!Files.exists(file)) {
            return Optional.of(MISSING);
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(NOT_REGULAR);
        }
        if (!Files.isReadable(file)) {
            return Optional.of(DENIED);
        }
        return Optional.empty();
    }

    /** The cause of a failed read, in the same words. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return MISSING;
        }
        if (e instanceof AccessDeniedException) {
            return DENIED;
        }
        String m = e.getMessage();
        return "cannot read: " + (m == null ? e.getClass().getSimpleName() : m.replace('\n', ' '));
    }
}
