package io.memproxy.output;

import io.memproxy.doctor.ChainEntry;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Route;
import io.memproxy.finding.Finding;
import java.io.PrintWriter;

/** The doctor's findings as Markdown, for pasting into a bug report. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static void write(Diagnosis d, PrintWriter out) {
        write(d, out, "memproxy doctor");
    }

    /** The same under another level-2 heading (the support report's "Doctor"); written as it goes, never held whole. */
    public static void write(Diagnosis d, PrintWriter out, String heading) {
        out.println("## " + heading);
        out.println();
        out.println("memproxy " + d.memproxyVersion() + ", glibc " + (d.glibcVersion().isEmpty() ? "unknown" : d.glibcVersion())
                + ", config `" + d.config() + "`");
        out.println();
        out.println("**" + Summary.line(d) + "**");
        out.println();
        out.println("### Preload chain");
        out.println();
        out.println("| # | entry | source | path | role | loader |");
        out.println("|---|---|---|---|---|---|");
        int i = 1;
        for (ChainEntry e : d.chain()) {
            out.println("| " + i++ + " | " + code(e.entry()) + " | " + e.source() + " | " + code(e.path()) + " | " + e.role()
                    + " | " + (e.loaded() ? "loaded" : "ignored: " + cell(e.problem())) + " |");
        }
        out.println();
        out.println("### Checks");
        out.println();
        for (CheckResult c : d.checks()) {
            out.println("- " + Marks.UNICODE.of(c.status()) + " **" + cell(c.title()) + "**"
                    + c.crash().map(why -> " — check crashed: " + cell(why)).orElse(""));
            for (Finding f : c.findings()) {
                out.println("  - " + Marks.UNICODE.of(f.severity()) + " `" + f.id() + "` " + cell(f.message())
                        + (f.fix().isEmpty() ? "" : " *Fix:* " + cell(f.fix())));
            }
        }
        if (!d.routes().isEmpty()) {
            out.println();
            out.println("### Predicted routes");
            out.println();
            out.println("| executable | route |");
            out.println("|---|---|");
            for (Route r : d.routes()) {
                out.println("| " + code(r.exe()) + " | " + cell(RouteWords.describe(r)) + " |");
            }
        }
    }

    private static String code(String s) {
        return s.isEmpty() ? "" : "`" + s.replace("`", "'") + "`";
    }

    /** Keeps a table cell on one line and its pipes literal. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
