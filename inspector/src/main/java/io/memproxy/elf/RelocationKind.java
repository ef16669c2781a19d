package io.memproxy.elf;

/**
 * What a dynamic relocation does, independent of the machine's numbering. Known for x86-64, i386,
 * AArch64 and 32-bit PowerPC; {@link #OTHER} for the rest.
 */
public enum RelocationKind {
    /** PLT slot, bound lazily unless BIND_NOW (R_X86_64_JUMP_SLOT). */
    JUMP_SLOT,
    /** GOT entry, bound at load time (R_X86_64_GLOB_DAT). */
    GLOB_DAT,
    /** Copy the definition's data into the executable (R_X86_64_COPY): the executable's copy interposes. */
    COPY,
    /** Base address plus addend, no symbol (R_X86_64_RELATIVE). */
    RELATIVE,
    /** Call an ifunc resolver in this object (R_X86_64_IRELATIVE). */
    IRELATIVE,
    /** Symbol address in data (R_X86_64_64 / R_386_32). */
    ABSOLUTE,
    /** Thread-local storage (DTPMOD, DTPOFF, TPOFF, TLSDESC). */
    TLS,
    /** No relocation or unknown type for the machine. */
    OTHER;

    static RelocationKind of(int machine, int type) {
        return switch (machine) {
            case ElfHeader.EM_X86_64 -> switch (type) {
                case 7 -> JUMP_SLOT;
                case 6 -> GLOB_DAT;
                case 5 -> COPY;
                case 8 -> RELATIVE;
                case 37 -> IRELATIVE;
                case 1 -> ABSOLUTE;
                case 16, 17, 18, 36 -> TLS;
                default -> OTHER;
            };
            case ElfHeader.EM_386 -> switch (type) {
                case 7 -> JUMP_SLOT;
                case 6 -> GLOB_DAT;
                case 5 -> COPY;
                case 8 -> RELATIVE;
                case 42 -> IRELATIVE;
                case 1 -> ABSOLUTE;
                case 14, 35, 36, 37, 41 -> TLS;
                default -> OTHER;
            };
            case ElfHeader.EM_AARCH64 -> switch (type) {
                case 1026 -> JUMP_SLOT;
                case 1025 -> GLOB_DAT;
                case 1024 -> COPY;
                case 1027 -> RELATIVE;
                case 1032 -> IRELATIVE;
                case 257 -> ABSOLUTE;
                case 1028, 1029, 1030, 1031 -> TLS;
                default -> OTHER;
            };
            case ElfHeader.EM_PPC -> switch (type) {
                case 21 -> JUMP_SLOT;
                case 20 -> GLOB_DAT;
                case 19 -> COPY;
                case 22 -> RELATIVE;
                case 248 -> IRELATIVE;
                case 1 -> ABSOLUTE;
                case 68, 73, 78 -> TLS;
                default -> OTHER;
            };
            default -> OTHER;
        };
    }
}
