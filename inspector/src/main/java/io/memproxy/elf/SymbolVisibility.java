package io.memproxy.elf;

/** {@code ELF_ST_VISIBILITY(st_other)}. */
public enum SymbolVisibility {
    DEFAULT, INTERNAL, HIDDEN, PROTECTED;

    static SymbolVisibility of(int other) {
        return values()[other & 3];
    }
}
