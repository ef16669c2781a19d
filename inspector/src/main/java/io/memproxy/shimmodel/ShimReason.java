package io.memproxy.shimmodel;

import java.util.Locale;

/** Why the shim took its route, in the words of its debug line (shim/src/config.c: mp_decide). */
public enum ShimReason {
    CONFIG_UNREADABLE,
    CONFIG_NOT_REGULAR,
    CONFIG_TOO_LARGE,
    BAD_CONFIG,
    SECURE_EXEC,
    EXE_UNKNOWN,
    EXCLUDED,
    FORCED,
    NO_CONFIG,
    NOT_EXCLUDED,
    ALLOCATOR_MISSING,
    NO_ALLOCATOR,
    LIBC_MISSING;

    /** The shim's word: {@code not-excluded}, {@code allocator-missing}, … */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
