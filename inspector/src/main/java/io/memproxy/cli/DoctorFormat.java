package io.memproxy.cli;

import picocli.CommandLine.Option;

/** The doctor's output options: every format (OutputConvention). */
public final class DoctorFormat extends OutputConvention {
    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Format.All.class, converter = Format.All.class,
            description = "text (default), json, markdown or prometheus (node_exporter textfile collector).")
    Format format = Format.text;

    @Override
    Format chosen() {
        return format;
    }
}
