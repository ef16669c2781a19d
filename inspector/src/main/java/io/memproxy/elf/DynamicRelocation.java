package io.memproxy.elf;

/**
 * One dynamic relocation from DT_RELA/DT_REL ({@code .rela.dyn}) or DT_JMPREL ({@code .rela.plt}).
 *
 * @param table       which table it came from
 * @param offset      {@code r_offset}, the address patched
 * @param type        the machine-specific {@code ELF_R_TYPE}
 * @param kind        what the type means ({@link RelocationKind#JUMP_SLOT}, {@link RelocationKind#COPY}, ...)
 * @param symbolIndex {@code ELF_R_SYM}, an index into the dynamic symbol table; 0 for none
 * @param symbolName  the referenced symbol's name; empty when {@code symbolIndex} is 0
 * @param addend      {@code r_addend}; 0 for REL tables
 */
public record DynamicRelocation(
        Table table, long offset, int type, RelocationKind kind, int symbolIndex, String symbolName, long addend) {

    /** The dynamic relocation tables. */
    public enum Table {
        /** DT_RELA or DT_REL: relocated at load time. */
        DYN,
        /** DT_JMPREL: the PLT, bound lazily unless BIND_NOW. */
        PLT
    }
}
