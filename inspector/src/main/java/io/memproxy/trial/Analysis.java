package io.memproxy.trial;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * What a trial's runs say: per route the medians with their spread, the paired ratios against glibc and the
 * verdicts drawn from them, whether the command behaved as under glibc, and the advice that follows.
 */
public final class Analysis {
    /**
     * stderr lines that come from the loader, an allocator, the shim or glibc's heap checks rather than the
     * program: one that glibc's runs never printed is a behaviour difference.
     */
    static final Pattern DIAGNOSTIC = Pattern.compile("(?i).*(ld\\.so|error while loading shared libraries|cannot be preloaded"
            + "|<jemalloc>|jemalloc|tcmalloc|mimalloc|memproxy|malloc\\(\\)|free\\(\\)|realloc\\(\\)|double free|corrupted"
            + "|segmentation fault|aborted|core dumped).*");

    private Analysis() {}

    /** One route, summarised. */
    public record RouteReport(TrialRoute route, String check, int runs, Spread wallMillis, Spread cpuMillis, Spread maxRssKb,
            Spread minorFaults, Spread majorFaults, Spread voluntarySwitches, Spread involuntarySwitches, Spread sampledPeakRssKb,
            Map<String, Integer> endings, Optional<Verdict> time, Optional<Verdict> cpu, Optional<Verdict> memory,
            Optional<StartCost> startup, List<String> differences, List<Measurement> counted) {}

    /** The whole trial, summarised. */
    public record Report(TrialResult result, List<RouteReport> routes, List<Finding> findings, List<String> advice,
            Optional<String> configLine, List<String> notes) {
        public boolean behaviourDiffers() {
            return findings.stream().anyMatch(f -> f.id().equals("trial.behaviour-differs"));
        }
    }

    public static Report of(TrialResult r) {
        RouteRuns glibc = r.routes().stream().filter(x -> x.route().isGlibc()).findFirst().orElseThrow();
        List<String> notes = new ArrayList<>();
        Reference ref = new Reference(glibc, r.plan().ignoreOutput());
        if (!r.plan().ignoreOutput() && ref.hashes.size() > 1) {
            notes.add("stdout differs between glibc's own runs, so it is not compared (give --ignore-output to say so)");
        }
        if (ref.endings.size() > 1) {
            notes.add("the exit status differs between glibc's own runs (" + String.join(", ", ref.endings) + "), so it is not compared");
        }
        List<RouteReport> reports = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (RouteRuns rr : r.routes()) {
            List<Measurement> c = rr.counted();
            boolean compared = !rr.route().isGlibc();
            List<String> diffs = compared ? differences(rr, ref, r.plan().ignoreOutput()) : List.of();
            RouteReport rep = new RouteReport(rr.route(), rr.check(), c.size(), spread(c, Measurement::wallMillis),
                    spread(c, Measurement::cpuMillis), spread(c, m -> m.maxRssKb()), spread(c, m -> m.minorFaults()),
                    spread(c, m -> m.majorFaults()), spread(c, m -> m.voluntarySwitches()), spread(c, m -> m.involuntarySwitches()),
                    r.plan().sampleMillis() > 0 ? spread(c, m -> m.sampledPeakRssKb()) : Spread.of(List.of()), endings(c),
                    compared ? Optional.of(verdict(c, glibc.counted(), Measurement::wallMillis)) : Optional.empty(),
                    compared ? Optional.of(verdict(c, glibc.counted(), Measurement::cpuMillis)) : Optional.empty(),
                    compared ? Optional.of(verdict(c, glibc.counted(), m -> m.maxRssKb())) : Optional.empty(),
                    rr.startup(), diffs, c);
            reports.add(rep);
            if (!diffs.isEmpty()) {
                findings.add(new Finding("trial.behaviour-differs", Severity.ERROR, List.of(rr.route().name(), r.target().path()),
                        "on the " + rr.route().name() + " route (" + rr.route().description() + ") " + r.target().path()
                                + " does not behave as under glibc: "
                                + String.join("; ", diffs),
                        rr.route().isAllocator() ? "do not route this program to " + rr.route().allocator()
                                + ": add " + lines(r.programs()) + " to /etc/memproxy.conf, or choose another allocator"
                                : "the chain changes the program although it stays on glibc: the allocator's library is still loaded and"
                                        + " initialised in it; act on the message, or keep the program out of the chain itself"
                                        + " (an exclusion line cannot)"));
            }
            long timeouts = c.stream().filter(Measurement::timedOut).count() + rr.warmups().stream().filter(Measurement::timedOut).count();
            if (timeouts > 0 && diffs.stream().noneMatch(d -> d.contains("timed out"))) {
                findings.add(new Finding("trial.timed-out", Severity.WARNING, List.of(rr.route().name(), r.target().path()),
                        timeouts + " run(s) of the " + rr.route().name() + " route were killed at the --timeout of "
                                + r.plan().timeoutMillis() / 1000.0 + " s; their times are the timeout, not the command's",
                        "give a longer --timeout, or a shorter workload"));
            }
        }
        List<String> advice = new ArrayList<>();
        Optional<String> line = advise(r, reports, advice);
        if (r.interrupted()) {
            notes.add("interrupted after " + r.rounds() + " of " + r.plan().runs() + " rounds: partial results");
        }
        return new Report(r, reports, findings, advice, line, notes);
    }

    /** How glibc's runs ended and what they printed: the behaviour the other routes are held to. */
    private static final class Reference {
        final Set<String> endings = new LinkedHashSet<>();
        final Set<String> hashes = new LinkedHashSet<>();
        final Set<String> stderr = new LinkedHashSet<>();
        final String head;

        Reference(RouteRuns glibc, boolean ignoreOutput) {
            List<Measurement> all = new ArrayList<>(glibc.warmups());
            all.addAll(glibc.counted());
            for (Measurement m : all) {
                endings.add(m.ending());
                hashes.add(m.stdoutSha256());
                stderr.addAll(m.stderrLines());
            }
            head = all.isEmpty() ? "" : all.get(0).stdoutHead();
        }
    }

    private static List<String> differences(RouteRuns rr, Reference ref, boolean ignoreOutput) {
        List<Measurement> all = new ArrayList<>(rr.warmups());
        all.addAll(rr.counted());
        List<String> out = new ArrayList<>();
        if (ref.endings.size() == 1) {
            String expected = ref.endings.iterator().next();
            Map<String, Integer> other = new LinkedHashMap<>();
            all.stream().filter(m -> !m.ending().equals(expected)).forEach(m -> other.merge(m.ending(), 1, Integer::sum));
            other.forEach((ending, n) -> out.add(ending + " in " + n + " of " + all.size() + " runs (glibc: " + expected + ")"));
        }
        if (!ignoreOutput && ref.hashes.size() == 1) {
            String expected = ref.hashes.iterator().next();
            List<Measurement> differ = all.stream().filter(m -> !m.timedOut() && m.signal() == 0 && !m.stdoutSha256().equals(expected)).toList();
            if (!differ.isEmpty()) {
                out.add("stdout differs in " + differ.size() + " of " + all.size() + " runs (" + firstDifference(ref.head,
                        differ.get(0).stdoutHead()) + ")");
            }
        }
        Set<String> fresh = new LinkedHashSet<>();
        for (Measurement m : all) {
            for (String l : m.stderrLines()) {
                if (!ref.stderr.contains(l) && DIAGNOSTIC.matcher(l).matches()) {
                    fresh.add(l);
                }
            }
        }
        if (!fresh.isEmpty()) {
            out.add("new stderr line" + (fresh.size() == 1 ? "" : "s") + " " + String.join(" | ", fresh.stream().limit(3).toList())
                    + (fresh.size() > 3 ? " (and " + (fresh.size() - 3) + " more)" : ""));
        }
        return out;
    }

    /** "line 3: glibc printed 'x', this route 'y'", from the heads kept of both outputs. */
    static String firstDifference(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(end of output)";
            String y = i < b.length ? b[i] : "(end of output)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": glibc printed '" + shorten(x) + "', this route '" + shorten(y) + "'";
            }
        }
        return "beyond the first " + Runner.STDOUT_HEAD + " bytes";
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static Spread spread(List<Measurement> runs, ToDoubleFunction<Measurement> f) {
        return Spread.of(runs.stream().map(m -> f.applyAsDouble(m)).toList());
    }

    private static Map<String, Integer> endings(List<Measurement> runs) {
        Map<String, Integer> out = new LinkedHashMap<>();
        runs.forEach(m -> out.merge(m.ending(), 1, Integer::sum));
        return out;
    }

    /** Paired by round; a run that timed out or crashed on either side is left out of the pair. */
    private static Verdict verdict(List<Measurement> route, List<Measurement> glibc, ToDoubleFunction<Measurement> f) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < Math.min(route.size(), glibc.size()); i++) {
            boolean ok = usable(route.get(i)) && usable(glibc.get(i));
            a.add(ok ? f.applyAsDouble(route.get(i)) : Double.NaN);
            b.add(ok ? f.applyAsDouble(glibc.get(i)) : Double.NaN);
        }
        return Verdict.of(a, b);
    }

    private static boolean usable(Measurement m) {
        return !m.timedOut() && m.signal() == 0;
    }

    /**
     * The advice, from measured differences outside the noise only. Returns the memproxy.conf line to add: the
     * program's name to keep it on glibc, or "@allocator NAME".
     */
    private static Optional<String> advise(TrialResult r, List<RouteReport> reports, List<String> advice) {
        List<RouteReport> allocators = reports.stream().filter(x -> x.route().isAllocator()).toList();
        if (allocators.isEmpty() || allocators.stream().allMatch(a -> a.runs() == 0)) {
            advice.add("no allocator route was measured: nothing to advise");
            return Optional.empty();
        }
        List<RouteReport> safe = new ArrayList<>();
        for (RouteReport a : allocators) {
            if (!a.differences().isEmpty()) {
                advice.add("do not route it to " + a.route().allocator() + ": it behaves differently (" + a.differences().get(0) + ")");
            } else {
                safe.add(a);
            }
        }
        List<RouteReport> better = new ArrayList<>();
        List<RouteReport> tradeOff = new ArrayList<>();
        List<RouteReport> worse = new ArrayList<>();
        for (RouteReport a : safe) {
            boolean gain = lower(a.time()) || lower(a.memory());
            boolean loss = higher(a.time()) || higher(a.memory());
            (gain && loss ? tradeOff : gain ? better : loss ? worse : new ArrayList<RouteReport>()).add(a);
        }
        java.util.Comparator<RouteReport> fastest = java.util.Comparator.comparingDouble(a -> a.time().get().ratio().median());
        if (!better.isEmpty()) {
            RouteReport best = better.stream().min(fastest).get();
            advice.add(best.route().allocator() + " is better for it: " + best.time().get().describe("faster", "slower") + ", "
                    + best.memory().get().describe("less memory", "more memory") + "; to choose it, put '@allocator "
                    + best.route().allocator() + "' in /etc/memproxy.conf (it applies to every proxied program)");
            return Optional.of("@allocator " + best.route().allocator());
        }
        if (!tradeOff.isEmpty()) {
            RouteReport t = tradeOff.stream().min(fastest).get();
            advice.add(t.route().allocator() + " trades one for the other: " + t.time().get().describe("faster", "slower") + ", "
                    + t.memory().get().describe("less memory", "more memory") + "; choose by what this program needs:"
                    + " '@allocator " + t.route().allocator() + "' in /etc/memproxy.conf, or " + lines(r.programs()) + " to keep it on glibc");
            return Optional.empty();
        }
        if (!worse.isEmpty() && worse.size() == safe.size() || safe.isEmpty()) {
            advice.add((safe.isEmpty() ? "no allocator keeps its behaviour"
                    : safe.size() < allocators.size() ? "the allocators that keep its behaviour (" + String.join(", ",
                            safe.stream().map(a -> a.route().allocator()).toList()) + ") do worse than glibc"
                    : "every allocator measured does worse than glibc")
                    + ": keep it on glibc with " + lines(r.programs()) + " in /etc/memproxy.conf");
            return Optional.of(String.join("\n", r.programs()));
        }
        advice.add("no difference outside the noise" + (worse.isEmpty() ? "" : " for " + String.join(", ",
                safe.stream().filter(a -> !worse.contains(a)).map(a -> a.route().allocator()).toList()))
                + ": proxying neither helps nor hurts it measurably; nothing to change"
                + (worse.isEmpty() ? "" : " (but not " + String.join(", ", worse.stream().map(a -> a.route().allocator()).toList()) + ")"));
        return Optional.empty();
    }

    /** "the line 'python3.11'", "the lines 'bash' and 'python3.11'": each program decides by its own name. */
    static String lines(List<String> programs) {
        return (programs.size() == 1 ? "the line '" : "the lines '") + String.join("' and '", programs) + "'";
    }

    private static boolean lower(Optional<Verdict> v) {
        return v.isPresent() && v.get().outcome() == Verdict.Outcome.LOWER;
    }

    private static boolean higher(Optional<Verdict> v) {
        return v.isPresent() && v.get().outcome() == Verdict.Outcome.HIGHER;
    }
}
