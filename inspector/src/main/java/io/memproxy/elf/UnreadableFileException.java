package io.memproxy.elf;

import java.nio.file.Path;

/** The file could not be opened or read at all (missing, permission denied, I/O error). */
public final class UnreadableFileException extends ElfException {
    private static final long serialVersionUID = 1L;

    public UnreadableFileException(Path file, String problem) {
        super(file, problem);
    }
}
