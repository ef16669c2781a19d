package io.memproxy.finding;

import java.util.Locale;

/** How much a finding matters. Errors make the doctor exit 1; warnings only with {@code --strict}. */
public enum Severity {
    ERROR,
    WARNING,
    INFO;

    /** The lower-case word used in every output format. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
