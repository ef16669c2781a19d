package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memproxy.finding.Finding;
import io.memproxy.trial.Analysis;
import io.memproxy.trial.Spread;
import io.memproxy.trial.StartCost;
import io.memproxy.trial.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jline.jansi.Ansi;

/** The outputs of memproxy trial: a table for people, JSON for programs, Markdown for a ticket. */
public final class TrialReports {
    private TrialReports() {}

    /** The command line as a shell would take it back: words with blanks or quotes are single-quoted. */
    public static String commandLine(List<String> argv) {
        List<String> out = new ArrayList<>();
        for (String w : argv) {
            out.add(w.matches("[A-Za-z0-9_./:=+,@%-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", out);
    }

    private static String title(Analysis.Report r) {
        var res = r.result();
        return "memproxy trial: " + commandLine(res.target().argv()) + "  (" + res.rounds() + " interleaved round"
                + (res.rounds() == 1 ? "" : "s") + " of " + r.routes().size() + " routes, " + res.plan().warmup() + " warm-up run"
                + (res.plan().warmup() == 1 ? "" : "s") + " each)";
    }

    /** The table's columns, shared by text and Markdown. */
    private static List<String> header() {
        return List.of("ROUTE", "RUNS", "WALL ms (min–max)", "×GLIBC", "CPU ms", "PEAK RSS MiB (min–max)", "×GLIBC", "START-UP",
                "MINOR FAULTS", "SWITCHES vol/invol", "ENDED");
    }

    private static List<String> row(Analysis.RouteReport a) {
        return List.of(a.route().name(), Integer.toString(a.runs()), withRange(a.wallMillis(), 1, "%.1f"),
                ratio(a.time()), num(a.cpuMillis().median(), "%.1f"), withRange(a.maxRssKb(), 1024, "%.1f"), ratio(a.memory()),
                a.startup().map(c -> String.format(Locale.ROOT, "%+.2f ms", c.differenceMillis().median())).orElse(a.route().isGlibc() ? "" : "-"),
                num(a.minorFaults().median(), "%.0f"),
                num(a.voluntarySwitches().median(), "%.0f") + "/" + num(a.involuntarySwitches().median(), "%.0f"), endings(a.endings()));
    }

    private static String withRange(Spread s, double unit, String f) {
        if (s.empty()) {
            return "-";
        }
        return num(s.median() / unit, f) + " (" + num(s.min() / unit, f) + "–" + num(s.max() / unit, f) + ")";
    }

    private static String num(double v, String f) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, f, v);
    }

    private static String ratio(Optional<Verdict> v) {
        return v.map(x -> x.ratio().empty() ? "-" : String.format(Locale.ROOT, "%.2f", x.ratio().median())).orElse("1.00");
    }

    private static String endings(Map<String, Integer> e) {
        List<String> out = new ArrayList<>();
        e.forEach((k, n) -> out.add(k + (e.size() > 1 || n > 1 ? " ×" + n : "")));
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    public static void text(Analysis.Report r, boolean colourOn, Marks marks, PrintWriter out) {
        Colour colour = new Colour(colourOn);
        out.println(colour.bold(title(r)));
        out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(header());
        r.routes().forEach(a -> rows.add(row(a)));
        int[] width = new int[header().size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                boolean left = i == 0 || i == row.size() - 1;
                String pad = " ".repeat(width[i] - cell.length());
                b.append(left ? cell + pad : pad + cell).append(i == row.size() - 1 ? "" : "  ");
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
        out.println("Against glibc, run by run (sign test over the rounds; a difference is claimed only outside the noise):");
        for (Analysis.RouteReport a : r.routes()) {
            if (a.route().isGlibc()) {
                continue;
            }
            String behaviour = a.differences().isEmpty() ? colour.paint("same behaviour", Ansi.Color.GREEN)
                    : colour.paint("behaviour differs", Ansi.Color.RED);
            out.println("  " + a.route().name() + ": time " + verdict(colour, a.time().get(), "faster", "slower") + "; memory "
                    + verdict(colour, a.memory().get(), "less", "more") + "; " + behaviour);
        }
        if (!r.findings().isEmpty()) {
            out.println();
            out.println("Findings:");
            for (Finding f : r.findings()) {
                String mark = f.severity() == io.memproxy.finding.Severity.ERROR ? colour.paint(marks.error(), Ansi.Color.RED)
                        : colour.paint(marks.warning(), Ansi.Color.YELLOW);
                out.println("  " + mark + " " + f.id() + " [" + f.subjects().get(0) + "]: " + f.message());
                if (!f.fix().isEmpty()) {
                    out.println("      fix: " + f.fix());
                }
            }
        }
        out.println();
        out.println("Advice:");
        r.advice().forEach(a -> out.println("  " + a));
        r.configLine().ifPresent(l -> {
            out.println("  for /etc/memproxy.conf:");
            l.lines().forEach(x -> out.println("    " + colour.bold(x)));
        });
        out.println();
        out.println("Routes:");
        for (Analysis.RouteReport a : r.routes()) {
            out.println("  " + a.route().name() + ": " + a.route().description() + a.route().chain().map(c -> ", LD_PRELOAD=" + c).orElse("")
                    + (a.route().isGlibc() ? "" : "; " + a.check()));
            a.startup().ifPresent(c -> out.println("      start-up: " + c.describe()));
        }
        if (!r.notes().isEmpty() || !r.result().target().notes().isEmpty()) {
            out.println();
            out.println("Notes:");
            r.notes().forEach(n -> out.println("  - " + n));
            r.result().target().notes().forEach(n -> out.println("  - " + n));
        }
        out.flush();
    }

    private static String verdict(Colour colour, Verdict v, String lower, String higher) {
        String s = v.describe(lower, higher);
        return switch (v.outcome()) {
            case LOWER -> colour.paint(s, Ansi.Color.GREEN);
            case HIGHER -> colour.paint(s, Ansi.Color.YELLOW);
            default -> s;
        };
    }

    public static void markdown(Analysis.Report r, PrintWriter out) {
        out.println("## " + title(r).replace("memproxy trial: ", "memproxy trial: `").replaceFirst("  \\(", "`  ("));
        out.println();
        out.println("| " + String.join(" | ", header()) + " |");
        out.println("|" + "---|".repeat(header().size()));
        for (Analysis.RouteReport a : r.routes()) {
            out.println("| " + String.join(" | ", row(a).stream().map(TrialReports::cell).toList()) + " |");
        }
        out.println();
        out.println("### Against glibc");
        out.println();
        for (Analysis.RouteReport a : r.routes()) {
            if (!a.route().isGlibc()) {
                out.println("- **" + a.route().name() + "**: time " + cell(a.time().get().describe("faster", "slower")) + "; memory "
                        + cell(a.memory().get().describe("less", "more")) + "; "
                        + (a.differences().isEmpty() ? "same behaviour" : "**behaviour differs**"));
            }
        }
        if (!r.findings().isEmpty()) {
            out.println();
            out.println("### Findings");
            out.println();
            for (Finding f : r.findings()) {
                out.println("- " + Marks.UNICODE.of(f.severity()) + " `" + f.id() + "` (" + f.subjects().get(0) + ") " + cell(f.message())
                        + (f.fix().isEmpty() ? "" : " *Fix:* " + cell(f.fix())));
            }
        }
        out.println();
        out.println("### Advice");
        out.println();
        r.advice().forEach(a -> out.println("- " + cell(a)));
        r.configLine().ifPresent(l -> {
            out.println();
            out.println("```");
            out.println(l);
            out.println("```");
        });
        if (!r.notes().isEmpty() || !r.result().target().notes().isEmpty()) {
            out.println();
            out.println("### Notes");
            out.println();
            r.notes().forEach(n -> out.println("- " + cell(n)));
            r.result().target().notes().forEach(n -> out.println("- " + cell(n)));
        }
        out.flush();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** The version of trial's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    record Document(int schemaVersion, String memproxyVersion, List<String> command, String path, String executable, int runs,
            int warmup, int roundsCompleted, boolean interrupted, double timeoutSeconds, boolean ignoreOutput, List<RouteEntry> routes,
            List<JsonReport.FindingEntry> findings, List<String> advice, String configLine, List<String> notes) implements Json.Document {}

    /** {@code sampled_peak_rss_kib} only when RSS was sampled; {@code time}, {@code cpu}, {@code memory} null for glibc. */
    record RouteEntry(String name, String description, String preload, String routeCheck, int runs, SpreadEntry wallMs,
            SpreadEntry cpuMs, SpreadEntry maxRssKib, SpreadEntry minorFaults, SpreadEntry majorFaults, SpreadEntry voluntarySwitches,
            SpreadEntry involuntarySwitches, @JsonInclude(JsonInclude.Include.NON_NULL) SpreadEntry sampledPeakRssKib,
            VerdictEntry time, VerdictEntry cpu, VerdictEntry memory, StartupEntry startup, boolean sameBehaviour,
            List<String> differences, List<RunEntry> runsDetail) {}

    /** Null values when there were no runs to measure. */
    record SpreadEntry(Double median, Double min, Double max) {
        static SpreadEntry of(Spread s) {
            return s.empty() ? new SpreadEntry(null, null, null) : new SpreadEntry(s.median(), s.min(), s.max());
        }
    }

    record VerdictEntry(String verdict, SpreadEntry ratio, double signTestP) {
        static VerdictEntry of(Optional<Verdict> v) {
            return v.map(x -> new VerdictEntry(x.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'), SpreadEntry.of(x.ratio()),
                    x.p())).orElse(null);
        }
    }

    record StartupEntry(SpreadEntry differenceMs, SpreadEntry withoutMs, SpreadEntry withMs) {}

    /** {@code exit_status} is null when a signal ended the run; {@code rss_samples} only when RSS was sampled. */
    record RunEntry(double wallMs, double userMs, double systemMs, long maxRssKib, long minorFaults, long majorFaults,
            long voluntarySwitches, long involuntarySwitches, Integer exitStatus, int signal, boolean timedOut, String stdoutSha256,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<RssSample> rssSamples) {}

    record RssSample(long ms, long rssKib) {}

    /** The JSON document (docs/json.md, "trial"). */
    public static void json(Analysis.Report r, String memproxyVersion, PrintWriter out) {
        var res = r.result();
        boolean sampled = res.plan().sampleMillis() > 0;
        List<RouteEntry> routes = new ArrayList<>();
        for (Analysis.RouteReport a : r.routes()) {
            List<RunEntry> runs = a.counted().stream().map(m -> new RunEntry(m.wallMillis(), m.userMicros() / 1000.0,
                    m.systemMicros() / 1000.0, m.maxRssKb(), m.minorFaults(), m.majorFaults(), m.voluntarySwitches(),
                    m.involuntarySwitches(), m.signal() != 0 ? null : m.exitStatus(), m.signal(), m.timedOut(), m.stdoutSha256(),
                    sampled ? m.samples().stream().map(s -> new RssSample(s[0], s[1])).toList() : null)).toList();
            routes.add(new RouteEntry(a.route().name(), a.route().description(), a.route().chain().orElse(""),
                    a.route().isGlibc() ? "" : a.check(), a.runs(), SpreadEntry.of(a.wallMillis()), SpreadEntry.of(a.cpuMillis()),
                    SpreadEntry.of(a.maxRssKb()), SpreadEntry.of(a.minorFaults()), SpreadEntry.of(a.majorFaults()),
                    SpreadEntry.of(a.voluntarySwitches()), SpreadEntry.of(a.involuntarySwitches()),
                    sampled ? SpreadEntry.of(a.sampledPeakRssKb()) : null,
                    VerdictEntry.of(a.time()), VerdictEntry.of(a.cpu()), VerdictEntry.of(a.memory()),
                    a.startup().map((StartCost c) -> new StartupEntry(SpreadEntry.of(c.differenceMillis()), SpreadEntry.of(c.withoutMillis()),
                            SpreadEntry.of(c.withMillis()))).orElse(null),
                    a.differences().isEmpty(), a.differences(), runs));
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.addAll(res.target().notes());
        Json.write(new Document(SCHEMA_VERSION, memproxyVersion, res.target().argv(), res.target().path(), res.target().executable(),
                res.plan().runs(), res.plan().warmup(), res.rounds(), res.interrupted(), res.plan().timeoutMillis() / 1000.0,
                res.plan().ignoreOutput(), routes, r.findings().stream().map(f -> JsonReport.FindingEntry.of(f, null)).toList(),
                r.advice(), r.configLine().orElse(null), notes), out);
    }
}
