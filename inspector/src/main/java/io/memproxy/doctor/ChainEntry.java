package io.memproxy.doctor;

/**
 * One entry of the preload chain as the loader will treat it.
 *
 * @param entry   the text of the entry as written in its source
 * @param source  {@code LD_PRELOAD}, {@code /etc/ld.so.preload} or {@code --preload}
 * @param path    the file the loader opens for it, or "" when none is found
 * @param role    {@code shim}, {@code allocator:<name>}, {@code libc} or {@code other}
 * @param problem why the loader ignores the entry (its own words), or "" when it is loaded
 */
public record ChainEntry(String entry, String source, String path, String role, String problem) {
    public boolean loaded() {
        return problem.isEmpty();
    }
}
