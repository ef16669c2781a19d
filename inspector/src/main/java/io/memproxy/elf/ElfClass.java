package io.memproxy.elf;

/** {@code e_ident[EI_CLASS]}: the word size of the object. */
public enum ElfClass {
    ELF32(32),
    ELF64(64);

    private final int bits;

    ElfClass(int bits) {
        this.bits = bits;
    }

    /** 32 or 64. */
    public int bits() {
        return bits;
    }
}
