package io.memproxy.elf;

/** {@code ELF_ST_TYPE(st_info)}. */
public enum SymbolType {
    NOTYPE, OBJECT, FUNC, SECTION, FILE, COMMON,
    /** {@code STT_TLS}: thread-local storage. */
    TLS,
    /** {@code STT_GNU_IFUNC} (10): the value is a resolver called at relocation time (glibc's memcpy). */
    GNU_IFUNC,
    /** Any other (processor- or OS-specific) value. */
    OTHER;

    static SymbolType of(int type) {
        return switch (type) {
            case 0 -> NOTYPE;
            case 1 -> OBJECT;
            case 2 -> FUNC;
            case 3 -> SECTION;
            case 4 -> FILE;
            case 5 -> COMMON;
            case 6 -> TLS;
            case 10 -> GNU_IFUNC;
            default -> OTHER;
        };
    }

    /** The name readelf prints ("FUNC", "IFUNC"). */
    public String readelfName() {
        return this == GNU_IFUNC ? "IFUNC" : name();
    }
}
