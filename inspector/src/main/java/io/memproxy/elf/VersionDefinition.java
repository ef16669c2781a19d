package io.memproxy.elf;

import java.util.List;

/**
 * One {@code Verdef} entry of {@code .gnu.version_d} (DT_VERDEF): a version this object defines.
 *
 * @param index   {@code vd_ndx}, the value {@code .gnu.version} entries use to refer to it
 * @param flags   {@code vd_flags}: {@link #VER_FLG_BASE} marks the entry naming the object itself
 * @param hash    {@code vd_hash}, the ELF hash of the name
 * @param name    the version's name (first {@code Verdaux})
 * @param parents names of the versions it inherits from (further {@code Verdaux} entries)
 */
public record VersionDefinition(int index, int flags, long hash, String name, List<String> parents) {
    public static final int VER_FLG_BASE = 0x1;
    public static final int VER_FLG_WEAK = 0x2;

    public VersionDefinition {
        parents = List.copyOf(parents);
    }

    /** The base definition: its name is the object's soname, not a symbol version. */
    public boolean isBase() {
        return (flags & VER_FLG_BASE) != 0;
    }
}
