package io.memproxy.elf;

import java.nio.file.Path;

/**
 * A file could not be read as an ELF object. The message is one line: the file, a colon and the
 * problem ({@code /usr/lib/x/libfoo.so: truncated: section headers end at 0x9000, file is 0x4000 bytes}),
 * so callers print it as it is.
 */
public abstract class ElfException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String problem;

    protected ElfException(Path file, String problem) {
        // No stack trace: this is an answer about the input, not a failure of the program, and a scan
        // of a whole system meets hundreds of such files.
        super(file + ": " + problem, null, false, false);
        this.file = file;
        this.problem = problem;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
