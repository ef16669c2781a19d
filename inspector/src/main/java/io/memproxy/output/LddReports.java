package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jline.jansi.Ansi;

/** The outputs of memproxy ldd: ldd's own lines, a libtree-style tree, and JSON (docs/ldd-bind-elf.md; JSON in docs/json.md). */
public final class LddReports {
    /** The version of ldd's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    private LddReports() {}

    /** One program's link map, or the one-line reason it could not be analysed ({@code map} null). */
    public record Program(String exe, LinkMap map, String error) {}

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

    /**
     * The dependency tree: each object expanded where it is first reached, later references marked;
     * {@code assumed} is the CPU level taken for a foreign architecture's program, named on its line.
     */
    public static void tree(LinkMap m, Colour colour, Marks marks, String assumed, PrintWriter out) {
        new Tree(colour, marks, out, assumed).write(m);
    }

    /** One program: its object; several: {@code {"executables": [...]}}. Both carry schema_version. */
    public static void json(List<Program> programs, PrintWriter out) {
        if (programs.size() == 1) {
            Json.write(new One(SCHEMA_VERSION, entry(programs.get(0))), out);
        } else {
            Json.write(new Many(SCHEMA_VERSION, programs.stream().map(LddReports::entry).toList()), out);
        }
    }

    record One(int schemaVersion, @JsonUnwrapped Entry program) implements Json.Document {}

    record Many(int schemaVersion, List<Entry> executables) implements Json.Document {}

    /** One program; a program that could not be analysed has only its error. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String executable, String error, List<Found> objects, List<Missing> missing, List<Ignored> ignoredPreloads,
            String fatal, Boolean secure) {}

    record Found(String name, String path, String foundBy, List<String> neededBy) {}

    record Missing(String name, String neededBy, List<String> tried) {}

    record Ignored(String entry, String source, String reason) {}

    private static Entry entry(Program p) {
        if (p.error() != null) {
            return new Entry(p.exe(), p.error(), null, null, null, null, null);
        }
        LinkMap m = p.map();
        List<Found> objects = m.loadOrder().stream().filter(LinkMapEntry::found)
                .map(o -> new Found(o.requestName(), o.name(), o.isPreload() ? "preload" : o.foundBy().label(),
                        o.neededBy().stream().map(m::shownName).toList()))
                .toList();
        List<Missing> missing = m.missing().stream()
                .map(x -> new Missing(x.name(), m.shownName(x.requestedBy()), x.tried())).toList();
        List<Ignored> ignored = m.ignoredPreloads().stream()
                .map(i -> new Ignored(i.entry(), i.source().label(), i.reason())).toList();
        return new Entry(p.exe(), null, objects, missing, ignored, m.fatal().orElse(null), m.secure());
    }

    private static final class Tree {
        private final Colour colour;
        private final Marks marks;
        private final PrintWriter out;
        private final Set<LinkMapEntry> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Map<String, List<String>> tried = new java.util.HashMap<>();
        private final String assumed;

        Tree(Colour colour, Marks marks, PrintWriter out, String assumed) {
            this.colour = colour;
            this.marks = marks;
            this.out = out;
            this.assumed = assumed;
        }

        void write(LinkMap m) {
            out.println(colour.bold(m.shownName(m.executable())) + (m.secure() ? colour.paint(" [secure]", Ansi.Color.YELLOW) : "")
                    + (m.rules().native_() ? "" : colour.faint(" [" + m.rules().machineName() + "; its CPU is assumed, not this one's: "
                    + assumed + ", --hwcaps sets it]")));
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
                out.println(colour.paint("   ignored preload " + p.entry() + " (" + p.source().label() + "): " + p.reason(), Ansi.Color.YELLOW));
            }
            m.fatal().ifPresent(f -> out.println(colour.paint("   ld.so stops: " + f, Ansi.Color.RED, true)));
        }

        private void node(LinkMapEntry o, String indent, boolean last, LinkMapEntry parent) {
            String branch = indent + (last ? marks.last() : marks.branch());
            if (!o.found()) {
                out.println(branch + colour.paint(o.requestName() + " not found", Ansi.Color.RED, true));
                List<String> places = tried.getOrDefault(parent.name() + "\0" + o.requestName(), List.of());
                if (!places.isEmpty()) {
                    out.println(indent + (last ? "    " : marks.pipe()) + colour.faint("tried: " + String.join(", ", places)));
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
            out.println(branch + (again ? colour.faint(where) : where) + " " + colour.paint("[" + reason + "]", c));
            if (again) {
                return;
            }
            List<LinkMapEntry> kids = o.needs();
            for (int i = 0; i < kids.size(); i++) {
                node(kids.get(i), indent + (last ? "    " : marks.pipe()), i == kids.size() - 1, o);
            }
        }
    }
}
