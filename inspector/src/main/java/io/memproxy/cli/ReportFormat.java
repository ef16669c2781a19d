package io.memproxy.cli;

import picocli.CommandLine.Option;

/** The support report's output options: its Markdown bundle, or the JSON document alone (OutputConvention). */
public final class ReportFormat extends OutputConvention {
    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Format.MarkdownJson.class,
            converter = Format.MarkdownJson.class,
            description = "markdown (default: the bundle, with the JSON document inside) or json (the document alone).")
    Format format = Format.markdown;

    @Override
    Format chosen() {
        return format;
    }
}
