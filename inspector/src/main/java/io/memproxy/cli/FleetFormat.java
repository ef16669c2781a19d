package io.memproxy.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The output options of scan and ps: --format text|json|prometheus, with --json and --no-color. */
public final class FleetFormat {
    enum Format { text, json, prometheus }

    @Mixin
    OutputOptions output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default), json or prometheus.")
    Format format = Format.text;

    /** The format asked for: --json wins over --format. */
    Format format() {
        return output.json ? Format.json : format;
    }
}
