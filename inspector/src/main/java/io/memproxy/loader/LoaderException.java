package io.memproxy.loader;

/** Input the loader emulation cannot use (a corrupt cache, an unreadable file); the message is one line. */
public class LoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LoaderException(String message) {
        super(message);
    }
}
