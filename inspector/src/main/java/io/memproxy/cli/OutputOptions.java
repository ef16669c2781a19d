package io.memproxy.cli;

import picocli.CommandLine.Option;

/** The output options of commands that print text or JSON (OutputConvention). */
public final class OutputOptions extends OutputConvention {
    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Format.TextJson.class,
            converter = Format.TextJson.class, description = "text (default) or json.")
    Format format = Format.text;

    @Override
    Format chosen() {
        return format;
    }
}
