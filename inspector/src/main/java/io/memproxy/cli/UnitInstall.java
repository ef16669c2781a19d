package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Severity;
import io.memproxy.install.UnitDropIn;
import io.memproxy.loader.Root;
import io.memproxy.output.ProblemLines;
import io.memproxy.output.UnitDropInText;
import io.memproxy.unit.Service;
import io.memproxy.unit.SystemdUnit;
import io.memproxy.unit.UnitName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * install --unit and uninstall --unit: memproxy's drop-in for one service, written only after the doctor
 * has examined the service as it will be with the drop-in in place.
 */
final class UnitInstall {
    private UnitInstall() {}

    static int install(PrintWriter out, Root root, String unitName, String shim, String allocator, boolean force,
            boolean dryRun, boolean now) {
        UnitName name = UnitRun.name(unitName);
        checkNow(root, now);
        SystemdUnit today = load(root, name, Optional.empty());
        UnitDropIn dropIn = new UnitDropIn(root, name.name());
        Optional<String> current = read(dropIn);
        if (current.isPresent() && !UnitDropIn.isOurs(current.get())) {
            throw new MemproxyException(ExitCodes.PROBLEM, dropIn.path() + " exists and was not written by memproxy; left alone."
                    + " Move it away, or set LD_PRELOAD in it yourself and check with memproxy doctor --unit " + name);
        }
        // The service's LD_PRELOAD without memproxy's drop-in: its entries stay, after the chain.
        Service before = Service.of(today, root, root);
        Set<String> entries = new LinkedHashSet<>(List.of(shim, allocator));
        before.preloadSettings().stream().filter(v -> !v.origin().startsWith(dropIn.path())).reduce((a, b) -> b)
                .ifPresent(v -> {
                    for (String e : v.value().split("[: ]+")) {
                        if (!e.isEmpty() && !e.endsWith("/libmemproxy.so")) {
                            entries.add(e);
                        }
                    }
                });
        String value = String.join(":", entries);
        String content;
        try {
            content = dropIn.content(value);
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e));
        }
        DoctorInputs check = new DoctorInputs();
        check.root = root.isHost() ? null : root.dir();
        Diagnosis d = UnitRun.diagnose(check, name.name(), Optional.of(new SystemdUnit.Pending(dropIn.path(), content)));
        boolean same = current.isPresent() && current.get().equals(content);
        UnitDropInText.installPlan(out, root, dropIn, same, content);
        long errors = d.count(Severity.ERROR) + d.crashedChecks();
        if (errors > 0 || d.count(Severity.WARNING) > 0) {
            out.println("pre-install check (memproxy doctor --unit " + name + " with this drop-in):");
            ProblemLines.write(d, out);
        }
        if (errors > 0 && !force) {
            out.flush();
            throw new MemproxyException(ExitCodes.PROBLEM, "refused: the pre-install check found " + errors
                    + " error(s) (above); fix them, or install anyway with --force");
        }
        if (errors > 0) {
            out.println("--force: installing despite " + errors + " error(s) of the pre-install check");
        }
        if (dryRun) {
            return Fleet.dryRun(out);
        }
        if (same) {
            out.println("already installed: nothing changed");
        } else {
            try {
                if (dropIn.write(content)) {
                    out.println("previous drop-in saved as " + dropIn.backup());
                }
            } catch (IOException e) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e) + "; " + dropIn.path() + " is unchanged");
            }
            List<String> complaints = systemdComplaints(root, name, dropIn.path());
            if (!complaints.isEmpty()) {
                complaints.forEach(l -> out.println("systemd-analyze verify: " + l));
                try {
                    if (current.isPresent()) {
                        dropIn.write(current.get());
                    } else {
                        dropIn.remove(content);
                    }
                } catch (IOException e) {
                    throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e) + " while taking the drop-in back");
                }
                out.flush();
                throw new MemproxyException(ExitCodes.PROBLEM, "systemd objects to the drop-in (above); it was taken back");
            }
            out.println("installed: " + name + " loads " + shim + " and " + allocator + " from its next start");
        }
        reload(out, root, name, now, same);
        out.flush();
        return ExitCodes.OK;
    }

    static int uninstall(PrintWriter out, Root root, String unitName, boolean dryRun, boolean now) {
        UnitName name = UnitRun.name(unitName);
        checkNow(root, now);
        UnitDropIn dropIn = new UnitDropIn(root, name.name());
        Optional<String> current = read(dropIn);
        if (current.isEmpty()) {
            UnitDropInText.notThere(out, root, dropIn);
            return ExitCodes.OK;
        }
        if (!UnitDropIn.isOurs(current.get())) {
            throw new MemproxyException(ExitCodes.PROBLEM, dropIn.path() + " was not written by memproxy: left alone");
        }
        UnitDropInText.uninstallPlan(out, root, dropIn, current.get());
        if (dryRun) {
            return Fleet.dryRun(out);
        }
        try {
            UnitDropInText.removed(out, dropIn, dropIn.remove(current.get()));
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e));
        }
        out.println("uninstalled: " + name + " starts without memproxy from its next start");
        reload(out, root, name, now, false);
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * What systemd-analyze verify says about memproxy's drop-in, when systemd-analyze is installed: systemd's
     * own parser on the file as written. Lines about other files are not memproxy's business.
     */
    static List<String> systemdComplaints(Root root, UnitName name, String dropIn) {
        Optional<Path> analyze = java.util.stream.Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst();
        if (analyze.isEmpty()) {
            return List.of();
        }
        List<String> cmd = new ArrayList<>(List.of(analyze.get().toString(), "verify"));
        if (!root.isHost()) {
            cmd.add("--root=" + root.dir());
        }
        cmd.add(name.name());
        List<String> out = new ArrayList<>();
        Path log = null;
        try {
            // Output to a file, so that the timeout holds even if systemd-analyze stops writing.
            log = Files.createTempFile("memproxy-verify", ".txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return List.of();
            }
            try (java.io.BufferedReader r = Files.newBufferedReader(log, java.nio.charset.StandardCharsets.UTF_8)) {
                r.lines().filter(l -> l.contains(dropIn)).limit(20).forEach(out::add);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // A temporary file left in /tmp: harmless.
                }
            }
        }
        return out;
    }

    private static SystemdUnit load(Root root, UnitName name, Optional<SystemdUnit.Pending> pending) {
        try {
            return SystemdUnit.load(root, name, pending);
        } catch (SystemdUnit.UnitException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
        }
    }

    private static Optional<String> read(UnitDropIn dropIn) {
        try {
            return dropIn.current();
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e));
        }
    }

    /** Whether systemd is the running init system (sd_booted(3)). */
    private static boolean systemdRuns() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    private static void checkNow(Root root, boolean now) {
        if (now && !root.isHost()) {
            throw new MemproxyException(ExitCodes.USAGE, "--now restarts the service on this machine; it cannot be combined with --root");
        }
        if (now && !systemdRuns()) {
            throw new MemproxyException(ExitCodes.USAGE, "--now needs systemd running as the init system (no /run/systemd/system here)");
        }
    }

    /** systemd reads drop-ins at daemon-reload; the running service keeps its environment until it restarts. */
    private static void reload(PrintWriter out, Root root, UnitName name, boolean now, boolean unchanged) {
        if (unchanged) {
            return;
        }
        if (!now) {
            UnitDropInText.howToApply(out, root, name.toString());
            return;
        }
        for (List<String> cmd : List.of(List.of("systemctl", "daemon-reload"), List.of("systemctl", "try-restart", name.name()))) {
            out.println("running: " + String.join(" ", cmd));
            out.flush();
            try {
                Process p = new ProcessBuilder(new ArrayList<>(cmd)).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new MemproxyException(ExitCodes.COULD_NOT_RUN, String.join(" ", cmd) + " failed (exit " + p.exitValue()
                            + "); the drop-in is in place: run it yourself");
                }
            } catch (IOException e) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, String.join(" ", cmd) + ": " + Fleet.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, String.join(" ", cmd) + ": interrupted");
            }
        }
    }
}
