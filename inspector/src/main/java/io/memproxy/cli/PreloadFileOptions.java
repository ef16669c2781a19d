package io.memproxy.cli;

import io.memproxy.loader.Root;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of install and uninstall: which system's /etc/ld.so.preload, and whether to write it. */
public final class PreloadFileOptions {
    @Option(names = "--root", paramLabel = "DIR", description = "Change the system image under DIR instead of this machine.")
    Path root;

    @Option(names = "--dry-run", description = "Print the change to /etc/ld.so.preload (and install's check verdict); write nothing.")
    boolean dryRun;

    /** The system to change; a --root that is not a directory is one line and exit 2. */
    Root system() {
        return Fleet.root(root);
    }
}
