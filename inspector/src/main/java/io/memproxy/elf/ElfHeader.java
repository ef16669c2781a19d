package io.memproxy.elf;

import java.util.Optional;

/**
 * The facts about an ELF file a reader needs first, from the ELF header, the program headers, the
 * dynamic section's flags, the {@code NT_GNU_BUILD_ID} note and the file's mode.
 *
 * @param elfClass          32- or 64-bit
 * @param encoding          byte order
 * @param machine           {@code e_machine} (62 for x86-64, 3 for i386, 20 for PowerPC)
 * @param machineName       a readable name for {@code machine} ("x86-64"), or "machine N" when unknown
 * @param osAbi             {@code e_ident[EI_OSABI]} (0 System V, 3 GNU/Linux)
 * @param osAbiName         a readable name for {@code osAbi}
 * @param abiVersion        {@code e_ident[EI_ABIVERSION]}
 * @param identPaddingZero  whether {@code e_ident[EI_PAD..15]} are all zero, as the gABI requires
 * @param type              {@code e_type}
 * @param entry             {@code e_entry}
 * @param interpreter       the program interpreter named by {@code PT_INTERP}, if any
 * @param isStatic          no interpreter and no {@code DT_NEEDED}, and an executable or a static PIE
 * @param isPie             {@code ET_DYN} with {@code DF_1_PIE} or with {@code PT_INTERP}
 * @param setuid            the file mode has the set-user-ID bit (ld.so then runs in secure mode)
 * @param setgid            the file mode has the set-group-ID bit
 * @param buildId           the {@code NT_GNU_BUILD_ID} note as lowercase hex, if present
 * @param hasDynamicSection whether a {@code PT_DYNAMIC} segment exists
 */
public record ElfHeader(
        ElfClass elfClass,
        DataEncoding encoding,
        int machine,
        String machineName,
        int osAbi,
        String osAbiName,
        int abiVersion,
        boolean identPaddingZero,
        ElfType type,
        long entry,
        Optional<String> interpreter,
        boolean isStatic,
        boolean isPie,
        boolean setuid,
        boolean setgid,
        Optional<String> buildId,
        boolean hasDynamicSection) {

    public static final int EM_386 = 3;
    public static final int EM_PPC = 20;
    public static final int EM_PPC64 = 21;
    public static final int EM_ARM = 40;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;

    public static String machineName(int machine) {
        return switch (machine) {
            case 0 -> "none";
            case 2 -> "SPARC";
            case EM_386 -> "i386";
            case 8 -> "MIPS";
            case EM_PPC -> "PowerPC";
            case EM_PPC64 -> "PowerPC64";
            case 22 -> "S/390";
            case EM_ARM -> "ARM";
            case 43 -> "SPARC v9";
            case EM_X86_64 -> "x86-64";
            case EM_AARCH64 -> "AArch64";
            case 243 -> "RISC-V";
            case 258 -> "LoongArch";
            default -> "machine " + machine;
        };
    }

    static String osAbiName(int osAbi) {
        return switch (osAbi) {
            case 0 -> "System V";
            case 1 -> "HP-UX";
            case 2 -> "NetBSD";
            case 3 -> "GNU/Linux";
            case 6 -> "Solaris";
            case 9 -> "FreeBSD";
            case 12 -> "OpenBSD";
            case 97 -> "ARM";
            case 255 -> "standalone";
            default -> "OS ABI " + osAbi;
        };
    }
}
