package io.memproxy.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memproxy.loader.HostCapabilities;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.report.Marks;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.jline.jansi.Ansi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "ldd",
        header = "List the objects ld.so loads for programs, found where and why.", mixinStandardHelpOptions = true,
        description = {
            "List the objects ld.so loads for each program, in its order, found where and",
            "why, without running anything: preloads (LD_PRELOAD, /etc/ld.so.preload),",
            "DT_NEEDED breadth-first, RPATH/RUNPATH, LD_LIBRARY_PATH, ld.so.cache and",
            "glibc-hwcaps subdirectories, as glibc 2.36 does on x86-64 and i386, and on",
            "aarch64 for an arm64 image under --root (its CPU is assumed: see --hwcaps). The loader",
            "variables of this environment count, as for ldd (-i ignores them)."
        },
        footer = {"%nExamples:%n  memproxy ldd /usr/bin/ls%n  memproxy ldd --tree --preload libjemalloc.so.2 /usr/bin/python3%n  memproxy ldd --json /usr/bin/*%n  memproxy ldd --root /srv/image /usr/bin/sort%n  memproxy ldd --root /srv/arm64-image --hwcaps armv8.0 /usr/bin/pigz%n"
            + "%nExit codes:%n  0  every program was analysed%n  1  a program is unreadable, not ELF, or cannot be loaded%n     (missing library, fatal loader error)%n  2  usage error%n  3  internal failure%n"})
public final class LddCommand implements Callable<Integer> {
    @ParentCommand
    MemproxyCommand parent;

    @Spec
    CommandSpec spec;

    // Paths, so that completion offers files; each is used as given (ld.so's name for it).
    @Parameters(arity = "1..*", paramLabel = "EXE", description = "Programs to analyse (each file is parsed once, in parallel).")
    List<java.nio.file.Path> executables;

    @Mixin
    LoaderOptions loader;

    @Mixin
    OutputOptions output;

    @Option(names = "--tree", description = "Draw the dependency tree with the reason each object was found.")
    boolean tree;

    /** The version of ldd's JSON document; rename or remove a field only together with a new version. */
    static final int JSON_SCHEMA_VERSION = 1;

    /** One program's result, or the one-line reason it could not be analysed. */
    record Result(String exe, LinkMap map, String error) {}

    @Override
    public Integer call() throws IOException {
        LoaderEnvironment env = loader.environment();
        LoaderFiles files = new LoaderFiles(env.root());
        List<Result> results = IntStream.range(0, executables.size()).parallel()
                .mapToObj(i -> analyse(env, files, executables.get(i).toString())).toList();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean problem = false;
        boolean json = output.format() == Format.json;
        if (json) {
            writeJson(results, out);
        }
        boolean colour = output.colour(parent.terminal());
        // One write for all programs: the launcher's writers flush on every line.
        java.io.StringWriter buffer = new java.io.StringWriter();
        PrintWriter page = new PrintWriter(buffer);
        for (Result r : results) {
            if (r.error() != null) {
                err.println("memproxy: " + r.error());
                problem = true;
                continue;
            }
            LinkMap m = r.map();
            for (LinkMap.IgnoredPreload p : m.ignoredPreloads()) {
                err.println("memproxy: " + r.exe() + ": object '" + p.entry() + "' from " + p.source().label()
                        + " cannot be preloaded (" + p.reason() + "): ignored");
            }
            if (m.fatal().isPresent()) {
                err.println("memproxy: " + r.exe() + ": error while loading shared libraries: " + m.fatal().get());
            }
            problem |= !m.complete();
            if (json) {
                continue;
            }
            if (executables.size() > 1 && !tree) {
                page.println(r.exe() + ":");
            }
            if (tree) {
                new Tree(colour, Marks.of(parent.terminal().unicode()), page, env.hwcaps().orElse(HostCapabilities.AARCH64_DEFAULT)).write(r.exe(), m);
            } else if (m.fatal().isEmpty()) {
                lines(m).forEach(l -> page.println("\t" + l));
            }
        }
        files.cacheProblem().ifPresent(p -> err.println("memproxy: warning: " + p));
        page.flush();
        out.print(buffer);
        out.flush();
        return problem ? ExitCodes.PROBLEM : ExitCodes.OK;
    }

    static Result analyse(LoaderEnvironment env, LoaderFiles files, String exe) {
        try {
            return new Result(exe, LinkMap.load(env, files, exe), null);
        } catch (LoaderException e) {
            return new Result(exe, null, e.getMessage());
        }
    }

    /** ldd's lines without addresses and without the vDSO. */
    public static List<String> lines(LinkMap m) {
        if (m.tracedAsStatic()) {
            return List.of("statically linked");
        }
        List<String> out = new ArrayList<>();
        for (LinkMapEntry o : m.loadOrder()) {
            if (!o.found()) {
                out.add(o.requestName() + " => not found");
            } else if (o.requestName().equals(o.name())) {
                out.add(o.name());
            } else {
                out.add(o.requestName() + " => " + o.name());
            }
        }
        return out;
    }

    private static void writeJson(List<Result> results, PrintWriter out) throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter();
        boolean many = results.size() > 1;
        // One executable: its object, as before; several: {"executables": [...]}. Both carry schema_version.
        if (many) {
            g.writeStartObject();
            g.writeNumberField("schema_version", JSON_SCHEMA_VERSION);
            g.writeArrayFieldStart("executables");
        }
        for (Result r : results) {
            g.writeStartObject();
            if (!many) {
                g.writeNumberField("schema_version", JSON_SCHEMA_VERSION);
            }
            g.writeStringField("executable", r.exe());
            if (r.error() != null) {
                g.writeStringField("error", r.error());
                g.writeEndObject();
                continue;
            }
            LinkMap m = r.map();
            g.writeArrayFieldStart("objects");
            for (LinkMapEntry o : m.loadOrder()) {
                if (!o.found()) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("name", o.requestName());
                g.writeStringField("path", o.name());
                g.writeStringField("found_by", o.isPreload() ? "preload" : o.foundBy().label());
                g.writeArrayFieldStart("needed_by");
                for (LinkMapEntry by : o.neededBy()) {
                    g.writeString(by == m.executable() ? r.exe() : by.name());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("missing");
            for (LinkMap.Missing x : m.missing()) {
                g.writeStartObject();
                g.writeStringField("name", x.name());
                g.writeStringField("needed_by", x.requestedBy() == m.executable() ? r.exe() : x.requestedBy().name());
                g.writeArrayFieldStart("tried");
                for (String t : x.tried()) {
                    g.writeString(t);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ignored_preloads");
            for (LinkMap.IgnoredPreload p : m.ignoredPreloads()) {
                g.writeStartObject();
                g.writeStringField("entry", p.entry());
                g.writeStringField("source", p.source().label());
                g.writeStringField("reason", p.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (m.fatal().isPresent()) {
                g.writeStringField("fatal", m.fatal().get());
            }
            g.writeBooleanField("secure", m.secure());
            g.writeEndObject();
        }
        if (many) {
            g.writeEndArray();
            g.writeEndObject();
        }
        g.flush();
        out.println();
    }

    /** libtree-style tree: each object expanded where it is first reached, later references marked. */
    private static final class Tree {
        private final boolean colour;
        private final Marks marks;
        private final PrintWriter out;
        private final Set<LinkMapEntry> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        private final java.util.Map<String, List<String>> tried = new java.util.HashMap<>();

        /** The CPU level assumed for a foreign architecture's program, named on its line. */
        private final String assumed;

        Tree(boolean colour, Marks marks, PrintWriter out, String assumed) {
            this.colour = colour;
            this.marks = marks;
            this.out = out;
            this.assumed = assumed;
        }

        void write(String exe, LinkMap m) {
            out.println(paint(exe, Ansi.Color.DEFAULT, true) + (m.secure() ? paint(" [secure]", Ansi.Color.YELLOW, false) : "")
                    + (m.rules().native_() ? "" : faint(" [" + m.rules().machineName() + "; its CPU is assumed, not this one's: " + assumed
                    + ", --hwcaps sets it]")));
            if (m.isStatic()) {
                out.println(marks.last() + "statically linked");
                return;
            }
            List<LinkMapEntry> top = new ArrayList<>();
            m.loadOrder().stream().filter(LinkMapEntry::isPreload).forEach(top::add);
            top.addAll(m.executable().needs());
            shown.add(m.executable());
            for (LinkMap.Missing x : m.missing()) {
                tried.put(x.requestedBy().name() + "\0" + x.name(), x.tried());
            }
            for (int i = 0; i < top.size(); i++) {
                node(top.get(i), "", i == top.size() - 1, m.executable());
            }
            for (LinkMap.IgnoredPreload p : m.ignoredPreloads()) {
                out.println(paint("   ignored preload " + p.entry() + " (" + p.source().label() + "): " + p.reason(), Ansi.Color.YELLOW, false));
            }
            m.fatal().ifPresent(f -> out.println(paint("   ld.so stops: " + f, Ansi.Color.RED, true)));
        }

        private void node(LinkMapEntry o, String indent, boolean last, LinkMapEntry parent) {
            String branch = indent + (last ? marks.last() : marks.branch());
            if (!o.found()) {
                out.println(branch + paint(o.requestName() + " not found", Ansi.Color.RED, true));
                List<String> places = tried.getOrDefault(parent.name() + "\0" + o.requestName(), List.of());
                if (!places.isEmpty()) {
                    out.println(indent + (last ? "    " : marks.pipe()) + faint("tried: " + String.join(", ", places)));
                }
                return;
            }
            boolean again = !shown.add(o);
            String reason = again ? "already loaded" : o.isPreload() ? "preload" : o.foundBy().label();
            String where = o.requestName().equals(o.name()) ? o.name() : o.requestName() + " => " + o.name();
            Ansi.Color c = again ? Ansi.Color.DEFAULT : switch (o.foundBy()) {
                case RPATH, RUNPATH -> Ansi.Color.CYAN;
                case LD_LIBRARY_PATH -> Ansi.Color.MAGENTA;
                case PATH -> Ansi.Color.BLUE;
                default -> Ansi.Color.GREEN;
            };
            out.println(branch + (again ? faint(where) : where) + " " + paint("[" + reason + "]", c, false));
            if (again) {
                return;
            }
            List<LinkMapEntry> kids = o.needs();
            for (int i = 0; i < kids.size(); i++) {
                node(kids.get(i), indent + (last ? "    " : marks.pipe()), i == kids.size() - 1, o);
            }
        }

        private String paint(String s, Ansi.Color c, boolean bold) {
            if (!colour) {
                return s;
            }
            Ansi a = Ansi.ansi();
            if (bold) {
                a = a.bold();
            }
            return (c == Ansi.Color.DEFAULT ? a : a.fg(c)).a(s).reset().toString();
        }

        private String faint(String s) {
            return colour ? Ansi.ansi().a(Ansi.Attribute.INTENSITY_FAINT).a(s).reset().toString() : s;
        }
    }
}
