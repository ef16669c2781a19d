package io.memproxy.cli;

import picocli.CommandLine.Option;

/** The output options of scan, ps and check: text, json or prometheus (OutputConvention). */
public final class FleetFormat extends OutputConvention {
    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Format.TextJsonPrometheus.class,
            converter = Format.TextJsonPrometheus.class,
            description = "text (default), json or prometheus (node_exporter textfile collector).")
    Format format = Format.text;

    @Override
    Format chosen() {
        return format;
    }
}
