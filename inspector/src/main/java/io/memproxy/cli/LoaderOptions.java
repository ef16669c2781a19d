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
import picocli.CommandLine.Option;

/** The options that describe the loader's environment, shared by ldd and bind. */
public final class LoaderOptions {
    @Option(names = "--preload", paramLabel = "CHAIN",
            description = "LD_PRELOAD for the program (split like ld.so: spaces and colons). /etc/ld.so.preload is read as well.")
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
            description = "KEY=VALUE lines (optionally 'export KEY=VALUE', quotes allowed) giving LD_PRELOAD, LD_LIBRARY_PATH and LD_DYNAMIC_WEAK.")
    Path envFile;

    @Option(names = "--as-ldd",
            description = "Start the program as ldd does (ld.so EXE): $ORIGIN is the directory of EXE as given, not of the resolved file.")
    boolean asLdd;

    /** The environment these options describe; a bad --root or --env-file is a usage problem named on one line. */
    LoaderEnvironment environment() {
        LoaderEnvironment env = LoaderEnvironment.system();
        if (root != null) {
            if (!Files.isDirectory(root)) {
                throw new MemproxyException(ExitCodes.USAGE, "--root " + root + ": not a directory");
            }
            env = env.withRoot(Root.at(root));
        }
        if (hwcaps != null) {
            if (!HostCapabilities.AARCH64_LEVELS.contains(hwcaps)) {
                throw new MemproxyException(ExitCodes.USAGE, "--hwcaps " + hwcaps + ": unknown level; one of "
                        + String.join(", ", HostCapabilities.AARCH64_LEVELS));
            }
            env = env.withHwcaps(hwcaps);
        }
        if (envFile != null) {
            env = env.withVariables(readEnvFile(envFile));
        }
        if (preload != null) {
            env = env.withPreload(preload);
        }
        if (asLdd) {
            env = env.withStart(LoaderEnvironment.Start.LOADER_COMMAND);
        }
        return env;
    }

    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> env = new HashMap<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
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
            throw new MemproxyException(ExitCodes.USAGE, "--env-file " + file + ": cannot read");
        }
        return env;
    }
}
