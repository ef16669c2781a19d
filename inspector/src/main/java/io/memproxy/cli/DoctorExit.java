package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Severity;

/**
 * The exit codes of doctor, check and report. "Unhealthy" (1) and "could not inspect" (3) are kept
 * apart: a configuration-management run must not mistake a broken inspection for a broken machine.
 */
final class DoctorExit {
    private DoctorExit() {}

    static final String FOOTER = "%nExit codes:%n"
            + "  0  no errors (warnings allowed)%n"
            + "  1  errors found, or any warning with --strict%n"
            + "  2  usage error%n"
            + "  3  the doctor could not inspect (unreadable input, a crashed check, internal failure)%n";

    static int code(Diagnosis d, boolean strict) {
        if (d.count(Severity.ERROR) > 0) {
            return ExitCodes.PROBLEM;
        }
        if (d.crashedChecks() > 0) {
            return ExitCodes.COULD_NOT_RUN;
        }
        if (strict && d.count(Severity.WARNING) > 0) {
            return ExitCodes.PROBLEM;
        }
        return ExitCodes.OK;
    }
}
