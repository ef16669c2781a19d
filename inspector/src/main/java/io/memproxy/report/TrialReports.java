package io.memproxy.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memproxy.finding.Finding;
import io.memproxy.trial.Analysis;
import io.memproxy.trial.Measurement;
import io.memproxy.trial.Spread;
import io.memproxy.trial.StartCost;
import io.memproxy.trial.Verdict;
import java.io.IOException;
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

    public static void text(Analysis.Report r, boolean colour, Marks marks, PrintWriter out) {
        out.println(colour ? Ansi.ansi().bold().a(title(r)).reset().toString() : title(r));
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
            String behaviour = a.differences().isEmpty() ? paint(colour, "same behaviour", Ansi.Color.GREEN)
                    : paint(colour, "behaviour differs", Ansi.Color.RED);
            out.println("  " + a.route().name() + ": time " + verdict(colour, a.time().get(), "faster", "slower") + "; memory "
                    + verdict(colour, a.memory().get(), "less", "more") + "; " + behaviour);
        }
        if (!r.findings().isEmpty()) {
            out.println();
            out.println("Findings:");
            for (Finding f : r.findings()) {
                String mark = f.severity() == io.memproxy.finding.Severity.ERROR ? paint(colour, marks.error(), Ansi.Color.RED)
                        : paint(colour, marks.warning(), Ansi.Color.YELLOW);
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
            l.lines().forEach(x -> out.println("    " + (colour ? Ansi.ansi().bold().a(x).reset() : x)));
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

    private static String verdict(boolean colour, Verdict v, String lower, String higher) {
        String s = v.describe(lower, higher);
        return switch (v.outcome()) {
            case LOWER -> paint(colour, s, Ansi.Color.GREEN);
            case HIGHER -> paint(colour, s, Ansi.Color.YELLOW);
            default -> s;
        };
    }

    private static String paint(boolean colour, String s, Ansi.Color c) {
        return colour ? Ansi.ansi().fg(c).a(s).reset().toString() : s;
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

    /** The JSON document (README "memproxy trial"). */
    public static void json(Analysis.Report r, String memproxyVersion, PrintWriter out) throws IOException {
        var res = r.result();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schema_version", JsonReport.SCHEMA_VERSION);
            g.writeStringField("memproxy_version", memproxyVersion);
            g.writeArrayFieldStart("command");
            for (String w : res.target().argv()) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeStringField("path", res.target().path());
            g.writeStringField("executable", res.target().executable());
            g.writeNumberField("runs", res.plan().runs());
            g.writeNumberField("warmup", res.plan().warmup());
            g.writeNumberField("rounds_completed", res.rounds());
            g.writeBooleanField("interrupted", res.interrupted());
            g.writeNumberField("timeout_seconds", res.plan().timeoutMillis() / 1000.0);
            g.writeBooleanField("ignore_output", res.plan().ignoreOutput());
            g.writeArrayFieldStart("routes");
            for (Analysis.RouteReport a : r.routes()) {
                g.writeStartObject();
                g.writeStringField("name", a.route().name());
                g.writeStringField("description", a.route().description());
                g.writeStringField("preload", a.route().chain().orElse(""));
                g.writeStringField("route_check", a.route().isGlibc() ? "" : a.check());
                g.writeNumberField("runs", a.runs());
                spread(g, "wall_ms", a.wallMillis(), 1);
                spread(g, "cpu_ms", a.cpuMillis(), 1);
                spread(g, "max_rss_kib", a.maxRssKb(), 1);
                spread(g, "minor_faults", a.minorFaults(), 1);
                spread(g, "major_faults", a.majorFaults(), 1);
                spread(g, "voluntary_switches", a.voluntarySwitches(), 1);
                spread(g, "involuntary_switches", a.involuntarySwitches(), 1);
                if (res.plan().sampleMillis() > 0) {
                    spread(g, "sampled_peak_rss_kib", a.sampledPeakRssKb(), 1);
                }
                verdict(g, "time", a.time());
                verdict(g, "cpu", a.cpu());
                verdict(g, "memory", a.memory());
                if (a.startup().isPresent()) {
                    StartCost c = a.startup().get();
                    g.writeObjectFieldStart("startup");
                    spread(g, "difference_ms", c.differenceMillis(), 1);
                    spread(g, "without_ms", c.withoutMillis(), 1);
                    spread(g, "with_ms", c.withMillis(), 1);
                    g.writeEndObject();
                } else {
                    g.writeNullField("startup");
                }
                g.writeBooleanField("same_behaviour", a.differences().isEmpty());
                g.writeArrayFieldStart("differences");
                for (String d : a.differences()) {
                    g.writeString(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("runs_detail");
                for (Measurement m : a.counted()) {
                    g.writeStartObject();
                    g.writeNumberField("wall_ms", m.wallMillis());
                    g.writeNumberField("user_ms", m.userMicros() / 1000.0);
                    g.writeNumberField("system_ms", m.systemMicros() / 1000.0);
                    g.writeNumberField("max_rss_kib", m.maxRssKb());
                    g.writeNumberField("minor_faults", m.minorFaults());
                    g.writeNumberField("major_faults", m.majorFaults());
                    g.writeNumberField("voluntary_switches", m.voluntarySwitches());
                    g.writeNumberField("involuntary_switches", m.involuntarySwitches());
                    if (m.signal() != 0) {
                        g.writeNullField("exit_status");
                    } else {
                        g.writeNumberField("exit_status", m.exitStatus());
                    }
                    g.writeNumberField("signal", m.signal());
                    g.writeBooleanField("timed_out", m.timedOut());
                    g.writeStringField("stdout_sha256", m.stdoutSha256());
                    if (res.plan().sampleMillis() > 0) {
                        g.writeArrayFieldStart("rss_samples");
                        for (long[] s : m.samples()) {
                            g.writeStartObject();
                            g.writeNumberField("ms", s[0]);
                            g.writeNumberField("rss_kib", s[1]);
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("findings");
            for (Finding f : r.findings()) {
                JsonReport.finding(g, f, null);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("advice");
            for (String a : r.advice()) {
                g.writeString(a);
            }
            g.writeEndArray();
            if (r.configLine().isPresent()) {
                g.writeStringField("config_line", r.configLine().get());
            } else {
                g.writeNullField("config_line");
            }
            g.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                g.writeString(n);
            }
            for (String n : res.target().notes()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
        out.flush();
    }

    private static void spread(JsonGenerator g, String name, Spread s, double unit) throws IOException {
        g.writeObjectFieldStart(name);
        if (s.empty()) {
            g.writeNullField("median");
            g.writeNullField("min");
            g.writeNullField("max");
        } else {
            g.writeNumberField("median", s.median() / unit);
            g.writeNumberField("min", s.min() / unit);
            g.writeNumberField("max", s.max() / unit);
        }
        g.writeEndObject();
    }

    private static void verdict(JsonGenerator g, String name, Optional<Verdict> v) throws IOException {
        if (v.isEmpty()) {
            g.writeNullField(name);
            return;
        }
        Verdict x = v.get();
        g.writeObjectFieldStart(name);
        g.writeStringField("verdict", x.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        spread(g, "ratio", x.ratio(), 1);
        g.writeNumberField("sign_test_p", x.p());
        g.writeEndObject();
    }
}
