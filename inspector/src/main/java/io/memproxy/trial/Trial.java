package io.memproxy.trial;

import io.memproxy.shimmodel.DebugLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a command under each route: the route check (one warm-up run with MEMPROXY_DEBUG=1, which must show
 * the route the trial claims), the other warm-up runs, then the counted runs in rounds (glibc, system,
 * jemalloc, … glibc, system, jemalloc, …) so that a machine getting busier affects every route alike, then
 * each chain's start-up cost. {@link #stop()} ends it early; what ran so far is kept.
 */
public final class Trial {
    /**
     * @param runs          counted runs per route
     * @param warmup        uncounted runs per route before them (the first is the route check)
     * @param timeoutMillis per run, 0 for none
     * @param sampleMillis  RSS sampling interval, 0 for none
     * @param ignoreOutput  do not compare stdout
     * @param startupRuns   probe starts of each kind for the start-up column, 0 to skip it
     */
    public record Plan(int runs, int warmup, long timeoutMillis, long sampleMillis, boolean ignoreOutput, int startupRuns) {}

    /** Told before every run: which route, which phase ("warm-up", "run", "start-up"), how far the whole trial is. */
    public interface Progress {
        void update(String route, String phase, int index, int of, long done, long total);
    }

    private final Plan plan;
    private final Runner runner;
    private final Path workDir;
    private final Optional<Path> probe;
    private volatile boolean stopped;

    /**
     * @param workDir a private temporary directory for the routes' exclusion lists and run results; the caller deletes it
     * @param probe   the probe program for the start-up column
     */
    public Trial(Plan plan, Runner runner, Path workDir, Optional<Path> probe) {
        this.plan = plan;
        this.runner = runner;
        this.workDir = workDir;
        this.probe = probe;
    }

    /** Stops the trial: the run in progress is killed, none starts after it. */
    public void stop() {
        stopped = true;
        runner.stop();
    }

    /**
     * @param baseEnvironment the environment every run gets besides the route's variables (without LD_PRELOAD
     *                        and MEMPROXY_*)
     */
    public TrialResult run(Target target, List<TrialRoute> routes, Map<String, String> baseEnvironment, Progress progress)
            throws IOException, TrialException {
        List<RouteRuns> results = new ArrayList<>();
        Map<String, Map<String, String>> envs = new HashMap<>();
        for (TrialRoute r : routes) {
            results.add(new RouteRuns(r));
            envs.put(r.name(), environment(r, baseEnvironment));
        }
        long startups = probe.isPresent() && plan.startupRuns() > 0 ? routes.stream().filter(r -> !r.isGlibc()).count() : 0;
        long total = (long) routes.size() * (plan.warmup() + plan.runs()) + startups * (2L * plan.startupRuns() + 2);
        long done = 0;
        int rounds = 0;
        Set<String> programs = new LinkedHashSet<>(List.of(target.excludedName()));
        try {
            // Warm-up: the system route last, so that its exclusion list names every program the allocator routes' checks saw.
            List<RouteRuns> order = new ArrayList<>(results);
            order.sort(java.util.Comparator.comparing(rr -> rr.route().name().equals(TrialRoute.SYSTEM)));
            for (RouteRuns rr : order) {
                if (rr.route().name().equals(TrialRoute.SYSTEM) && programs.size() > 1) {
                    TrialRoute system = rr.route().withConfig(TrialRoute.exclusionList(programs));
                    envs.put(system.name(), environment(system, baseEnvironment));
                    rr.route(system);
                }
                for (int i = 0; i < plan.warmup(); i++) {
                    progress.update(rr.route().name(), "warm-up", i + 1, plan.warmup(), done++, total);
                    boolean check = i == 0 && !rr.route().isGlibc();
                    Map<String, String> env = envs.get(rr.route().name());
                    if (check) {
                        env = new HashMap<>(env);
                        env.put("MEMPROXY_DEBUG", "1");
                    }
                    Measurement m = measure(target, env);
                    if (check) {
                        m = routeCheck(target, rr, m, programs);
                    } else if (i == 0) {
                        rr.check("no shim on this route");
                    }
                    rr.addWarmup(m);
                }
            }
            for (int round = 0; round < plan.runs(); round++) {
                for (RouteRuns rr : results) {
                    progress.update(rr.route().name(), "run", round + 1, plan.runs(), done++, total);
                    rr.addCounted(measure(target, envs.get(rr.route().name())));
                }
                rounds++;
            }
            if (startups > 0) {
                Map<String, String> plain = envs.get(TrialRoute.GLIBC);
                for (RouteRuns rr : results) {
                    if (!rr.route().isGlibc()) {
                        progress.update(rr.route().name(), "start-up", 1, 1, done, total);
                        rr.startup(StartCost.measure(runner, probe.get(), plain, envs.get(rr.route().name()), plan.startupRuns()));
                        done += 2L * plan.startupRuns() + 2;
                    }
                }
            }
        } catch (InterruptedException e) {
            stopped = true;
        }
        return new TrialResult(target, plan, results, rounds, stopped, List.copyOf(programs));
    }

    /** One run; an interrupted one ends the trial without being recorded. */
    private Measurement measure(Target target, Map<String, String> env) throws IOException, InterruptedException {
        if (stopped) {
            throw new InterruptedException();
        }
        Measurement m = runner.run(target.path(), target.argv(), env, plan.timeoutMillis(), plan.sampleMillis());
        if (m.interrupted() || stopped) {
            stopped = true;
            throw new InterruptedException();
        }
        return m;
    }

    /**
     * The shim's MEMPROXY_DEBUG lines must show the route this trial claims to measure: for the command's own
     * program, or (when it only starts others) for at least one program. Every program the shim decided for
     * is recorded in {@code programs}; the lines are then removed, so that they are not taken for new stderr lines.
     */
    private static Measurement routeCheck(Target target, RouteRuns rr, Measurement m, Set<String> programs) throws TrialException {
        Map<String, String> said = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String line : m.stderrLines()) {
            Optional<DebugLine> x = DebugLine.parse(line);
            if (x.isPresent()) {
                said.putIfAbsent(x.get().exe(), x.get().words());
            } else {
                rest.add(line);
            }
        }
        TrialRoute r = rr.route();
        String expected = r.expectedRoute() + " ";
        List<String> other = new ArrayList<>();
        said.forEach((exe, words) -> {
            if (!(words + " ").startsWith(expected)) {
                other.add(exe + " " + words);
            }
        });
        if (r.isAllocator()) {
            programs.addAll(said.keySet());
        }
        String main = target.excludedName();
        if (said.isEmpty()) {
            rr.check("not confirmed: the shim printed no line (the command made no allocation, or the shim was not loaded)");
        } else if (other.size() == said.size() || (said.containsKey(main) && other.contains(main + " " + said.get(main)))) {
            String who = said.containsKey(main) ? main + " " + said.get(main) : String.join(", ", other);
            throw new TrialException("the " + r.name() + " route is not what it claims: the shim said " + who + ", not "
                    + r.expectedRoute() + "; its numbers would be another route's");
        } else {
            rr.check("the shim said " + (said.size() == 1 ? said.keySet().iterator().next() + " " + said.values().iterator().next()
                    : r.expectedRoute() + " for " + String.join(", ", said.keySet().stream().filter(e -> other.stream()
                            .noneMatch(o -> o.startsWith(e + " "))).toList()))
                    + (other.isEmpty() ? "" : "; but " + String.join(", ", other)));
        }
        return new Measurement(m.wallNanos(), m.userMicros(), m.systemMicros(), m.maxRssKb(), m.minorFaults(), m.majorFaults(),
                m.voluntarySwitches(), m.involuntarySwitches(), m.exitStatus(), m.signal(), m.timedOut(), m.interrupted(), m.samples(),
                m.sampledPeakRssKb(), m.stdoutSha256(), m.stdoutHead(), rest);
    }

    /** The route's variables on top of the base environment; the exclusion list is written to the work directory. */
    private Map<String, String> environment(TrialRoute r, Map<String, String> base) throws IOException {
        Map<String, String> env = new HashMap<>(base);
        env.keySet().removeIf(k -> k.equals("LD_PRELOAD") || k.startsWith("MEMPROXY_"));
        if (!r.isGlibc()) {
            Path conf = workDir.resolve(r.name() + ".conf");
            Files.writeString(conf, r.config(), StandardCharsets.UTF_8);
            env.put("LD_PRELOAD", r.chain().get());
            env.put("MEMPROXY_CONF", conf.toString());
        }
        return env;
    }
}
