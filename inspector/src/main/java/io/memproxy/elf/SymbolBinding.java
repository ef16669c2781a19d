package io.memproxy.elf;

/** {@code ELF_ST_BIND(st_info)}. */
public enum SymbolBinding {
    LOCAL, GLOBAL, WEAK,
    /** {@code STB_GNU_UNIQUE} (10): one definition per process, even across {@code RTLD_LOCAL} scopes. */
    GNU_UNIQUE,
    /** Any other (processor- or OS-specific) value. */
    OTHER;

    static SymbolBinding of(int bind) {
        return switch (bind) {
            case 0 -> LOCAL;
            case 1 -> GLOBAL;
            case 2 -> WEAK;
            case 10 -> GNU_UNIQUE;
            default -> OTHER;
        };
    }

    /** The name readelf prints ("GLOBAL", "UNIQUE"). */
    public String readelfName() {
        return this == GNU_UNIQUE ? "UNIQUE" : name();
    }
}
