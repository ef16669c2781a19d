package io.memproxy.image;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.Root;
import io.memproxy.loader.Shebang;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the doctor says about an image beyond the loader's findings: which program the container starts,
 * and which layer each file of the chain comes from, or which layer deleted it.
 */
public final class ImageFindings {
    private ImageFindings() {}

    /** The program a container of the image starts, and how it was found; empty when the config names none. */
    public record Program(String path, String how) {}

    /**
     * The entrypoint's program as the image names it: Entrypoint (else Cmd) word 0, searched on the config's PATH
     * when bare, relative to WorkingDir when relative; a "#!" script's interpreter instead of the script.
     */
    public static Optional<Program> program(ContainerImage image) throws ImageException {
        List<String> cmd = image.config().commandLine();
        if (cmd.isEmpty()) {
            return Optional.empty();
        }
        Root root = Root.at(image.root());
        String first = cmd.get(0);
        String path = resolve(root, image.config(), first).orElseThrow(() -> new ImageException(image.where()
                + ": the entrypoint " + first + " is not an executable file in the image (PATH " + image.config().path() + ")"));
        String how = "the image's entrypoint " + String.join(" ", cmd);
        Optional<String> interpreter = Shebang.interpreter(root, path, n -> resolve(root, image.config(), n));
        if (interpreter.isPresent()) {
            return Optional.of(new Program(interpreter.get(), how + ": " + path + " is a script run by " + interpreter.get()));
        }
        return Optional.of(new Program(path, how));
    }

    private static Optional<String> resolve(Root root, ImageConfig config, String name) {
        if (name.startsWith("/")) {
            return executable(root, name) ? Optional.of(name) : Optional.empty();
        }
        if (name.contains("/")) {
            String wd = config.workingDir().isEmpty() ? "/" : config.workingDir();
            String p = (wd.endsWith("/") ? wd : wd + "/") + name;
            return executable(root, p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : config.path().split(":")) {
            String p = (dir.endsWith("/") ? dir : dir + "/") + name;
            if (dir.startsWith("/") && executable(root, p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean executable(Root root, String p) {
        return root.stat(p).map(a -> a.isRegularFile()).orElse(false);
    }

    /**
     * @param chain the chain entries the doctor examined (as the image names them)
     * @param program the examined program and how it was chosen, if the config names one
     */
    public static List<Finding> of(ContainerImage image, List<String> chain, Optional<Program> program, String configPath) {
        List<Finding> out = new ArrayList<>();
        ImageConfig c = image.config();
        out.add(Finding.info("image.summary", image.where(), image.where() + ": " + c.os() + "/" + c.architecture()
                + (c.variant().isEmpty() ? "" : "/" + c.variant()) + ", " + image.layers().size() + " layer(s), "
                + (image.bytes() >> 10) + " KiB of files; LD_PRELOAD " + c.variable("LD_PRELOAD").map(v -> "'" + v + "'").orElse("unset")
                + " in the config" + c.variable("LD_LIBRARY_PATH").map(v -> ", LD_LIBRARY_PATH '" + v + "'").orElse("")
                + "; " + program.map(p -> "examining " + p.path() + " (" + p.how() + ")").orElse("no Entrypoint or Cmd: examining the defaults")));
        List<String> files = new ArrayList<>();
        files.add("/etc/ld.so.preload");
        files.add(configPath);
        chain.stream().filter(e -> e.startsWith("/")).forEach(files::add);
        for (String f : files.stream().distinct().toList()) {
            Optional<ContainerImage.Layer> from = image.origin(f);
            Optional<ContainerImage.Layer> gone = image.deletedBy(f);
            if (from.isPresent()) {
                out.add(Finding.info("image.layer", f, f + " comes from " + from.get().label()));
            } else if (gone.isPresent()) {
                boolean inChain = chain.contains(f);
                out.add(new Finding("image.deleted", inChain ? Severity.ERROR : Severity.WARNING, List.of(f), f + " is deleted by "
                        + gone.get().label() + " (a whiteout or an opaque directory)" + (inChain ? ": ld.so cannot load it" : ""),
                        "keep the file in the step that makes " + gone.get().label() + " (no rm of it), or COPY it again in a later step"));
            }
        }
        return out;
    }
}
