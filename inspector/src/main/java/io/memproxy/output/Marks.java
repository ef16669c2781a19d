package io.memproxy.output;

import io.memproxy.doctor.CheckResult;
import io.memproxy.finding.Severity;

/**
 * The status marks and tree lines of text output, in Unicode or, for a terminal whose locale is not
 * UTF-8 (LC_ALL=C), in ASCII as {@code tree --charset=ascii} draws them. Markdown always uses Unicode.
 *
 * @param last   the branch to a parent's last child; {@code branch} to the others
 * @param pipe   the indent under a branch that has siblings below it
 */
public record Marks(String ok, String warning, String error, String info, String arrow,
        String branch, String last, String pipe) {

    public static final Marks UNICODE = new Marks("✓", "!", "✗", "·", "→", "├── ", "└── ", "│   ");
    public static final Marks ASCII = new Marks("ok", "!", "x", "-", "->", "|-- ", "`-- ", "|   ");

    public static Marks of(boolean unicode) {
        return unicode ? UNICODE : ASCII;
    }

    String of(CheckResult.Status status) {
        return switch (status) {
            case OK -> ok;
            case WARNING -> warning;
            case ERROR, CRASHED -> error;
        };
    }

    String of(Severity severity) {
        return switch (severity) {
            case ERROR -> error;
            case WARNING -> warning;
            case INFO -> info;
        };
    }
}
