package io.memproxy.loader;

import java.util.List;
import java.util.Set;

/** The symbols an allocator replaces: the C malloc family and the C++ operators new and delete. */
public final class AllocatorSymbols {
    private AllocatorSymbols() {}

    public static final List<String> MALLOC_FAMILY = List.of(
            "malloc", "free", "calloc", "realloc", "reallocarray", "posix_memalign", "aligned_alloc", "memalign",
            "valloc", "pvalloc", "malloc_usable_size", "malloc_trim", "mallopt", "mallinfo", "mallinfo2",
            "malloc_stats", "malloc_info", "cfree");

    /** operator new/delete in all their Itanium-mangled forms (sized, nothrow, aligned), for 64-bit size_t ('m'). */
    private static final List<String> NEW_DELETE_LP64 = List.of(
            "_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
            "_ZnwmSt11align_val_t", "_ZnamSt11align_val_t", "_ZnwmSt11align_val_tRKSt9nothrow_t",
            "_ZnamSt11align_val_tRKSt9nothrow_t",
            "_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm", "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
            "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t", "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
            "_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t");

    /**
     * operator new/delete for both word sizes: on i386 size_t is unsigned int, mangled 'j' ({@code _Znwj},
     * {@code _ZdlPvj}) where x86-64 has 'm'.
     */
    public static final List<String> NEW_DELETE = both();

    private static List<String> both() {
        List<String> out = new java.util.ArrayList<>(NEW_DELETE_LP64);
        for (String s : NEW_DELETE_LP64) {
            String ilp32 = s.replaceFirst("^(_Zn[wa]|_Zd[la]Pv)m", "$1j");
            if (!ilp32.equals(s)) {
                out.add(ilp32);
            }
        }
        return List.copyOf(out);
    }

    /** Both families. */
    public static final Set<String> ALL = Set.copyOf(concat());

    private static List<String> concat() {
        List<String> all = new java.util.ArrayList<>(MALLOC_FAMILY);
        all.addAll(NEW_DELETE);
        return all;
    }
}
