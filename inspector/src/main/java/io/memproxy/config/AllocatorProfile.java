package io.memproxy.config;

import java.util.List;
import java.util.Optional;

/**
 * The allocators the shim knows, in the order it tries them (shim/src/config.c: mp_profiles). An object
 * provides a profile when it defines the marker (if any) and every role but trim.
 *
 * @param name    the profile's name, as in {@code @allocator NAME} and the shim's debug line
 * @param marker  a symbol that identifies the allocator besides the role names
 * @param symbols the symbol per {@link Role}, in role order; trim's may be missing
 * @param trim    what {@code malloc_trim} does under the shim with this allocator
 */
public record AllocatorProfile(String name, Optional<String> marker, List<String> symbols, String trim) {
    public static final List<AllocatorProfile> ALL = List.of(
            new AllocatorProfile("jemalloc", Optional.of("mallocx"),
                    List.of("malloc", "free", "calloc", "realloc", "memalign", "malloc_usable_size", "mallctl"),
                    "purges every arena (mallctl \"arena.<all>.purge\")"),
            new AllocatorProfile("tcmalloc", Optional.empty(),
                    List.of("tc_malloc", "tc_free", "tc_calloc", "tc_realloc", "tc_memalign", "tc_malloc_size",
                            "MallocExtension_ReleaseFreeMemory"),
                    "releases free memory to the system (MallocExtension_ReleaseFreeMemory)"),
            new AllocatorProfile("mimalloc", Optional.empty(),
                    List.of("mi_malloc", "mi_free", "mi_calloc", "mi_realloc", "mi_memalign", "mi_usable_size", "mi_collect"),
                    "collects free memory (mi_collect(true))"));

    public String symbol(Role r) {
        return symbols.get(r.ordinal());
    }

    public static Optional<AllocatorProfile> named(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst();
    }
}
