package io.memproxy.shimmodel;

import java.util.Locale;
import java.util.Optional;

/**
 * The route a process takes, in the words of the shim's debug line (shim/src/memproxy.h: mp_route_kind), plus
 * {@link #NONE} for a process in which the shim does not decide (not loaded, bypassed, a static program):
 * the shim itself prints only {@code system} or {@code allocator}.
 */
public enum ShimRoute {
    ALLOCATOR,
    SYSTEM,
    NONE;

    /** The word in every output: {@code allocator}, {@code system}, {@code none}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ShimRoute> ofWord(String word) {
        for (ShimRoute r : values()) {
            if (r.word().equals(word)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
