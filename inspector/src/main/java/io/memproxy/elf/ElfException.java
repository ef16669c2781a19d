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
        super(oneLine(file + ": " + problem), null, false, false);
        this.file = file;
        this.problem = oneLine(problem);
    }

    /** Control characters (from a file name or the file's bytes) become '?': one line, no terminal escapes. */
    static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        return out.toString();
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
