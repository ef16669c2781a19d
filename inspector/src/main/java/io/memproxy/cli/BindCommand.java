package io.memproxy.cli;

import io.memproxy.loader.AllocatorSymbols;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.SymbolBinder;
import io.memproxy.output.BindReports;
import io.memproxy.output.Colour;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
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
        Set<BindReports.Row> rows = new LinkedHashSet<>();
        for (SymbolBinder.Binding b : binder.relocationBindings(wanted::contains)) {
            rows.add(new BindReports.Row(b.symbol(), map.shownName(b.from()), b.to().map(map::shownName).orElse(null), b.version().orElse(null)));
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
        Optional<BindReports.Next> asked = next == null ? Optional.empty()
                : Optional.of(new BindReports.Next(map.shownName(nextFrom.get()), next.get(1), nextTo.map(map::shownName).orElse(null)));
        if (output.format() == Format.json) {
            BindReports.json(exe, rows, asked, out);
        } else {
            BindReports.text(rows, asked, new Colour(output.colour(parent.terminal())), out);
        }
        out.flush();
        boolean unknown = unknownSymbols(map, rows, err);
        for (LinkMap.Missing m : map.missing()) {
            err.println("memproxy: " + exe + ": " + m.name() + ": cannot open shared object file (needed by "
                    + map.shownName(m.requestedBy()) + ")");
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
    private boolean unknownSymbols(LinkMap map, Set<BindReports.Row> rows, PrintWriter err) {
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
}
