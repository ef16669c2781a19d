package io.memproxy.elf;

import java.util.List;

/**
 * One {@code Verneed} entry of {@code .gnu.version_r} (DT_VERNEED): versions this object needs from one file.
 *
 * @param file     {@code vn_file}, the needed file's name as in DT_NEEDED ({@code libc.so.6})
 * @param versions the {@code Vernaux} entries, in order
 */
public record VersionRequirement(String file, List<Need> versions) {
    public VersionRequirement {
        versions = List.copyOf(versions);
    }

    /**
     * One needed version ({@code Vernaux}).
     *
     * @param name  {@code vna_name} ({@code GLIBC_2.34})
     * @param hash  {@code vna_hash}
     * @param flags {@code vna_flags}: {@link #VER_FLG_WEAK} means a missing version is only a warning
     * @param other {@code vna_other}, the index {@code .gnu.version} entries of references use
     */
    public record Need(String name, long hash, int flags, int other) {
        public static final int VER_FLG_WEAK = 0x2;

        /** A weak requirement: ld.so does not fail when the version is missing (dl-version.c). */
        public boolean isWeak() {
            return (flags & VER_FLG_WEAK) != 0;
        }
    }
}
