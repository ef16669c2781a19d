package io.memproxy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What doctor, check and report examine: the chain, the exclusion list, the targets, the root. */
public final class DoctorInputs {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-i", "--ignore-env"}, description = "Ignore the LD_PRELOAD of this environment (like env -i).")
    public boolean ignoreEnv;

    @Option(names = "--preload", paramLabel = "CHAIN",
            description = "A proposed preload chain (LD_PRELOAD syntax) instead of this environment's LD_PRELOAD and /etc/ld.so.preload.")
    public String preload;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The exclusion list to examine (default: the shim's compiled-in path, /etc/memproxy.conf).")
    public String config;

    public List<String> exes = new ArrayList<>();

    // Paths, so that completion offers files; each is used as given.
    @Option(names = "--exe", paramLabel = "EXE", arity = "1..*",
            description = "Executables to examine (default: /bin/sh and every program the config names that is on PATH).")
    void exes(List<java.nio.file.Path> given) {
        exes = new ArrayList<>(given.stream().map(Object::toString).toList()); // picocli passes every value so far
    }

    @Option(names = "--root", paramLabel = "DIR", description = "Examine an offline system image under DIR.")
    public Path root;

    @Option(names = "--search-path", paramLabel = "DIRS",
            description = "Where to look for the programs the exclusion list names (default: $PATH).")
    public String searchPath;

    @Option(names = "--strict", description = "Treat warnings as errors for the exit code.")
    public boolean strict;

    /** LD_PRELOAD of the environment memproxy runs in, unless --ignore-env. */
    Optional<String> environmentPreload() {
        return ignoreEnv ? Optional.empty() : Optional.ofNullable(MemproxyCommand.callerOf(mixee).loaderVariables().get("LD_PRELOAD"));
    }
}
