package io.memproxy.cli;

import picocli.CommandLine.Option;

/** The trial's output options: its table, the JSON document, or Markdown for a ticket (OutputConvention). */
public final class TrialFormat extends OutputConvention {
    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Format.TextJsonMarkdown.class,
            converter = Format.TextJsonMarkdown.class, description = "text (default), json or markdown.")
    Format format = Format.text;

    @Override
    Format chosen() {
        return format;
    }
}
