package io.memproxy.trial;

/** The trial cannot run: the message is one line that names the file and the cause. */
public final class TrialException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrialException(String message) {
        super(message);
    }
}
