package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What doctor and check examine besides this machine or a --root: one systemd service, or one container image. */
public final class ScopeOptions {
    @Option(names = "--unit", paramLabel = "NAME.service",
            description = "Examine one systemd service instead: its unit file, /etc overrides and drop-ins read offline as systemctl cat"
                    + " shows them, its ExecStart= program under the service's own environment (LD_PRELOAD, LD_LIBRARY_PATH,"
                    + " EnvironmentFile=), and the unit settings that defeat or change preloading.")
    String unit;

    @Mixin
    ImageOptions image = new ImageOptions();

    /** The diagnosis of the service or the image, if one is named; empty for the ordinary doctor run. */
    Optional<Diagnosis> diagnose(DoctorInputs inputs, boolean probe) {
        if (unit != null && image.given()) {
            throw new MemproxyException(ExitCodes.USAGE, "--unit and --image name different things to examine; give one");
        }
        if (probe && (unit != null || image.given())) {
            throw new MemproxyException(ExitCodes.USAGE, "--probe runs the probe on this machine under this shell's environment;"
                    + " it cannot be combined with " + (unit != null ? "--unit" : "--image"));
        }
        if (unit != null) {
            return Optional.of(UnitRun.diagnose(inputs, unit, Optional.empty()));
        }
        if (image.given()) {
            return Optional.of(ImageRun.run(inputs, image).diagnosis());
        }
        image.checkNotWithRoot(inputs.root);
        return Optional.empty();
    }
}
