package io.memproxy.loader;

import java.util.List;

/**
 * The facts of one glibc build and architecture that the emulation depends on, kept as data so another
 * version or architecture is another constant, not another code path.
 *
 * @param interpreter  ld.so's name when the program has no PT_INTERP
 * @param machine      the only e_machine ld.so maps (Debian's unsubmitted-ldso-machine-mismatch.diff)
 * @param cacheFlags   the only ld.so.cache entry flags it accepts (sysdeps/unix/sysv/linux/x86_64/dl-cache.h)
 * @param dstLib       what $LIB expands to (DL_DST_LIB)
 * @param systemDirs   the default directories, searched last, with ld.so's trailing slash (trusted-dirs.h)
 * @param ldconfigDirs the directories ldconfig appends to ld.so.conf (Debian local-ldconfig-multiarch.diff)
 */
public record LoaderRules(String interpreter, int machine, int cacheFlags, String dstLib, List<String> systemDirs,
        List<String> ldconfigDirs) {
    /** glibc 2.36 as Debian 12 builds it for x86-64. */
    public static final LoaderRules DEBIAN_12_X86_64 = new LoaderRules(
            "/lib64/ld-linux-x86-64.so.2", 62, 0x0303, "lib/x86_64-linux-gnu",
            List.of("/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/"),
            List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"));

    public LoaderRules {
        systemDirs = List.copyOf(systemDirs);
        ldconfigDirs = List.copyOf(ldconfigDirs);
    }
}
