package io.memproxy.cli;

import io.memproxy.doctor.ProbeCheck;
import io.memproxy.loader.LoaderRules;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Doctor;
import io.memproxy.doctor.Inspection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Turns the shared options of doctor, check and report into one doctor run. */
final class DoctorRun {
    private DoctorRun() {}

    /** A finished run: the question and its answer. */
    record Result(Inspection inspection, Diagnosis diagnosis) {}

    /** The standard checks only. */
    static Diagnosis diagnose(DoctorInputs in) {
        return run(in, false, 0).diagnosis();
    }

    /** With {@code probe}, the probe runs too, each run for at most {@code probeTimeoutSeconds}. */
    static Diagnosis diagnose(DoctorInputs in, boolean probe, int probeTimeoutSeconds) {
        return run(in, probe, probeTimeoutSeconds).diagnosis();
    }

    static Result run(DoctorInputs in) {
        return run(in, false, 0);
    }

    private static Result run(DoctorInputs in, boolean probe, int probeTimeoutSeconds) {
        Path root = in.root == null ? Path.of("/") : in.root.toAbsolutePath().normalize();
        io.memproxy.loader.Root confined = Fleet.root(in.root);
        Optional<ProbeCheck.Emulator> emulator = Optional.empty();
        if (probe && in.root != null) {
            // A foreign architecture's image is probed under qemu with the image as its file system (qemu -L);
            // an image of this machine's architecture would run this machine's libraries under the image's names.
            LoaderRules foreign = LoaderRules.ALL.stream().filter(r -> Files.isRegularFile(root.resolve(r.interpreter().substring(1))))
                    .findFirst().filter(r -> !r.native_())
                    .orElseThrow(() -> new MemproxyException(ExitCodes.USAGE,
                            "--probe runs on this machine and cannot be combined with --root, except for an image of another architecture (run under qemu)"));
            emulator = Optional.of(ProbeCheck.Emulator.find(foreign, root).orElseThrow(() -> new MemproxyException(ExitCodes.USAGE,
                    "--probe with --root " + in.root + " (" + foreign.machineName() + ") runs the probe under qemu: install qemu-user-static")));
        }
        for (String exe : in.exes) {
            // Resolved inside the root like every other name of the image.
            var a = confined.stat(exe);
            if (a.isEmpty()) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, exe + ": no such file (--exe)");
            }
            if (!a.get().isRegularFile()) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, exe + ": is "
                        + io.memproxy.loader.Root.kind(confined.file(exe), a.get()) + ", not a regular file (--exe)");
            }
            if (!Files.isReadable(confined.file(exe))) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, exe + ": permission denied (--exe)");
            }
        }
        String path = in.searchPath != null ? in.searchPath
                : Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        Inspection.Inputs inputs = new Inspection.Inputs(root, Optional.ofNullable(in.preload),
                in.environmentPreload(),
                in.config, in.exes, path);
        Inspection inspection = new Inspection(inputs);
        List<String> unreadable = inspection.unreadableTargets();
        if (!unreadable.isEmpty()) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, unreadable.get(0) + (in.root == null ? "" : " (under --root " + in.root + ")"));
        }
        Doctor doctor = probe ? Doctor.withProbe(Doctor.probeProgram(), probeTimeoutSeconds, emulator) : Doctor.standard();
        return new Result(inspection, doctor.diagnose(inspection, Version.get()));
    }
}
