package io.memproxy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes one AsciiDoc man page per command, memproxy-COMMAND.adoc, from the picocli model at build time
 * (the Makefile turns them into man pages with asciidoctor), so that a command's man page and its
 * --help cannot drift apart. memproxy(1), the overview, is written by hand (inspector/man). Needs
 * picocli-codegen on the class path, which the build copies to target/build-tools; never run by memproxy.
 * Usage: ManPages DIR
 */
public final class ManPages {
    private ManPages() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (Map.Entry<String, CommandLine> c : CommandLines.fromAnnotations().getSubcommands().entrySet()) {
            if (c.getKey().equals("help")) {
                continue;
            }
            Path page = dir.resolve("memproxy-" + c.getKey() + ".adoc");
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(page, StandardCharsets.UTF_8))) {
                ManPageGenerator.writeSingleManPage(out, c.getValue().getCommandSpec());
            }
        }
    }
}
