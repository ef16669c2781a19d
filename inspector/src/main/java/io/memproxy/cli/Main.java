package io.memproxy.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of the launcher: the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The version needs no command model: building picocli's (its classes, its converters) is most of
        // the start-up (BENCHMARKS.md), so `memproxy --version` answers before it.
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(new Version().getVersion()[0]);
            System.exit(ExitCodes.OK);
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = CommandLines.execute(out, err, Terminal.detect(), CallerEnvironment.detect(), args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
