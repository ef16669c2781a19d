package io.memproxy.loader;

/** Why an object is where it is: the step of ld.so's search that produced it (elf/dl-load.c: _dl_map_object). */
public enum FoundBy {
    EXECUTABLE("executable"),
    INTERPRETER("interpreter"),
    /** The name contained a slash and was opened as a path. */
    PATH("path"),
    RPATH("rpath"),
    LD_LIBRARY_PATH("LD_LIBRARY_PATH"),
    RUNPATH("runpath"),
    CACHE("ld.so.cache"),
    DEFAULT_DIR("default dir"),
    NOT_FOUND("not found");

    private final String label;

    FoundBy(String label) {
        this.label = label;
    }

    /** The word users see ("rpath", "ld.so.cache"). */
    public String label() {
        return label;
    }
}
