package io.memproxy.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The output convention every command follows: --format FORMAT, --json as its alias, and --no-color.
 * A command adopts it with one {@code @Mixin} of the subclass that declares the formats it offers:
 * {@link OutputOptions} (text, json), {@link FleetFormat} (adds prometheus), {@link DoctorFormat} (every
 * format). Each subclass declares --format itself, so help and completion list exactly its formats.
 */
public abstract class OutputConvention {
    @Option(names = "--json", description = "Same as --format json: one JSON document on stdout and nothing else there.")
    public boolean json;

    @Option(names = "--no-color", description = "Never colour the output (colour is also off for NO_COLOR and when not a terminal).")
    public boolean noColor;

    /** The --format value. */
    abstract Format chosen();

    /** The format asked for: --json wins over --format. */
    public Format format() {
        return json ? Format.json : chosen();
    }

    /** Where the command's text goes: stdout, or nowhere when one JSON document is printed at the end instead. */
    PrintWriter text(CommandSpec spec) {
        return format() == Format.json ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut();
    }

    /** Whether to colour: a terminal, no NO_COLOR and no --no-color. */
    boolean colour(Terminal terminal) {
        return terminal.colorWanted(noColor);
    }
}
