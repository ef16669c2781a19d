package io.memproxy.elf;

import java.util.Optional;

/**
 * A dynamic symbol's GNU version, from its {@code .gnu.version} (DT_VERSYM) entry.
 *
 * @param index  the version index without the hidden bit: 0 local, 1 global (unversioned / base),
 *               2 and up a {@code Verdef} (definitions) or {@code Vernaux.vna_other} (references)
 * @param hidden the hidden bit (0x8000): a definition that is not the default one, printed
 *               {@code name@VERSION}; a default definition is printed {@code name@@VERSION}
 * @param name   the version's name ({@code GLIBC_2.2.5}); empty for indexes 0 and 1
 * @param file   for a reference ({@code Verneed}), the needed file the version belongs to
 *               ({@code libc.so.6}); empty for definitions
 */
public record SymbolVersion(int index, boolean hidden, String name, Optional<String> file) {
    public static final int VER_NDX_LOCAL = 0;
    public static final int VER_NDX_GLOBAL = 1;

    /** Whether the index names a version (not local or global). */
    public boolean isNamed() {
        return !name.isEmpty();
    }
}
