package io.memproxy.doctor;

import io.memproxy.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The question the doctor answers (a chain, an exclusion list, target executables, a root) and the facts
 * gathered to answer it. Facts are read once, on first use, and shared by every check.
 */
public final class Inspection {
    /** The shim's compiled-in exclusion list (shim/Makefile: $(SYSCONFDIR)/memproxy.conf). */
    public static final String DEFAULT_CONFIG = "/etc/memproxy.conf";
    /** The representative target examined when none is named. */
    public static final String DEFAULT_TARGET = "/bin/sh";

    /**
     * @param root          the image to examine, "/" for this machine
     * @param proposedChain a chain given with --preload, replacing LD_PRELOAD and /etc/ld.so.preload
     * @param ldPreload     the LD_PRELOAD of the environment
     * @param configPath    the exclusion list, as the shim names it
     * @param exes          executables named by the user; empty for the default set
     * @param searchPath    the PATH used to find programs the exclusion list names
     */
    public record Inputs(Path root, Optional<String> proposedChain, Optional<String> ldPreload, String configPath,
            List<String> exes, String searchPath) {
        public Inputs {
            exes = List.copyOf(exes);
        }
    }

    private final Inputs inputs;
    private ConfigFile config;

    public Inspection(Inputs inputs) {
        this.inputs = inputs;
    }

    public Inputs inputs() {
        return inputs;
    }

    /** The file behind a path as the examined system names it. */
    public Path file(String systemPath) {
        Path root = inputs.root();
        if (!systemPath.startsWith("/") || root.toString().equals("/")) {
            return Path.of(systemPath);
        }
        return root.resolve(systemPath.substring(1));
    }

    public ConfigFile config() {
        if (config == null) {
            config = ConfigFile.read(inputs.configPath(), file(inputs.configPath()));
        }
        return config;
    }

    /** The executable a bare program name finds on the search path, as the examined system names it. */
    public Optional<String> onSearchPath(String name) {
        for (String dir : inputs.searchPath().split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            String candidate = dir.endsWith("/") ? dir + name : dir + "/" + name;
            Path f = file(candidate);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The path of a file once every link is resolved, as /proc/self/exe reports it; empty when it does not exist. */
    public Optional<String> realPath(String systemPath) {
        try {
            Path real = file(systemPath).toRealPath();
            Path root = inputs.root();
            return Optional.of(root.toString().equals("/") ? real.toString() : "/" + root.relativize(real));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The file name of the executable behind a path once links are resolved, as the shim sees it. */
    public String realName(String systemPath) {
        String p = realPath(systemPath).orElse(systemPath);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The executables to examine: those named, or /bin/sh and every listed program found on the search path. */
    public List<String> targets() {
        if (!inputs.exes().isEmpty()) {
            return inputs.exes();
        }
        Set<String> out = new LinkedHashSet<>();
        out.add(DEFAULT_TARGET);
        config().list().ifPresent(l -> l.names().forEach(n -> onSearchPath(n).ifPresent(out::add)));
        return new ArrayList<>(out);
    }
}
