package io.memproxy.cli;

/** A failure with a one-line message for the user and the exit code it maps to. */
public class MemproxyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public MemproxyException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
