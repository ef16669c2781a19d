package io.memproxy.install;

/** The steps of replacing a file atomically, in order. A test can stop a run after any of them. */
public enum Step {
    /** The temporary file exists next to the target, still empty. */
    TEMP_CREATED,
    /** The new content is written to the temporary file, not yet on disk for sure. */
    TEMP_WRITTEN,
    /** fsync(2) of the temporary file returned: the content is durable. */
    TEMP_SYNCED,
    /** rename(2) replaced the target: every reader now sees the new file whole. */
    RENAMED,
    /** fsync(2) of the directory returned: the rename survives a power cut. */
    DIRECTORY_SYNCED;

    /** Called after each step; the default does nothing. */
    public interface Hook {
        void reached(Step step, java.nio.file.Path target) throws java.io.IOException;

        Hook NONE = (step, target) -> { };
    }
}
