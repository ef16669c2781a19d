package io.memproxy.elf;

import java.util.List;
import java.util.Optional;

/**
 * What the dynamic section ({@code PT_DYNAMIC}) tells the loader. Strings are raw, as stored: an rpath
 * may contain {@code $ORIGIN} and several directories separated by colons.
 *
 * @param needed   {@code DT_NEEDED} entries in order
 * @param soname   {@code DT_SONAME}
 * @param rpath    {@code DT_RPATH} (ignored by ld.so when {@code DT_RUNPATH} is present)
 * @param runpath  {@code DT_RUNPATH}
 * @param flags    {@code DT_FLAGS} ({@code DF_*} bits), 0 when absent
 * @param flags1   {@code DT_FLAGS_1} ({@code DF_1_*} bits), 0 when absent
 * @param symbolic {@code DT_SYMBOLIC} present or {@code DF_SYMBOLIC} set: the object's own definitions
 *                 are searched before the global scope
 * @param bindNow  {@code DT_BIND_NOW}, {@code DF_BIND_NOW} or {@code DF_1_NOW}
 * @param hasVersym {@code DT_VERSYM} present: the object carries GNU symbol versions
 */
public record DynamicInfo(
        List<String> needed,
        Optional<String> soname,
        Optional<String> rpath,
        Optional<String> runpath,
        long flags,
        long flags1,
        boolean symbolic,
        boolean bindNow,
        boolean hasVersym) {

    /** The dynamic information of a file without a dynamic section. */
    public static final DynamicInfo NONE =
            new DynamicInfo(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, false, false, false);

    // DT_FLAGS bits (elf.h)
    public static final long DF_ORIGIN = 0x1;
    public static final long DF_SYMBOLIC = 0x2;
    public static final long DF_TEXTREL = 0x4;
    public static final long DF_BIND_NOW = 0x8;
    public static final long DF_STATIC_TLS = 0x10;

    // DT_FLAGS_1 bits (elf.h)
    public static final long DF_1_NOW = 0x1;
    public static final long DF_1_GLOBAL = 0x2;
    public static final long DF_1_GROUP = 0x4;
    public static final long DF_1_NODELETE = 0x8;
    public static final long DF_1_LOADFLTR = 0x10;
    public static final long DF_1_INITFIRST = 0x20;
    public static final long DF_1_NOOPEN = 0x40;
    public static final long DF_1_ORIGIN = 0x80;
    public static final long DF_1_DIRECT = 0x100;
    public static final long DF_1_INTERPOSE = 0x400;
    public static final long DF_1_NODEFLIB = 0x800;
    public static final long DF_1_NODUMP = 0x1000;
    public static final long DF_1_PIE = 0x8000000;

    public DynamicInfo {
        needed = List.copyOf(needed);
    }

    /** {@code DF_1_NODEFLIB}: ld.so must not search the default directories for this object's needs. */
    public boolean noDefaultLib() {
        return (flags1 & DF_1_NODEFLIB) != 0;
    }

    /** Names of the set {@code DT_FLAGS} bits ("BIND_NOW", "SYMBOLIC"), for display. */
    public List<String> flagNames() {
        return FlagNames.flags(flags);
    }

    /** Names of the set {@code DT_FLAGS_1} bits ("NOW", "PIE", "NODEFLIB"), for display. */
    public List<String> flags1Names() {
        return FlagNames.flags1(flags1);
    }
}
