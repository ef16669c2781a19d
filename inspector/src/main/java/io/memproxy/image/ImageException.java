package io.memproxy.image;

/** Why an image cannot be read: one line naming the file (and layer) and the cause. */
public final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }
}
