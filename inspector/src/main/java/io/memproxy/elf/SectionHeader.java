package io.memproxy.elf;

/** One entry of the section header table ({@code Elf32_Shdr}/{@code Elf64_Shdr}) with its name resolved. */
public record SectionHeader(
        String name, int type, long flags, long addr, long offset, long size, int link, int info, long entsize) {
    public static final int SHT_STRTAB = 3;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    public static final int SHT_GNU_VERNEED = 0x6ffffffe;
    public static final int SHT_GNU_VERSYM = 0x6fffffff;
}
