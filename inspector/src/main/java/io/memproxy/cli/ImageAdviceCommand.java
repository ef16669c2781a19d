package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Severity;
import io.memproxy.image.ContainerImage;
import io.memproxy.install.Installer;
import io.memproxy.install.Step;
import io.memproxy.loader.Root;
import io.memproxy.output.ImageAdviceReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "image-advice", mixinStandardHelpOptions = true,
        header = "Print the Dockerfile lines that activate the chain in an image.",
        description = {
            "Print the Dockerfile lines that activate memproxy in a container image",
            "(COPY of the shim, the allocator's package if the image lacks it, and",
            "ENV LD_PRELOAD or an /etc/ld.so.preload line), after checking in memory",
            "that the chain works there: the doctor examines the image's entrypoint",
            "with the shim and allocator added. Nothing is written; the image is",
            "read in place (--image of doctor, ldd and scan does the same)."
        },
        footer = "%nExamples:%n"
                + "  memproxy image-advice app.tar >> Dockerfile.memproxy%n"
                + "  memproxy image-advice oci-dir --allocator tcmalloc --preload-file%n"
                + "  memproxy image-advice oci-index-dir --platform linux/arm64 --json%n"
                + "%nExit codes:%n"
                + "  0  advice printed: the chain works in the image%n"
                + "  1  no advice: the check found errors (printed), or no allocator can be had%n"
                + "  2  usage error%n"
                + "  3  the image could not be read%n")
public final class ImageAdviceCommand implements Callable<Integer> {
    /** Where the advice puts the shim in the image. */
    static final String SHIM_IN_IMAGE = "/usr/local/lib/libmemproxy.so";
    /** The Debian package of each allocator name (the library paths are {@link Installer}'s). */
    static final Map<String, String> DEBIAN_PACKAGE = Map.of("jemalloc", "libjemalloc2", "tcmalloc", "libtcmalloc-minimal4",
            "mimalloc", "libmimalloc2.0");

    @Spec
    CommandSpec spec;

    @Mixin
    ImageOptions image;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "IMAGE", description = "The image (the same as --image).")
    Path positional;

    @Option(names = "--shim", paramLabel = "PATH", description = "The shim on this machine to COPY into the image (default: the installed one).")
    String shim;

    @Option(names = "--allocator", paramLabel = "NAME|PATH",
            description = "jemalloc (default), tcmalloc, mimalloc, or a library path inside the image.")
    String allocator = "jemalloc";

    @Option(names = "--config", paramLabel = "FILE", description = "An exclusion list on this machine to COPY to /etc/memproxy.conf in the image.")
    Path config;

    @Mixin
    OutputOptions output;

    @Option(names = "--preload-file", description = "Activate with /etc/ld.so.preload in the image (every program, even with a cleared environment) instead of ENV LD_PRELOAD.")
    boolean preloadFile;

    @Override
    public Integer call() throws IOException {
        if (positional != null && image.given()) {
            throw new MemproxyException(ExitCodes.USAGE, "name the image once: IMAGE or --image PATH");
        }
        if (positional != null) {
            image.image = positional;
        }
        if (!image.given()) {
            throw new MemproxyException(ExitCodes.USAGE, "the image is required: memproxy image-advice IMAGE");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path shimHere = shimOnThisMachine();
        if (config != null && !Files.isRegularFile(config)) {
            throw new MemproxyException(ExitCodes.USAGE, config + ": no such file (--config)");
        }
        ContainerImage img = image.open();
        Root inImage = Root.at(img.root());
        Installer installer = new Installer(inImage, Step.Hook.NONE);
        String alloc;
        Optional<String> install = Optional.empty();
        try {
            alloc = installer.allocator(Optional.of(allocator));
        } catch (Installer.Refusal e) {
            String pkg = DEBIAN_PACKAGE.get(allocator);
            if (pkg == null || !inImage.exists("/usr/bin/apt-get")) {
                throw new MemproxyException(ExitCodes.PROBLEM, img.where() + ": " + e.getMessage()
                        + (pkg == null ? "" : "; the image has no apt-get to install " + pkg + " with"));
            }
            // The check uses this machine's copy of the same Debian package, at the path the package installs.
            try {
                alloc = new Installer(Root.host(), Step.Hook.NONE).allocator(Optional.of(allocator));
            } catch (Installer.Refusal r) {
                throw new MemproxyException(ExitCodes.PROBLEM, "the image lacks " + allocator + " and so does this machine, whose copy"
                        + " the check would use: apt install " + pkg);
            }
            put(img, Path.of(alloc), alloc);
            install = Optional.of("RUN apt-get update && apt-get install -y --no-install-recommends " + pkg
                    + " && rm -rf /var/lib/apt/lists/*");
        }
        put(img, shimHere, SHIM_IN_IMAGE);
        if (config != null) {
            put(img, config, "/etc/memproxy.conf");
        }
        Set<String> entries = new LinkedHashSet<>(List.of(SHIM_IN_IMAGE, alloc));
        String existing = preloadFile ? new String(Files.exists(img.root().resolve("etc/ld.so.preload"))
                ? Files.readAllBytes(img.root().resolve("etc/ld.so.preload")) : new byte[0], java.nio.charset.StandardCharsets.ISO_8859_1)
                : img.config().variable("LD_PRELOAD").orElse("");
        for (String e : existing.split("[:\\s]+")) {
            if (!e.isEmpty() && !e.endsWith("/libmemproxy.so")) {
                entries.add(e);
            }
        }
        DoctorInputs check = new DoctorInputs();
        if (preloadFile) {
            Files.createDirectories(img.root().resolve("etc"));
            Files.writeString(img.root().resolve("etc/ld.so.preload"), String.join("\n", entries) + "\n");
        } else {
            check.preload = String.join(":", entries);
        }
        Diagnosis d = ImageRun.run(check, image).diagnosis();
        long errors = d.count(Severity.ERROR) + d.crashedChecks();
        List<String> lines = new java.util.ArrayList<>();
        lines.add("COPY libmemproxy.so " + SHIM_IN_IMAGE);
        install.ifPresent(lines::add);
        if (config != null) {
            lines.add("COPY " + config.getFileName() + " /etc/memproxy.conf");
        }
        lines.add(preloadFile ? "RUN printf '%s\\n' " + String.join(" ", entries) + " > /etc/ld.so.preload"
                : "ENV LD_PRELOAD=" + String.join(":", entries));
        if (output.format() == Format.json) {
            ImageAdviceReports.json(img.where(), errors == 0, List.copyOf(entries), shimHere.toString(), lines, d, out);
            out.flush();
            return errors == 0 ? ExitCodes.OK : ExitCodes.PROBLEM;
        }
        if (errors > 0) {
            ImageAdviceReports.problems(img.where(), errors, d, out);
            throw new MemproxyException(ExitCodes.PROBLEM, "no advice: the chain does not work in " + img.where() + " (above)");
        }
        ImageAdviceReports.text(img.where(), alloc, shimHere.toString(), lines, out);
        return ExitCodes.OK;
    }

    private Path shimOnThisMachine() {
        if (shim != null) {
            Path p = Path.of(shim);
            if (!Files.isRegularFile(p)) {
                throw new MemproxyException(ExitCodes.USAGE, shim + ": no such file (--shim)");
            }
            return p;
        }
        try {
            return Path.of(new Installer(Root.host(), Step.Hook.NONE).shim(Optional.empty()));
        } catch (Installer.Refusal e) {
            throw new MemproxyException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** Adds a file of this machine to the in-memory image, for the check only. */
    private static void put(ContainerImage img, Path from, String as) throws IOException {
        Path to = img.root().resolve(as.substring(1));
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
