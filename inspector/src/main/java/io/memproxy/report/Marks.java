package io.memproxy.report;

import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Severity;

/** The doctor's status marks, shared by the text and Markdown renderings. */
final class Marks {
    private Marks() {}

    static final String OK = "✓";
    static final String WARNING = "!";
    static final String ERROR = "✗";
    static final String INFO = "·";

    static String of(CheckResult.Status status) {
        return switch (status) {
            case OK -> OK;
            case WARNING -> WARNING;
            case ERROR, CRASHED -> ERROR;
        };
    }

    static String of(Severity severity) {
        return switch (severity) {
            case ERROR -> ERROR;
            case WARNING -> WARNING;
            case INFO -> INFO;
        };
    }
}
