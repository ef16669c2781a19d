package io.memproxy.elf;

import java.util.Optional;

/**
 * One entry of the dynamic symbol table ({@code .dynsym}, DT_SYMTAB) with its GNU version.
 *
 * @param index      position in the table (entry 0 is the null symbol)
 * @param name       the name from the dynamic string table, without version
 * @param value      {@code st_value}
 * @param size       {@code st_size}
 * @param binding    local, global, weak or GNU unique
 * @param type       func, object, TLS, GNU ifunc, ...
 * @param visibility default, protected, hidden or internal
 * @param shndx      {@code st_shndx}: 0 (SHN_UNDEF) for a reference, 0xfff1 (SHN_ABS) for absolute
 * @param version    the symbol's version; empty when the object has no {@code .gnu.version}
 */
public record DynamicSymbol(
        int index,
        String name,
        long value,
        long size,
        SymbolBinding binding,
        SymbolType type,
        SymbolVisibility visibility,
        int shndx,
        Optional<SymbolVersion> version) {

    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;

    /** Whether this object defines the symbol ({@code st_shndx != SHN_UNDEF}). */
    public boolean isDefined() {
        return shndx != SHN_UNDEF;
    }

    /**
     * A defined symbol with a version this object defines, without the hidden bit ({@code name@@VERSION}).
     * A definition whose version comes from a requirement (a copy-relocated object in an executable) is not.
     */
    public boolean isDefaultVersion() {
        return isDefined() && version.map(v -> v.isNamed() && !v.hidden() && v.file().isEmpty()).orElse(false);
    }

    /** The absolute symbol the link editor emits for each defined version, named like it ({@code GLIBC_2.2.5}). */
    public boolean isVersionMarker() {
        return shndx == SHN_ABS && version.map(v -> v.name().equals(name)).orElse(false);
    }

    /**
     * The name with its version as readelf and the link editor write it: {@code malloc@@GLIBC_2.2.5} for a
     * default definition, {@code memcpy@GLIBC_2.2.5} for a hidden (older) one or for a reference, the bare
     * name when unversioned.
     */
    public String versionedName() {
        if (version.isEmpty() || !version.get().isNamed() || isVersionMarker()) {
            return name;
        }
        return name + (isDefaultVersion() ? "@@" : "@") + version.get().name();
    }
}
