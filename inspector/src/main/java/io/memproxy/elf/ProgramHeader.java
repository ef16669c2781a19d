package io.memproxy.elf;

/** One entry of the program header table ({@code Elf32_Phdr}/{@code Elf64_Phdr}), raw fields. */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_RELRO = 0x6474e552;
}
