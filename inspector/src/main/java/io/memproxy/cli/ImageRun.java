package io.memproxy.cli;

import io.memproxy.config.ConfigFile;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Doctor;
import io.memproxy.doctor.Inspection;
import io.memproxy.doctor.Link;
import io.memproxy.image.ContainerImage;
import io.memproxy.image.ImageException;
import io.memproxy.image.ImageFindings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The doctor for a container image: the entrypoint's program, examined under the config's environment
 * (LD_PRELOAD, LD_LIBRARY_PATH, PATH) with the image's /etc/ld.so.preload and /etc/memproxy.conf.
 */
final class ImageRun {
    private ImageRun() {}

    static final String CHECK = "image";

    record Result(ContainerImage image, Inspection inspection, Diagnosis diagnosis) {}

    static Result run(DoctorInputs in, ImageOptions options) {
        options.checkNotWithRoot(in.root);
        ContainerImage image = options.open();
        Optional<ImageFindings.Program> program;
        try {
            program = in.exes.isEmpty() ? ImageFindings.program(image) : Optional.empty();
        } catch (ImageException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
        }
        List<String> exes = !in.exes.isEmpty() ? in.exes : program.map(p -> List.of(p.path())).orElse(List.of());
        String config = in.config == null ? ConfigFile.DEFAULT_PATH : in.config;
        Inspection.Inputs inputs = new Inspection.Inputs(image.root(), Optional.ofNullable(in.preload),
                image.config().variable("LD_PRELOAD"), config, exes, in.searchPath != null ? in.searchPath : image.config().path());
        Inspection inspection = new Inspection(inputs, image.config().variable("LD_LIBRARY_PATH"));
        List<String> unreadable = inspection.unreadableTargets();
        if (!unreadable.isEmpty()) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, image.where() + ": " + unreadable.get(0));
        }
        Diagnosis d = Doctor.standard().diagnose(inspection, Version.get());
        List<String> chain = inspection.chain().stream().map(Link::entry).toList();
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult(CHECK, "Container image", ImageFindings.of(image, chain, program, config), Optional.empty()));
        checks.addAll(d.checks());
        return new Result(image, inspection,
                new Diagnosis(d.memproxyVersion(), d.glibcVersion(), d.config(), d.chain(), d.routes(), d.bindings(), checks));
    }
}
