package io.memproxy.report;

import io.memproxy.doctor.ChainEntry;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Route;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.io.PrintWriter;
import org.jline.jansi.Ansi;

/**
 * The doctor's output for people: one mark per check, its findings indented under it with their fix,
 * the predicted route per executable, and a summary line. {@code quiet} keeps only what needs attention.
 */
public final class TextReport {
    private final boolean colour;
    private final boolean quiet;
    private final Marks marks;

    public TextReport(boolean colour, boolean quiet) {
        this(colour, quiet, Marks.UNICODE);
    }

    public TextReport(boolean colour, boolean quiet, Marks marks) {
        this.colour = colour;
        this.quiet = quiet;
        this.marks = marks;
    }

    public void write(Diagnosis d, PrintWriter out) {
        boolean healthy = d.count(Severity.ERROR) == 0 && d.count(Severity.WARNING) == 0 && d.crashedChecks() == 0;
        if (quiet && healthy) {
            return;
        }
        if (!quiet) {
            out.println(bold("Preload chain"));
            if (d.chain().isEmpty()) {
                out.println("  (empty)");
            }
            for (ChainEntry e : d.chain()) {
                String where = e.path().isEmpty() || e.path().equals(e.entry()) ? "" : " => " + e.path();
                String state = e.loaded() ? e.role() : "ignored by ld.so: " + e.problem();
                out.println("  " + e.entry() + where + "  [" + state + "]");
            }
            out.println();
        }
        for (CheckResult c : d.checks()) {
            if (quiet && c.status() == CheckResult.Status.OK) {
                continue;
            }
            String head = mark(c.status()) + " " + c.title();
            if (c.crash().isPresent()) {
                head += paint(" (check crashed: " + c.crash().get() + ")", Ansi.Color.MAGENTA);
            }
            out.println(head);
            for (Finding f : c.findings()) {
                if (quiet && f.severity() == Severity.INFO) {
                    continue;
                }
                out.println("    " + mark(f.severity()) + " " + f.message() + " " + faint("[" + f.id() + "]"));
                if (!f.fix().isEmpty()) {
                    out.println("      fix: " + f.fix());
                }
            }
        }
        if (!quiet && !d.routes().isEmpty()) {
            out.println();
            out.println(bold("Predicted routes"));
            int width = d.routes().stream().mapToInt(r -> r.exe().length()).max().orElse(0);
            for (Route r : d.routes()) {
                out.println("  " + pad(r.exe(), width) + "  " + marks.arrow() + " " + RouteWords.describe(r));
            }
        }
        out.println();
        out.println(summary(d));
    }

    private String summary(Diagnosis d) {
        String line = Summary.line(d);
        if (d.count(Severity.ERROR) > 0 || d.crashedChecks() > 0) {
            return paint(line, Ansi.Color.RED);
        }
        return d.count(Severity.WARNING) > 0 ? paint(line, Ansi.Color.YELLOW) : paint(line, Ansi.Color.GREEN);
    }

    private String mark(CheckResult.Status s) {
        return switch (s) {
            case OK -> paint(marks.ok(), Ansi.Color.GREEN);
            case WARNING -> paint(marks.warning(), Ansi.Color.YELLOW);
            case ERROR, CRASHED -> paint(marks.error(), Ansi.Color.RED);
        };
    }

    private String mark(Severity s) {
        return switch (s) {
            case ERROR -> paint(marks.error(), Ansi.Color.RED);
            case WARNING -> paint(marks.warning(), Ansi.Color.YELLOW);
            case INFO -> faint(marks.info());
        };
    }

    private String paint(String text, Ansi.Color c) {
        return colour ? Ansi.ansi().fg(c).a(text).reset().toString() : text;
    }

    private String bold(String text) {
        return colour ? Ansi.ansi().bold().a(text).reset().toString() : text;
    }

    private String faint(String text) {
        return colour ? Ansi.ansi().a(Ansi.Attribute.INTENSITY_FAINT).a(text).reset().toString() : text;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
