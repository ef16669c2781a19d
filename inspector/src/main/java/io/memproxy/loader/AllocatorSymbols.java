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

    /** operator new/delete in all their Itanium-mangled forms (sized, nothrow, aligned). */
    public static final List<String> NEW_DELETE = List.of(
            "_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
            "_ZnwmSt11align_val_t", "_ZnamSt11align_val_t", "_ZnwmSt11align_val_tRKSt9nothrow_t",
            "_ZnamSt11align_val_tRKSt9nothrow_t",
            "_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm", "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
            "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t", "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
            "_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t");

    /** Both families. */
    public static final Set<String> ALL = Set.copyOf(concat());

    private static List<String> concat() {
        List<String> all = new java.util.ArrayList<>(MALLOC_FAMILY);
        all.addAll(NEW_DELETE);
        return all;
    }
}
