package io.memproxy.elf;

import java.nio.file.Path;

/**
 * The file starts like an ELF object but its contents are inconsistent: truncated, offsets or counts
 * outside the file, absurd sizes, unterminated strings, cyclic version chains.
 */
public final class MalformedElfException extends ElfException {
    private static final long serialVersionUID = 1L;

    public MalformedElfException(Path file, String problem) {
        super(file, problem);
    }
}
