package io.memproxy.cli;

import io.memproxy.config.AllocatorLibrary;
import io.memproxy.doctor.Doctor;
import io.memproxy.install.Installer;
import io.memproxy.output.TrialChart;
import io.memproxy.output.Marks;
import io.memproxy.output.TrialReports;
import io.memproxy.trial.Analysis;
import io.memproxy.trial.Runner;
import io.memproxy.trial.StartCost;
import io.memproxy.trial.Target;
import io.memproxy.trial.Trial;
import io.memproxy.trial.TrialException;
import io.memproxy.trial.TrialResult;
import io.memproxy.trial.TrialRoute;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "trial",
        header = "Measure what each route costs and changes for a command.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a command of yours repeatedly under each route and compare: glibc",
            "without any preload, glibc through the shim (the program on a temporary",
            "exclusion list), and each installed allocator (jemalloc, tcmalloc,",
            "mimalloc) through the shim. Each run is measured from the kernel's",
            "accounting of the finished command: wall and CPU time, peak RSS, page",
            "faults, context switches, how it ended. Runs are interleaved across the",
            "routes after warm-up runs; medians, min-max and the run-by-run ratio",
            "against glibc are shown, and a difference is claimed only outside the",
            "noise. A route whose exit status, stdout or loader/allocator messages",
            "differ from glibc's is a finding (trial.behaviour-differs). Ends with",
            "advice: the line for /etc/memproxy.conf or the @allocator to choose.",
            "Nothing in /etc is read or changed: the routes use LD_PRELOAD and",
            "MEMPROXY_CONF. The command's stdin is /dev/null. Ctrl-C stops the run",
            "in progress and prints what was measured so far."
        },
        footer = "%nExamples:%n"
                + "  memproxy trial -- python3 -c 'print(len([str(i) for i in range(10**6)]))'%n"
                + "  memproxy trial --runs 20 --allocator jemalloc --chart trial.svg -- ./build.sh%n"
                + "  memproxy trial --format markdown --ignore-output -- sort -R words.txt%n"
                + "%nA command that forks is measured with the children it waits for (peak%n"
                + "RSS is the largest one process's, not a sum); the programs it starts%n"
                + "with exec decide their route anew, by their own names. For a #! script%n"
                + "the shim sees the interpreter, which the output names.%n"
                + "%nExit codes:%n"
                + "  0  every route behaves as glibc does%n"
                + "  1  a route behaves differently (trial.behaviour-differs) or runs timed out%n"
                + "  2  usage error%n"
                + "  3  the trial could not run: the command does not exist, is not%n"
                + "     executable or is static; no shim, allocator or memproxy-run; a%n"
                + "     route the shim did not take; the chart could not be written%n"
                + "  130  interrupted (Ctrl-C); the partial results were printed%n")
public final class TrialCommand implements Callable<Integer> {

    /** The exit status of a trial stopped by Ctrl-C, as a shell reports a command killed by SIGINT. */
    static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", paramLabel = "N", description = "Counted runs per route (default: ${DEFAULT-VALUE}).")
    int runs = 10;

    @Option(names = "--warmup", paramLabel = "N", description = "Uncounted runs per route first (default: ${DEFAULT-VALUE});"
            + " the first also checks, with MEMPROXY_DEBUG=1, that the shim takes the route claimed. 0 skips both.")
    int warmup = 1;

    @Option(names = "--allocator", paramLabel = "NAME|PATH", description = "An allocator route to run (repeatable):"
            + " jemalloc, tcmalloc, mimalloc or a library path (default: every one installed).")
    List<String> allocators = new ArrayList<>();

    @Option(names = "--shim", paramLabel = "PATH", description = "The shim (default: this build's, else the installed one).")
    String shim;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Kill a run after this long and report it (default:"
            + " ${DEFAULT-VALUE}; 0 for none).")
    double timeout = 300;

    @Option(names = "--sample-rss", paramLabel = "MS", description = "Also sample the command's RSS from /proc/PID/status every"
            + " MS milliseconds (in the JSON output).")
    long sampleMillis;

    @Option(names = "--ignore-output", description = "Do not compare stdout with glibc's (for commands whose output varies).")
    boolean ignoreOutput;

    @Option(names = "--startup-runs", paramLabel = "N", description = "Probe starts of each kind for the start-up column, the"
            + " chain's cost per program start (default: ${DEFAULT-VALUE}; 0 skips it).")
    int startupRuns = StartCost.DEFAULT_RUNS;

    @Mixin
    TrialFormat output;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also draw time and peak RSS per route, with min-max bars, as SVG.")
    Path chart;

    @Option(names = "--no-progress", description = "No progress line on stderr (it shows only on a terminal anyway).")
    boolean noProgress;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments, after --.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || timeout < 0 || sampleMillis < 0 || startupRuns < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--runs must be at least 1; --warmup, --timeout, --sample-rss and --startup-runs at least 0");
        }
        if (chart != null) {
            // Before the runs, not after minutes of them.
            Path dir = chart.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, chart + ": cannot write the chart: no directory " + dir);
            }
            if (!Files.isWritable(dir) || Files.isDirectory(chart) || (Files.exists(chart) && !Files.isWritable(chart))) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, chart + ": cannot write the chart: permission denied or a directory");
            }
        }
        Path runnerProgram = Runner.installed();
        Optional<String> noRunner = Runner.unusable(runnerProgram);
        if (noRunner.isPresent()) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, noRunner.get());
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        Target target;
        List<TrialRoute> routes;
        try {
            target = Target.resolve(command, path);
            routes = routes(target);
        } catch (TrialException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
        }
        Path probe = Doctor.probeProgram();
        Path work = Files.createTempDirectory("memproxy-trial");
        Trial trial = new Trial(new Trial.Plan(runs, warmup, Math.round(timeout * 1000), sampleMillis, ignoreOutput,
                Files.isExecutable(probe) ? startupRuns : 0), new Runner(runnerProgram, work), work, Optional.of(probe));
        CountDownLatch reported = new CountDownLatch(1);
        // Ctrl-C or a TERM: stop the run in progress, then let this thread print what was measured before the JVM ends.
        Thread hook = new Thread(() -> {
            trial.stop();
            try {
                reported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trial-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        TrialProgress bar = !noProgress && TerminalProgress.wanted() ? new TrialProgress(1) : null;
        try {
            TrialResult result;
            try {
                result = trial.run(target, routes, environment(), bar != null ? bar : (r, p, i, o, d, t) -> { });
            } catch (TrialException e) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
            } catch (IOException e) {
                // The command could not be started (a missing interpreter, exec refused) or memproxy-run failed.
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
            Analysis.Report report = Analysis.of(result);
            if (result.rounds() == 0 && result.interrupted()) {
                spec.commandLine().getErr().println("memproxy: trial interrupted before a round was complete: nothing to report");
                return INTERRUPTED;
            }
            render(report);
            if (chart != null) {
                writeChart(report);
            }
            if (result.interrupted()) {
                return INTERRUPTED;
            }
            return report.findings().isEmpty() ? ExitCodes.OK : ExitCodes.PROBLEM;
        } finally {
            delete(work);
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (Ctrl-C): the hook is running and ends now.
            }
        }
    }

    private void render(Analysis.Report report) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        switch (output.format()) {
            case text -> {
                Terminal terminal = ((MemproxyCommand) spec.parent().userObject()).terminal();
                TrialReports.text(report, terminal.colorWanted(output.noColor), Marks.of(terminal.unicode()), out);
            }
            case json -> TrialReports.json(report, Version.get(), out);
            case markdown -> TrialReports.markdown(report, out);
            default -> throw new IllegalStateException("trial offers no " + output.format());
        }
    }

    private void writeChart(Analysis.Report report) {
        try {
            Files.writeString(chart, TrialChart.svg(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, chart + ": cannot write the chart: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Where this machine's shim and allocators are installed, as memproxy install looks for them. */
    private static Installer hostInstaller() {
        return new Installer(io.memproxy.loader.Root.host(), io.memproxy.install.Step.Hook.NONE);
    }

    /** glibc; the system route; each allocator route. */
    private List<TrialRoute> routes(Target target) throws TrialException {
        String shimPath = shim().orElseThrow(() -> new TrialException("libmemproxy.so not found (built: shim/build/, installed: "
                + String.join(", ", hostInstaller().shimLocations()) + "); build it with make or name it with --shim PATH"));
        Map<String, String> chosen = new java.util.LinkedHashMap<>();
        if (allocators.isEmpty()) {
            for (List<String> a : Installer.ALLOCATORS) {
                hostInstaller().allocatorPaths(a).stream().filter(l -> Files.isRegularFile(Path.of(l))).findFirst().ifPresent(l -> chosen.put(a.get(0), l));
            }
            if (chosen.isEmpty()) {
                throw new TrialException("no allocator is installed (jemalloc, tcmalloc, mimalloc): apt install libjemalloc2,"
                        + " or name one with --allocator PATH");
            }
        }
        for (String a : allocators) {
            if (a.contains("/")) {
                if (!Files.isRegularFile(Path.of(a))) {
                    throw new TrialException(a + ": no such file (--allocator)");
                }
                String name = AllocatorLibrary.of(a).filter(n -> io.memproxy.config.AllocatorProfile.named(n).isPresent())
                        .orElseThrow(() -> new TrialException(a + ": not a library of a supported allocator (jemalloc, tcmalloc,"
                                + " mimalloc) by its name (--allocator)"));
                chosen.put(name, Path.of(a).toAbsolutePath().toString());
                continue;
            }
            List<String> known = Installer.ALLOCATORS.stream().filter(x -> x.get(0).equals(a)).findFirst()
                    .orElseThrow(() -> new TrialException(a + ": not a supported allocator (jemalloc, tcmalloc, mimalloc) nor a path"
                            + " (--allocator)"));
            List<String> paths = hostInstaller().allocatorPaths(known);
            String lib = paths.stream().filter(l -> Files.isRegularFile(Path.of(l))).findFirst()
                    .orElseThrow(() -> new TrialException(a + " is not installed (looked for " + String.join(", ", paths) + ")"));
            chosen.put(a, lib);
        }
        List<TrialRoute> out = new ArrayList<>(List.of(TrialRoute.glibc()));
        Map.Entry<String, String> first = chosen.entrySet().iterator().next();
        out.add(TrialRoute.system(shimPath, first.getKey(), first.getValue(), List.of(target.excludedName())));
        chosen.forEach((name, lib) -> out.add(TrialRoute.allocator(shimPath, name, lib)));
        return out;
    }

    /** --shim, else the shim of the build this jar belongs to, else the one installed beside it, else one in the usual places. */
    private Optional<String> shim() throws TrialException {
        if (shim != null) {
            Path p = Path.of(shim).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new TrialException(shim + ": no such file (--shim)");
            }
            return Optional.of(p.toString());
        }
        Path runner = Runner.installed().toAbsolutePath();
        for (Path dir = runner.getParent(); dir != null; dir = dir.getParent()) {
            Path built = dir.resolve("shim/build/libmemproxy.so");
            if (Files.isRegularFile(built) && Files.isDirectory(dir.resolve("inspector"))) {
                return Optional.of(built.toString());
            }
        }
        // make install: PREFIX/share/memproxy/memproxy-run and PREFIX/lib/libmemproxy.so.
        Path prefix = runner.getParent() == null || runner.getParent().getParent() == null ? null : runner.getParent().getParent().getParent();
        if (prefix != null && Files.isRegularFile(prefix.resolve("lib/libmemproxy.so"))) {
            return Optional.of(prefix.resolve("lib/libmemproxy.so").toString());
        }
        return hostInstaller().shimLocations().stream().filter(s -> Files.isRegularFile(Path.of(s))).findFirst();
    }

    /** This process's environment without the variables the routes set. */
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.equals("LD_PRELOAD") || k.startsWith("MEMPROXY_"));
        return env;
    }

    private static void delete(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: it is under the temporary directory.
        }
    }
}
