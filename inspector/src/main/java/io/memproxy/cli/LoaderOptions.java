package io.memproxy.cli;

import io.memproxy.loader.HostCapabilities;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that describe the loader's environment, shared by ldd and bind. The environment memproxy
 * runs in counts first (LD_PRELOAD, LD_LIBRARY_PATH, LD_DYNAMIC_WEAK), unless --ignore-env; --env-file
 * overrides the variables it sets, and --preload overrides LD_PRELOAD.
 * --image reads a container image and brings its config's Env.
 */
public final class LoaderOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-i", "--ignore-env"},
            description = "Ignore LD_PRELOAD, LD_LIBRARY_PATH and LD_DYNAMIC_WEAK of this environment (like env -i).")
    boolean ignoreEnv;

    @Option(names = "--preload", paramLabel = "CHAIN",
            description = "LD_PRELOAD for the program instead of this environment's (split like ld.so: spaces and colons). /etc/ld.so.preload is read as well.")
    String preload;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Analyse a system image: /etc/ld.so.cache, /etc/ld.so.preload, library directories and absolute paths are read under DIR.")
    Path root;

    @Option(names = "--hwcaps", paramLabel = "LEVEL",
            description = "The CPU assumed for programs of an architecture this machine does not run (aarch64 under --root): "
                    + "armv8.0 (no LSE atomics) or armv8.1 (default: the 'atomics' legacy hwcap directories are searched). "
                    + "This machine's own programs always use its CPU.")
    String hwcaps;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "KEY=VALUE lines (optionally 'export KEY=VALUE', quotes allowed) giving LD_PRELOAD, LD_LIBRARY_PATH and LD_DYNAMIC_WEAK;"
                    + " they override this environment's.")
    Path envFile;

    @picocli.CommandLine.Mixin
    ImageOptions image = new ImageOptions();

    @Option(names = "--as-ldd",
            description = "Start the program as ldd does (ld.so EXE): $ORIGIN is the directory of EXE as given, not of the resolved file.")
    boolean asLdd;

    /** The environment these options describe; a bad --root or --env-file is a usage problem named on one line. */
    LoaderEnvironment environment() {
        LoaderEnvironment env = LoaderEnvironment.system();
        image.checkNotWithRoot(root);
        Map<String, String> variables;
        if (image.given()) {
            // The image's config is the environment its containers start with; this shell's does not reach them.
            io.memproxy.image.ContainerImage img = image.open();
            env = env.withRoot(Root.at(img.root()));
            variables = new HashMap<>(img.config().env());
        } else {
            variables = new HashMap<>(ignoreEnv ? Map.of() : MemproxyCommand.callerOf(mixee).loaderVariables());
        }
        if (root != null) {
            env = env.withRoot(Fleet.root(root));
        }
        if (hwcaps != null) {
            if (!HostCapabilities.AARCH64_LEVELS.contains(hwcaps)) {
                throw new MemproxyException(ExitCodes.USAGE, "--hwcaps " + hwcaps + ": unknown level; one of "
                        + String.join(", ", HostCapabilities.AARCH64_LEVELS));
            }
            env = env.withHwcaps(hwcaps);
        }
        if (envFile != null) {
            variables.putAll(readEnvFile(envFile));
        }
        env = env.withVariables(variables);
        if (preload != null) {
            env = env.withPreload(preload);
        }
        if (asLdd) {
            env = env.withStart(LoaderEnvironment.Start.LOADER_COMMAND);
        }
        return env;
    }

    /** An environment is at most a few hundred KiB (ARG_MAX); the file is refused beyond 1 MiB. */
    static final long MAX_ENV_FILE = 1L << 20;

    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> env = new HashMap<>();
        try {
            int n = 0;
            // Read like any untrusted input: a regular file, bounded (a FIFO or /dev/zero is refused, not read).
            byte[] content = Root.host().read(file.toString(), MAX_ENV_FILE);
            for (String line : new String(content, StandardCharsets.ISO_8859_1).split("\n")) {
                n++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                if (s.startsWith("export ")) {
                    s = s.substring(7).strip();
                }
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new MemproxyException(ExitCodes.USAGE, file + ":" + n + ": expected KEY=VALUE");
                }
                String v = s.substring(eq + 1);
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                env.put(s.substring(0, eq), v);
            }
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.USAGE, Root.message(e) + " (--env-file)");
        }
        return env;
    }
}
