package io.memproxy.cli;

import io.memproxy.config.ConfigFile;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Doctor;
import io.memproxy.doctor.Inspection;
import io.memproxy.doctor.Link;
import io.memproxy.finding.Finding;
import io.memproxy.loader.Root;
import io.memproxy.unit.Service;
import io.memproxy.unit.SystemdUnit;
import io.memproxy.unit.UnitFindings;
import io.memproxy.unit.UnitName;
import io.memproxy.unit.UnitSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The doctor for one systemd service: its program, examined under the service's own environment (its
 * LD_PRELOAD and LD_LIBRARY_PATH instead of this shell's) inside its RootDirectory=, with systemd's own
 * findings first.
 */
final class UnitRun {
    private UnitRun() {}

    /** The check's name in every output format. */
    static final String CHECK = "unit";

    static Diagnosis diagnose(DoctorInputs in, String unitName, Optional<SystemdUnit.Pending> pending) {
        Root root = Fleet.root(in.root);
        if (!in.exes.isEmpty()) {
            throw new MemproxyException(ExitCodes.USAGE, "--unit examines the unit's own program; it cannot be combined with --exe");
        }
        SystemdUnit unit;
        try {
            unit = SystemdUnit.load(root, name(unitName), pending);
        } catch (SystemdUnit.UnitException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
        }
        Root programRoot = programRoot(unit, root);
        Service service = Service.of(unit, root, programRoot);
        String program = service.program().orElseThrow(() -> new MemproxyException(ExitCodes.COULD_NOT_RUN,
                unit.name() + ": " + service.programProblem() + (root.isHost() ? "" : " (under --root " + root + ")")));
        String path = service.variable("PATH").orElse(Service.EXEC_PATH);
        Inspection.Inputs inputs = new Inspection.Inputs(programRoot.dir(), Optional.ofNullable(in.preload),
                service.variable("LD_PRELOAD"), in.config == null ? ConfigFile.DEFAULT_PATH : in.config, List.of(program),
                in.searchPath != null ? in.searchPath : path);
        Inspection inspection = new Inspection(inputs, service.variable("LD_LIBRARY_PATH"));
        List<String> unreadable = inspection.unreadableTargets();
        if (!unreadable.isEmpty()) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, unit.name() + ": " + unreadable.get(0));
        }
        Diagnosis d = Doctor.standard().diagnose(inspection, Version.get());
        boolean secure;
        try {
            secure = inspection.secure(program);
        } catch (RuntimeException e) {
            secure = false;
        }
        // Every entry any LD_PRELOAD setting names: one hidden by the sandbox matters even where another setting wins.
        java.util.Set<String> chain = new java.util.LinkedHashSet<>(inspection.chain().stream().map(Link::entry).toList());
        service.preloadSettings().forEach(v -> chain.addAll(List.of(v.value().split("[: ]+"))));
        chain.remove("");
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.info("unit.files", unit.fragment(), unit.name() + ": " + unit.fragment()
                + (unit.dropIns().isEmpty() ? "" : ", drop-ins " + String.join(", ", unit.dropIns())) + "; program " + program
                + service.script().map(s -> " (the interpreter of the script " + s + ")").orElse("")
                + "; LD_PRELOAD " + service.variable("LD_PRELOAD").map(v -> "'" + v + "'").orElse("unset")));
        boolean listNamesPrograms = inspection.config().list().map(l -> !l.names().isEmpty()).orElse(false);
        findings.addAll(UnitFindings.of(service, List.copyOf(chain), secure, programRoot, listNamesPrograms));
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult(CHECK, "systemd unit " + unit.name(), findings, Optional.empty()));
        checks.addAll(d.checks());
        return new Diagnosis(d.memproxyVersion(), d.glibcVersion(), d.config(), d.chain(), d.routes(), d.bindings(), checks);
    }

    static UnitName name(String given) {
        UnitName n;
        try {
            n = UnitName.of(given);
        } catch (IllegalArgumentException e) {
            throw new MemproxyException(ExitCodes.USAGE, e.getMessage() + " (--unit)");
        }
        if (!n.type().equals("service")) {
            throw new MemproxyException(ExitCodes.USAGE, n + ": a ." + n.type() + " unit starts no program; name the .service it activates (--unit)");
        }
        return n;
    }

    /** RootDirectory= inside the examined system: the service's program, libraries and preload file are there. */
    private static Root programRoot(SystemdUnit unit, Root root) {
        Optional<UnitSyntax.Assignment> dir = unit.last("Service", "RootDirectory");
        if (dir.isEmpty()) {
            return root;
        }
        String d = dir.get().value();
        if (!d.startsWith("/")) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, unit.name() + ": RootDirectory=" + d + " (" + dir.get().where()
                    + ") is not an absolute path");
        }
        Path p = root.file(d);
        if (!Files.isDirectory(p)) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, unit.name() + ": RootDirectory=" + d + " (" + dir.get().where()
                    + ") does not exist" + (root.isHost() ? "" : " under --root " + root) + ": systemd cannot start the service");
        }
        return Root.at(p);
    }
}
