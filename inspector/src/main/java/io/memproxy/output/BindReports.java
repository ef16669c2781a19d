package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jline.jansi.Ansi;

/** The outputs of memproxy bind: one line per distinct binding, or JSON (docs/ldd-bind-elf.md; JSON in docs/json.md). */
public final class BindReports {
    /** The version of bind's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    private BindReports() {}

    /** One distinct binding, objects named as shown to users; {@code to} and {@code version} may be null. */
    public record Row(String symbol, String from, String to, String version) {}

    /** What dlsym(RTLD_NEXT, symbol) called from {@code from} returns; {@code to} is null when nothing. */
    public record Next(String from, String symbol, String to) {}

    public static void text(Collection<Row> rows, Optional<Next> next, Colour colour, PrintWriter out) {
        for (Row r : rows) {
            String to = r.to() == null ? colour.paint("(undefined)", Ansi.Color.RED) : r.to();
            out.println(r.from() + " -> " + to + "  " + r.symbol() + (r.version() == null ? "" : "@" + r.version()));
        }
        next.ifPresent(n -> out.println(n.from() + " -> " + (n.to() == null ? colour.paint("(not found)", Ansi.Color.RED) : n.to())
                + "  " + n.symbol() + " (RTLD_NEXT)"));
        out.flush();
    }

    public static void json(String exe, Collection<Row> rows, Optional<Next> next, PrintWriter out) {
        Json.write(new Document(SCHEMA_VERSION, exe, List.copyOf(rows), next.orElse(null)), out);
    }

    record Document(int schemaVersion, String executable, List<Row> bindings,
            @JsonInclude(JsonInclude.Include.NON_NULL) Next next) implements Json.Document {}
}
