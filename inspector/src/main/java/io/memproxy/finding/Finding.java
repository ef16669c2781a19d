package io.memproxy.finding;

import java.util.List;
import java.util.Objects;

/**
 * One thing the doctor noticed. The id is stable (users suppress, grep and alert on it); the subjects
 * are the files, programs or config lines involved; the fix is something the user can do.
 */
public record Finding(String id, Severity severity, List<String> subjects, String message, String fix) {
    public Finding {
        Objects.requireNonNull(id);
        Objects.requireNonNull(severity);
        subjects = List.copyOf(new java.util.LinkedHashSet<>(subjects));
        Objects.requireNonNull(message);
        Objects.requireNonNull(fix);
    }

    public static Finding error(String id, String subject, String message, String fix) {
        return new Finding(id, Severity.ERROR, List.of(subject), message, fix);
    }

    public static Finding warning(String id, String subject, String message, String fix) {
        return new Finding(id, Severity.WARNING, List.of(subject), message, fix);
    }

    public static Finding info(String id, String subject, String message) {
        return new Finding(id, Severity.INFO, List.of(subject), message, "");
    }
}
