package io.memproxy.output;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.SystemFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * The support bundle of {@code memproxy report}: one Markdown document with the system facts, the
 * doctor's findings, and the same as JSON in a fenced block, so one file carries both.
 */
public final class SupportReport {
    private SupportReport() {}

    public static void write(Diagnosis d, SystemFacts s, PrintWriter out) throws IOException {
        out.println("# memproxy report");
        out.println();
        out.println("| fact | value |");
        out.println("|---|---|");
        out.println("| memproxy | " + d.memproxyVersion() + " |");
        out.println("| glibc | " + orUnknown(s.glibcVersion()) + " |");
        out.println("| kernel | " + orUnknown(s.kernel()) + " |");
        out.println("| distribution | " + orUnknown(s.distribution()) + " |");
        for (Map.Entry<String, String> v : s.loaderVariables().entrySet()) {
            out.println("| `" + v.getKey() + "` | `" + v.getValue().replace("|", "\\|") + "` |");
        }
        out.println();
        out.println("## Chain files");
        out.println();
        out.println("| entry | path | role | build-id | sha256 | size |");
        out.println("|---|---|---|---|---|---|");
        for (SystemFacts.ObjectFacts o : s.objects()) {
            out.println("| `" + o.entry() + "` | `" + o.path() + "` | " + o.role() + " | " + o.buildId() + " | " + o.sha256() + " | "
                    + o.size() + " |");
        }
        out.println();
        out.println("## Exclusion list `" + d.config() + "`");
        out.println();
        out.println("```");
        out.print(s.config().isEmpty() ? "(not readable)\n" : s.config().endsWith("\n") ? s.config() : s.config() + "\n");
        out.println("```");
        out.println();
        MarkdownReport.write(d, out, "Doctor");
        out.println();
        out.println("## JSON");
        out.println();
        out.println("```json");
        JsonReport.write(d, Optional.of(s), out);
        out.println("```");
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "unknown" : s;
    }
}
