package io.memproxy.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memproxy.loader.AllocatorSymbols;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.SymbolBinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jline.jansi.Ansi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "bind",
        header = "Say which object each reference to a symbol binds to.", mixinStandardHelpOptions = true,
        description = {
            "Say which object each reference to SYMBOL binds to at start-up",
            "(LD_BIND_NOW), as ld.so resolves it: scope order, symbol versions, weak and",
            "unique definitions, copy relocations. Default symbols: the malloc family and",
            "C++ operator new/delete. --next answers dlsym(RTLD_NEXT, SYMBOL) called from",
            "OBJ. The loader variables of this environment count (-i ignores them)."
        },
        footer = {"%nExamples:%n  memproxy bind /usr/bin/ls%n  memproxy bind --preload libjemalloc.so.2 /usr/bin/ls reallocarray%n  memproxy bind --preload libmemproxy.so:libjemalloc.so.2 \\%n      --next libmemproxy.so malloc /bin/sh%n  memproxy bind --json /usr/bin/python3 malloc free%n"
            + "%nExit codes:%n  0  bindings computed%n  1  the program is unreadable, not ELF, or cannot be loaded%n     (missing library, fatal loader error), or no object references%n     or defines a SYMBOL given%n  2  usage error%n  3  internal failure%n"})
public final class BindCommand implements Callable<Integer> {
    @ParentCommand
    MemproxyCommand parent;

    @Spec
    CommandSpec spec;

    String exe;

    // A path, so that completion offers files; used as given.
    @Parameters(index = "0", paramLabel = "EXE", description = "The program.")
    void exe(java.nio.file.Path program) {
        exe = program.toString();
    }

    @Parameters(index = "1..*", paramLabel = "SYMBOL", description = "Symbols (default: malloc family and operator new/delete).")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--next", arity = "2", paramLabel = "OBJ SYMBOL",
            description = "What dlsym(RTLD_NEXT, SYMBOL) returns when called from OBJ (a path, soname or file name of a loaded object).")
    List<String> next;

    @Mixin
    LoaderOptions loader;

    @Mixin
    OutputOptions output;

    /** The version of bind's JSON document; rename or remove a field only together with a new version. */
    static final int JSON_SCHEMA_VERSION = 1;

    /** One distinct binding, as shown. */
    record Row(String from, String to, String symbol, String version) {}

    @Override
    public Integer call() throws IOException {
        LoaderEnvironment env = loader.environment();
        LinkMap map;
        try {
            map = LinkMap.load(env, exe);
        } catch (LoaderException e) {
            throw new MemproxyException(ExitCodes.PROBLEM, e.getMessage());
        }
        if (map.isStatic()) {
            throw new MemproxyException(ExitCodes.PROBLEM, exe + ": statically linked: ld.so binds nothing");
        }
        SymbolBinder binder = new SymbolBinder(map);
        Set<String> wanted = symbols.isEmpty() ? AllocatorSymbols.ALL : Set.copyOf(symbols);
        Set<Row> rows = new LinkedHashSet<>();
        for (SymbolBinder.Binding b : binder.relocationBindings(wanted::contains)) {
            rows.add(new Row(display(map, b.from()), b.to().map(t -> display(map, t)).orElse(null), b.symbol(), b.version().orElse(null)));
        }
        Optional<LinkMapEntry> nextFrom = Optional.empty();
        Optional<LinkMapEntry> nextTo = Optional.empty();
        if (next != null) {
            nextFrom = find(map, next.get(0));
            if (nextFrom.isEmpty()) {
                throw new MemproxyException(ExitCodes.USAGE, "--next " + next.get(0) + ": no such object in the link map of " + exe);
            }
            nextTo = binder.next(nextFrom.get(), next.get(1));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean colour = output.colour(parent.terminal());
        if (output.format() == Format.json) {
            JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schema_version", JSON_SCHEMA_VERSION);
            g.writeStringField("executable", exe);
            g.writeArrayFieldStart("bindings");
            for (Row r : rows) {
                g.writeStartObject();
                g.writeStringField("symbol", r.symbol());
                g.writeStringField("from", r.from());
                g.writeStringField("to", r.to());
                g.writeStringField("version", r.version());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (next != null) {
                g.writeObjectFieldStart("next");
                g.writeStringField("from", display(map, nextFrom.get()));
                g.writeStringField("symbol", next.get(1));
                g.writeStringField("to", nextTo.map(t -> display(map, t)).orElse(null));
                g.writeEndObject();
            }
            g.writeEndObject();
            g.flush();
            out.println();
        } else {
            for (Row r : rows) {
                String to = r.to() == null ? paint("(undefined)", Ansi.Color.RED, colour) : r.to();
                out.println(r.from() + " -> " + to + "  " + r.symbol() + (r.version() == null ? "" : "@" + r.version()));
            }
            if (next != null) {
                out.println(display(map, nextFrom.get()) + " -> "
                        + nextTo.map(t -> display(map, t)).orElse(paint("(not found)", Ansi.Color.RED, colour))
                        + "  " + next.get(1) + " (RTLD_NEXT)");
            }
        }
        out.flush();
        boolean unknown = unknownSymbols(map, rows, err);
        for (LinkMap.Missing m : map.missing()) {
            err.println("memproxy: " + exe + ": " + m.name() + ": cannot open shared object file (needed by "
                    + display(map, m.requestedBy()) + ")");
        }
        map.fatal().ifPresent(f -> err.println("memproxy: " + exe + ": error while loading shared libraries: " + f));
        // The same file that elf calls malformed: its bindings cannot be shown, so the answer is incomplete.
        binder.malformed().forEach(m -> err.println("memproxy: " + m + " (malformed; its bindings are not shown)"));
        return map.complete() && binder.malformed().isEmpty() && !unknown ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    /**
     * A SYMBOL named on the command line that no loaded object references or defines is most likely a
     * typo: say so on stderr, with the closest dynamic symbol names of the link map.
     */
    private boolean unknownSymbols(LinkMap map, Set<Row> rows, PrintWriter err) {
        List<String> unknown = new ArrayList<>();
        for (String s : new LinkedHashSet<>(symbols)) {
            if (rows.stream().noneMatch(r -> r.symbol().equals(s))) {
                unknown.add(s);
            }
        }
        if (unknown.isEmpty()) {
            return false;
        }
        Set<String> names = new java.util.HashSet<>();
        for (LinkMapEntry o : map.scope()) {
            if (o.elf().isEmpty()) {
                continue;
            }
            try {
                o.elf().get().dynamicSymbols().forEach(d -> names.add(d.name()));
            } catch (io.memproxy.elf.MalformedElfException e) {
                // A table that cannot be read offers no names; the binding itself reported the object.
            }
        }
        boolean any = false;
        for (String s : unknown) {
            if (!names.contains(s)) {
                any = true;
                err.println("memproxy: no object references or defines '" + s + "'"
                        + Suggestions.didYouMean(Suggestions.closest(s, names, 3)));
            }
        }
        return any;
    }

    /** The name ld.so gives an object; the executable as given on the command line. */
    private String display(LinkMap map, LinkMapEntry o) {
        return o == map.executable() ? exe : o.name();
    }

    private Optional<LinkMapEntry> find(LinkMap map, String name) {
        if (name.equals(exe)) {
            return Optional.of(map.executable());
        }
        List<LinkMapEntry> all = new ArrayList<>(map.scope());
        for (LinkMapEntry o : all) {
            if (o.name().equals(name) || o.requestName().equals(name) || o.soname().map(name::equals).orElse(false)) {
                return Optional.of(o);
            }
        }
        for (LinkMapEntry o : all) {
            if (o.name().endsWith("/" + name)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static String paint(String s, Ansi.Color c, boolean colour) {
        return colour ? Ansi.ansi().fg(c).a(s).reset().toString() : s;
    }
}
