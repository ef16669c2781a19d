package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Finding;
import io.memproxy.doctor.Inspection;
import io.memproxy.doctor.Severity;
import io.memproxy.install.Installer;
import io.memproxy.install.PreloadPlan;
import io.memproxy.install.Step;
import io.memproxy.loader.Root;
import io.memproxy.report.ProblemLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {
            "Put libmemproxy.so and an allocator first in /etc/ld.so.preload,",
            "machine-wide. The proposed chain goes through the pre-install check",
            "first. The file is replaced atomically (temporary file, fsync, rename,",
            "fsync of /etc) after a backup; unrelated entries are kept after",
            "memproxy's; a commented default /etc/memproxy.conf is installed if",
            "there is none. Running it again changes nothing."
        },
        footer = "%nExamples:%n"
                + "  memproxy install --dry-run%n"
                + "  memproxy install --allocator tcmalloc%n"
                + "  memproxy install --root /srv/image --allocator /opt/lib/libjemalloc.so.2%n"
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

    @Option(names = "--allocator", paramLabel = "NAME|PATH",
            description = "jemalloc, tcmalloc, mimalloc, or a library path (default: the first of these installed).")
    String allocator;

    @Option(names = "--shim", paramLabel = "PATH", description = "The shim (default: the first of /usr/local/lib/libmemproxy.so, /usr/lib/...).")
    String shim;

    @Mixin
    PreloadFileOptions target;

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
        PrintWriter out = spec.commandLine().getOut();
        Root r = target.system();
        Installer installer = new Installer(r, Step.Hook.NONE);
        String s;
        String a;
        try {
            s = installer.shim(Optional.ofNullable(shim).map(this::onThisMachine));
            a = installer.allocator(Optional.ofNullable(allocator).map(n -> n.contains("/") ? onThisMachine(n) : n));
        } catch (Installer.Refusal e) {
            throw new MemproxyException(ExitCodes.PROBLEM, e.getMessage());
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
                Inspection.DEFAULT_CONFIG, List.of(), result.inspection().inputs().searchPath()));
        Optional<String> breaks = Installer.breaksEveryProgram(result.inspection(), today);

        Fleet.heading(out, r, plan.changes(), "unchanged");
        plan.diff().forEach(l -> out.println("  " + l));
        plan.kept().forEach(k -> out.println("kept " + k + " (not memproxy's), after memproxy's entries"));
        plan.dropped().forEach(k -> out.println("dropped " + k + " (an earlier memproxy entry)"));
        // Findings only about entries the new file drops (an earlier shim) do not count against it.
        // Nor do repeats of memproxy's own entries: the check puts them before today's file, which already
        // holds them after an earlier install, and the new file names each once.
        List<String> ours = List.of(s, a);
        List<Finding> ignored = d.findings().stream()
                .filter(f -> !f.subjects().isEmpty() && plan.dropped().containsAll(f.subjects())
                        || f.id().equals("preload.duplicate") && ours.containsAll(f.subjects())).toList();
        long errors = d.findings().stream().filter(f -> f.severity() == Severity.ERROR && !ignored.contains(f)).count()
                + d.crashedChecks();
        long warnings = d.findings().stream().filter(f -> f.severity() == Severity.WARNING && !ignored.contains(f)).count();
        if (errors > 0 || warnings > 0) {
            out.println("pre-install check (memproxy check --preload " + check.preload + "):");
            ProblemLines.write(d, out, f -> !(f.id().equals("preload.duplicate") && ignored.contains(f)));
            ignored.stream().filter(f -> !f.id().equals("preload.duplicate")).forEach(f -> out.println("(" + f.id()
                    + " is about " + String.join(" ", f.subjects()) + ", which the new file drops: not counted)"));
        }
        if (breaks.isPresent()) {
            out.flush();
            throw new MemproxyException(ExitCodes.PROBLEM, "refused, even with --force: " + breaks.get());
        }
        if (errors > 0 && !force) {
            out.flush();
            throw new MemproxyException(ExitCodes.PROBLEM, "refused: the pre-install check found " + errors
                    + " error(s) (above); fix them, or install anyway with --force");
        }
        if (errors > 0) {
            out.println("--force: installing despite " + errors + " error(s) of the pre-install check");
        }
        if (target.dryRun) {
            return Fleet.dryRun(out);
        }
        Installer.Outcome o = Fleet.write(() -> installer.install(plan, Installer.defaultConfig()), out);
        if (o.configInstalled()) {
            out.println("installed the default " + Installer.CONFIG + " (nothing excluded yet; see memproxy scan --suggest-config)");
        }
        out.println(o.preloadWritten() ? "installed: programs started from now on load " + s + " and " + a
                : "already installed: nothing changed");
        out.println("running processes keep what they have; memproxy ps shows them");
        Fleet.recovery(out);
        out.flush();
        return ExitCodes.OK;
    }
}
