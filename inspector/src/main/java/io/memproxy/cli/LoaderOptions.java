package io.memproxy.cli;

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

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "KEY=VALUE lines (optionally 'export KEY=VALUE', quotes allowed) giving LD_PRELOAD, LD_LIBRARY_PATH and LD_DYNAMIC_WEAK;"
                    + " they override this environment's.")
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
        Map<String, String> variables = new HashMap<>(ignoreEnv ? Map.of() : MemproxyCommand.callerOf(mixee).loaderVariables());
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
            throw new MemproxyException(ExitCodes.USAGE, file + ": " + io.memproxy.elf.FileWords.problem(file)
                    .orElse(io.memproxy.elf.FileWords.describe(e)) + " (--env-file)");
        }
        return env;
    }
}
