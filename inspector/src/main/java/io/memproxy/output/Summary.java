package io.memproxy.output;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
import java.util.List;

/** The closing line every format shares: "1 error, 2 warnings, 5 checks passed". */
final class Summary {
    private Summary() {}

    static String line(Diagnosis d) {
        List<String> parts = new ArrayList<>();
        parts.add(plural(d.count(Severity.ERROR), "error"));
        parts.add(plural(d.count(Severity.WARNING), "warning"));
        if (d.crashedChecks() > 0) {
            parts.add(plural(d.crashedChecks(), "crashed check"));
        }
        parts.add(plural(d.passedChecks(), "check") + " passed");
        return String.join(", ", parts);
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
