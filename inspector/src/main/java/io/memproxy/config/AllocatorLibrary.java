package io.memproxy.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Allocator libraries recognised by file name (a DT_NEEDED entry, a mapped file), supported or not. */
public final class AllocatorLibrary {
    private static final Pattern NAME = Pattern.compile(
            "lib(jemalloc|tcmalloc|tcmalloc_minimal|tcmalloc_and_profiler|tcmalloc_debug|tcmalloc_minimal_debug"
                    + "|mimalloc|tbbmalloc|tbbmalloc_proxy|hoard|snmalloc|rpmalloc|scudo|scalloc|lockless)"
                    + "([-_.].*)?\\.so(\\..*)?");

    private AllocatorLibrary() {}

    /** The allocator a library file name belongs to ("tcmalloc" for libtcmalloc_minimal.so.4), if any. */
    public static Optional<String> of(String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        String lib = m.group(1);
        return Optional.of(lib.startsWith("tcmalloc") ? "tcmalloc" : lib.startsWith("tbbmalloc") ? "tbbmalloc" : lib);
    }
}
