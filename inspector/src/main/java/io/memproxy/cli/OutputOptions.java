package io.memproxy.cli;

import picocli.CommandLine.Option;

/** Options every reporting command shares. */
public final class OutputOptions {
    @Option(names = "--no-color", description = "Never colour the output (colour is also off for NO_COLOR and when not a terminal).")
    public boolean noColor;

    @Option(names = "--json", description = "Print one JSON document on stdout and nothing else there.")
    public boolean json;
}
