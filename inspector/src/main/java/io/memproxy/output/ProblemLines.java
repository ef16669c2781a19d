package io.memproxy.output;

import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.io.PrintWriter;

/**
 * The output of {@code memproxy check}: one line per problem, nothing else, for package scripts and
 * configuration management: {@code SEVERITY ID SUBJECTS: MESSAGE}.
 */
public final class ProblemLines {
    private ProblemLines() {}

    public static void write(Diagnosis d, PrintWriter out) {
        write(d, out, f -> true);
    }

    /** {@link #write(Diagnosis, PrintWriter)}, only the findings {@code shown} accepts. */
    public static void write(Diagnosis d, PrintWriter out, java.util.function.Predicate<Finding> shown) {
        for (CheckResult c : d.checks()) {
            c.crash().ifPresent(why -> out.println("error doctor.check-crashed " + c.name() + ": " + why));
            for (Finding f : c.findings()) {
                if (f.severity() != Severity.INFO && shown.test(f)) {
                    out.println(f.severity().label() + " " + f.id() + " " + String.join(" ", f.subjects()) + ": " + f.message());
                }
            }
        }
    }
}
