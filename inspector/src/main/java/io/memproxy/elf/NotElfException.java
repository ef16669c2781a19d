package io.memproxy.elf;

import java.nio.file.Path;
import java.util.List;

/**
 * The file is readable but is not an ELF object. {@link #kind()} says what it is instead; for a GNU ld
 * script (Debian's {@code /usr/lib/x86_64-linux-gnu/libc.so}, a classic broken preload entry)
 * {@link #scriptInputs()} names the files the script points the link editor to.
 */
public final class NotElfException extends ElfException {
    private static final long serialVersionUID = 1L;
    private final NonElfKind kind;
    private final List<String> scriptInputs;

    public NotElfException(Path file, NonElfKind kind, List<String> scriptInputs, String problem) {
        super(file, problem);
        this.kind = kind;
        this.scriptInputs = List.copyOf(scriptInputs);
    }

    /** What the file is instead of ELF. */
    public NonElfKind kind() {
        return kind;
    }

    /**
     * For {@link NonElfKind#LINKER_SCRIPT}: the inputs of its {@code GROUP}/{@code INPUT} commands in
     * order, including those inside {@code AS_NEEDED}; empty for every other kind.
     */
    public List<String> scriptInputs() {
        return scriptInputs;
    }
}
