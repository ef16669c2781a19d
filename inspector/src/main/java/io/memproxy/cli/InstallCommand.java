package io.memproxy.cli;

import io.memproxy.config.ConfigFile;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Inspection;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.install.Installer;
import io.memproxy.install.PreloadPlan;
import io.memproxy.install.Step;
import io.memproxy.loader.Root;
import io.memproxy.output.PreloadChangeJson;
import io.memproxy.output.PreloadChangeText;
import io.memproxy.output.ProblemLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "install",
        header = "Put libmemproxy.so and an allocator in /etc/ld.so.preload.", mixinStandardHelpOptions = true,
        description = {
            "Put libmemproxy.so and an allocator first in /etc/ld.so.preload,",
            "machine-wide. The proposed chain goes through the pre-install check",
            "first. The file is replaced atomically (temporary file, fsync, rename,",
            "fsync of /etc) after a backup; unrelated entries are kept after",
            "memproxy's; a commented default /etc/memproxy.conf is installed if",
            "there is none. Running it again changes nothing. With 64-bit and",
            "32-bit programs on the machine and both classes' shim and allocator",
            "installed, it writes one line for both with $LIB",
            "(/usr/local/$LIB/libmemproxy.so /usr/$LIB/libjemalloc.so.2); a chain",
            "that would make every process of a class print a loader error is",
            "refused."
        },
        footer = "%nExamples:%n"
                + "  memproxy install --dry-run%n"
                + "  memproxy install --allocator tcmalloc%n"
                + "  memproxy install --root /srv/image --allocator /opt/lib/libjemalloc.so.2%n"
                + "  memproxy install --unit nginx.service --dry-run%n"
                + "  memproxy install --unit nginx.service --allocator tcmalloc --now%n"
                + "%nExit codes:%n"
                + "  0  installed, or already installed (--dry-run: it would install)%n"
                + "  1  refused: errors of the pre-install check (--force overrides,%n"
                + "     except for a chain that would stop programs from starting),%n"
                + "     or no shim or allocator found%n"
                + "  2  usage error%n"
                + "  3  could not write (read-only or full file system, permissions);%n"
                + "     the old file is unchanged%n")
public final class InstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The allocator names, for completion: one home, AllocatorProfile. */
    static final class AllocatorNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        AllocatorNames() {
            super(io.memproxy.config.AllocatorProfile.ALL.stream().map(io.memproxy.config.AllocatorProfile::name).toList());
        }
    }

    @Option(names = "--allocator", paramLabel = "NAME|PATH", completionCandidates = AllocatorNames.class,
            description = "jemalloc, tcmalloc, mimalloc, or a library path (default: the first of these installed).")
    String allocator;

    @Option(names = "--shim", paramLabel = "PATH", description = "The shim (default: the first of /usr/local/lib/libmemproxy.so, /usr/lib/...).")
    String shim;

    @Mixin
    PreloadFileOptions target;

    @Mixin
    OutputOptions output;

    @Option(names = "--unit", paramLabel = "NAME.service",
            description = "Activate for one systemd service instead of the whole machine: a drop-in"
                    + " /etc/systemd/system/NAME.service.d/memproxy.conf sets its LD_PRELOAD, after the check of the service's own program"
                    + " under its own environment. /etc/ld.so.preload is not touched.")
    String unit;

    @Option(names = "--now", description = "With --unit: run systemctl daemon-reload and try-restart the service (systemd must be running; not with --root).")
    boolean now;

    @Option(names = "--force", description = "Install despite errors of the pre-install check, unless the loader emulation proves that programs would no longer start.")
    boolean force;

    /**
     * A path as the preload file must name it: absolute. Without --root the examined system is this one, so a
     * relative path is the file here; under --root it could only be a guess, and the installer refuses it.
     */
    private String onThisMachine(String path) {
        return target.root == null && !path.startsWith("/") ? Path.of(path).toAbsolutePath().normalize().toString() : path;
    }

    @Override
    public Integer call() throws IOException {
        boolean json = output.format() == Format.json;
        // In JSON, one document is printed at the end (PreloadChangeJson).
        PrintWriter out = output.text(spec);
        PrintWriter doc = spec.commandLine().getOut();
        Root r = target.system();
        Installer installer = new Installer(r, Step.Hook.NONE);
        String s;
        String a;
        try {
            // Both classes' shim and allocator installed: one line with $LIB serves 64-bit and 32-bit processes.
            Optional<List<String>> everyClass = shim != null || (allocator != null && allocator.contains("/")) ? Optional.empty()
                    : installer.everyClassChain(Optional.ofNullable(allocator));
            s = everyClass.isPresent() ? everyClass.get().get(0) : installer.shim(Optional.ofNullable(shim).map(this::onThisMachine));
            a = everyClass.isPresent() ? everyClass.get().get(1)
                    : installer.allocator(Optional.ofNullable(allocator).map(n -> n.contains("/") ? onThisMachine(n) : n));
        } catch (Installer.Refusal e) {
            throw new MemproxyException(ExitCodes.PROBLEM, e.getMessage());
        }
        if (unit != null) {
            // --unit reports in text only.
            return UnitInstall.install(spec.commandLine().getOut(), r, unit, s, a, force, target.dryRun, now);
        }
        if (now) {
            throw new MemproxyException(ExitCodes.USAGE, "--now goes with --unit");
        }
        PreloadPlan plan = installer.planInstall(s, a);

        // ld.so reads LD_PRELOAD before the file: the memproxy entries given as LD_PRELOAD, with today's
        // file after them, are the objects and order of the new file (repeats are loaded once).
        DoctorInputs check = new DoctorInputs();
        check.preload = s + ":" + a;
        check.root = target.root;
        DoctorRun.Result result = DoctorRun.run(check);
        Diagnosis d = result.diagnosis();
        Inspection today = new Inspection(new Inspection.Inputs(r.dir(), Optional.of(""), Optional.empty(),
                ConfigFile.DEFAULT_PATH, List.of(), result.inspection().inputs().searchPath()));
        Optional<String> breaks = Installer.breaksEveryProgram(Inspection.DEFAULT_TARGET,
                result.inspection().linkMap(Inspection.DEFAULT_TARGET), today.linkMap(Inspection.DEFAULT_TARGET));

        PreloadChangeText.installPlan(out, r, plan);
        // Findings only about entries the new file drops (an earlier shim) do not count against it.
        // Nor do repeats of memproxy's own entries: the check puts them before today's file, which already
        // holds them after an earlier install, and the new file names each once.
        List<String> ours = List.of(s, a);
        List<Finding> ignored = d.findings().stream()
                .filter(f -> !f.subjects().isEmpty() && plan.dropped().containsAll(f.subjects())
                        || f.id().equals("preload.duplicate") && ours.containsAll(f.subjects())).toList();
        // A class with programs whose every process would print a loader error refuses the install too.
        List<Finding> otherClass = d.findings().stream().filter(f -> f.id().equals("class.uncovered") || f.id().equals("class.lib-missing"))
                .filter(f -> f.severity() == Severity.WARNING).toList();
        long errors = d.findings().stream().filter(f -> f.severity() == Severity.ERROR && !ignored.contains(f)).count()
                + d.crashedChecks() + otherClass.size();
        long warnings = d.findings().stream().filter(f -> f.severity() == Severity.WARNING && !ignored.contains(f)).count();
        if (errors > 0 || warnings > 0) {
            out.println("pre-install check (memproxy check --preload " + check.preload + "):");
            ProblemLines.write(d, out, f -> !(f.id().equals("preload.duplicate") && ignored.contains(f)));
            ignored.stream().filter(f -> !f.id().equals("preload.duplicate")).forEach(f -> out.println("(" + f.id()
                    + " is about " + String.join(" ", f.subjects()) + ", which the new file drops: not counted)"));
        }
        Optional<String> refusal = breaks.map(b -> "refused, even with --force: " + b);
        // A class whose every process would print ld.so's error is named first: it is the reason to fix.
        if (refusal.isEmpty() && !otherClass.isEmpty() && !force) {
            refusal = Optional.of("refused: " + otherClass.get(0).message() + "; " + otherClass.get(0).fix()
                    + "; or install anyway with --force");
        }
        if (refusal.isEmpty() && errors > 0 && !force) {
            refusal = Optional.of("refused: the pre-install check found " + errors
                    + " error(s) (" + (json ? "in check" : "above") + "); fix them, or install anyway with --force");
        }
        if (refusal.isPresent()) {
            out.flush();
            if (json) {
                PreloadChangeJson.write(doc, r, plan, plan.changes(), Optional.of(d), "refused", Optional.empty(), refusal);
            }
            throw new MemproxyException(ExitCodes.PROBLEM, refusal.get());
        }
        if (errors > 0) {
            out.println("--force: installing despite " + errors + " error(s) of the pre-install check");
        }
        if (target.dryRun) {
            if (json) {
                PreloadChangeJson.write(doc, r, plan, plan.changes(), Optional.of(d), plan.changes() ? "would-install" : "already-installed",
                        Optional.empty(), Optional.empty());
            }
            return Fleet.dryRun(out);
        }
        // The list goes where the installed shim reads it (its compiled-in path), which the check has read.
        String configPath = result.inspection().configSource().path();
        Installer.Outcome o = Fleet.write(() -> installer.install(plan, configPath, Installer.defaultConfig()), out);
        if (json) {
            PreloadChangeJson.write(doc, r, plan, plan.changes(), Optional.of(d), o.preloadWritten() ? "installed" : "already-installed",
                    Optional.of(o), Optional.empty());
        }
        PreloadChangeText.installed(out, o, configPath, s, a);
        PreloadChangeText.recovery(out);
        out.flush();
        return ExitCodes.OK;
    }
}
