package io.memproxy.output;

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
    private final Colour colour;
    private final boolean quiet;
    private final Marks marks;

    public TextReport(boolean colour, boolean quiet) {
        this(colour, quiet, Marks.UNICODE);
    }

    public TextReport(boolean colour, boolean quiet, Marks marks) {
        this.colour = new Colour(colour);
        this.quiet = quiet;
        this.marks = marks;
    }

    public void write(Diagnosis d, PrintWriter out) {
        boolean healthy = d.count(Severity.ERROR) == 0 && d.count(Severity.WARNING) == 0 && d.crashedChecks() == 0;
        if (quiet && healthy) {
            return;
        }
        if (!quiet) {
            out.println(colour.bold("Preload chain"));
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
                head += colour.paint(" (check crashed: " + c.crash().get() + ")", Ansi.Color.MAGENTA);
            }
            out.println(head);
            for (Finding f : c.findings()) {
                if (quiet && f.severity() == Severity.INFO) {
                    continue;
                }
                out.println("    " + mark(f.severity()) + " " + f.message() + " " + colour.faint("[" + f.id() + "]"));
                if (!f.fix().isEmpty()) {
                    out.println("      fix: " + f.fix());
                }
            }
        }
        if (!quiet && !d.routes().isEmpty()) {
            out.println();
            out.println(colour.bold("Predicted routes"));
            int width = 0;
            for (var r : d.routes()) {
                width = Math.max(width, r.exe().length());
            }
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
            return colour.paint(line, Ansi.Color.RED);
        }
        return d.count(Severity.WARNING) > 0 ? colour.paint(line, Ansi.Color.YELLOW) : colour.paint(line, Ansi.Color.GREEN);
    }

    private String mark(CheckResult.Status s) {
        return switch (s) {
            case OK -> colour.paint(marks.ok(), Ansi.Color.GREEN);
            case WARNING -> colour.paint(marks.warning(), Ansi.Color.YELLOW);
            case ERROR, CRASHED -> colour.paint(marks.error(), Ansi.Color.RED);
        };
    }

    private String mark(Severity s) {
        return switch (s) {
            case ERROR -> colour.paint(marks.error(), Ansi.Color.RED);
            case WARNING -> colour.paint(marks.warning(), Ansi.Color.YELLOW);
            case INFO -> colour.faint(marks.info());
        };
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
