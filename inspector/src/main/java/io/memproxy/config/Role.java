package io.memproxy.config;

import java.util.Locale;
import java.util.Optional;

/** The allocator entry points the shim routes, with the names {@code @symbol ROLE NAME} uses (shim/src/config.c). */
public enum Role {
    MALLOC, FREE, CALLOC, REALLOC, MEMALIGN, USABLE_SIZE, TRIM;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> ofWord(String word) {
        for (Role r : values()) {
            if (r.word().equals(word)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
