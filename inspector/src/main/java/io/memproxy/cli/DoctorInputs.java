package io.memproxy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What doctor, check and report examine: the chain, the exclusion list, the targets, the root. */
public final class DoctorInputs {
    @Option(names = "--preload", paramLabel = "CHAIN",
            description = "A proposed preload chain (LD_PRELOAD syntax) instead of LD_PRELOAD and /etc/ld.so.preload.")
    public String preload;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The exclusion list to examine (default: the shim's compiled-in path, /etc/memproxy.conf).")
    public String config;

    @Option(names = "--exe", paramLabel = "EXE", arity = "1..*",
            description = "Executables to examine (default: /bin/sh and every program the config names that is on PATH).")
    public List<String> exes = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR", description = "Examine an offline system image under DIR.")
    public Path root;

    @Option(names = "--search-path", paramLabel = "DIRS",
            description = "Where to look for the programs the exclusion list names (default: $PATH).")
    public String searchPath;

    @Option(names = "--strict", description = "Treat warnings as errors for the exit code.")
    public boolean strict;
}
