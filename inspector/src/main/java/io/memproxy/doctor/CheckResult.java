package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.List;
import java.util.Optional;

/** What one check found; a check that threw is kept with its failure instead of its findings. */
public record CheckResult(String name, String title, List<Finding> findings, Optional<String> crash) {
    public CheckResult {
        findings = List.copyOf(findings);
    }

    public static CheckResult crashed(Check check, Throwable failure) {
        String what = failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return new CheckResult(check.name(), check.title(), List.of(), Optional.of(what));
    }

    public Status status() {
        if (crash.isPresent()) {
            return Status.CRASHED;
        }
        if (any(Severity.ERROR)) {
            return Status.ERROR;
        }
        if (any(Severity.WARNING)) {
            return Status.WARNING;
        }
        return Status.OK;
    }

    private boolean any(Severity severity) {
        for (Finding f : findings) {
            if (f.severity() == severity) {
                return true;
            }
        }
        return false;
    }

    /** The mark a check gets in every output format. */
    public enum Status {
        OK, WARNING, ERROR, CRASHED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
