package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LoaderRules;
import io.memproxy.shimmodel.ShimRoute;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The chain in processes of the other word size: one machine-wide chain is read by the 64-bit and the 32-bit
 * ld.so alike, and a file of the wrong class (or a $LIB expansion that is missing) costs every process of that
 * class an error line and the shim. Examines a program of each class found on the machine (or named with
 * --exe): whether the chain loads, who provides malloc, and what the shim decides.
 */
public final class ClassCheck implements Check {
    /** At most this many of ld.so's lines are quoted in one finding. */
    static final int QUOTED = 8;

    @Override
    public String name() {
        return "class";
    }

    @Override
    public String title() {
        return "Programs of the other word size";
    }

    @Override
    public List<Finding> run(Inspection in) throws Exception {
        List<Finding> out = new ArrayList<>();
        if (in.chain().isEmpty()) {
            return out;
        }
        for (var e : in.otherClassTargets().entrySet()) {
            LoaderRules rules = e.getKey();
            String exe = e.getValue();
            String kind = rules.bits() + " (" + rules.name() + ") programs";
            boolean named = in.targets().contains(exe);
            String who = named ? exe : kind + " such as " + exe;
            LinkMap m = in.linkMap(exe);
            if (!m.ignoredPreloads().isEmpty()) {
                List<String> lines = new ArrayList<>();
                Set<String> subjects = new LinkedHashSet<>();
                List<String> expansions = new ArrayList<>();
                boolean shim = false;
                int more = 0;
                for (LinkMap.IgnoredPreload i : m.ignoredPreloads()) {
                    // A finding quotes a few lines: a hostile preload file can name thousands of entries.
                    if (lines.size() == QUOTED) {
                        more++;
                        continue;
                    }
                    lines.add("ERROR: ld.so: object '" + i.entry() + "' from " + i.source().label() + " cannot be preloaded ("
                            + i.reason() + "): ignored.");
                    subjects.add(i.entry());
                    shim |= i.entry().contains("libmemproxy");
                    String path = m.preloadPath(i.entry()).orElse(i.entry());
                    if (!path.equals(i.entry())) {
                        expansions.add(i.entry() + " is " + path + " there");
                    }
                }
                subjects.add(exe);
                boolean libForm = !expansions.isEmpty();
                String id = libForm ? "class.lib-missing" : "class.uncovered";
                String why = libForm ? "in " + kind + ", " + String.join(", ", expansions) + ", which ld.so cannot use"
                        : "the chain names no " + rules.bits() + " files";
                out.add(new Finding(id, named ? Severity.ERROR : Severity.WARNING, new ArrayList<>(subjects),
                        why + ": " + who + (named ? " starts" : " (every one of them) start") + " with \"" + String.join("\" \"", lines)
                                + "\"" + (more > 0 ? " and " + more + " more such lines" : "") + " on stderr and run without " + (shim ? "the shim" : "those entries"),
                        libForm ? "install the " + rules.name() + " builds (make install puts the shim in /usr/lib/"
                                + triplet(rules) + "/ under PREFIX=/usr; apt install libjemalloc2:" + rules.name() + ")"
                                : "name both classes' files with $LIB, e.g. " + libChain(in) + " (make install builds and installs"
                                        + " the " + rules.name() + " shim; apt install libjemalloc2:" + rules.name() + ")"));
            }
            Route r = Routes.predict(in, exe);
            String decides = r.route() == ShimRoute.NONE ? "the shim does not decide (" + r.reason() + ")"
                    : "the shim decides " + r.route().word() + (r.allocator().isEmpty() ? "" : " " + r.allocator()) + " (" + r.reason() + ")";
            out.add(Finding.info("class.summary", exe, kind + ", examined with " + exe + ": " + (m.complete()
                    ? "the chain loads" + (m.ignoredPreloads().isEmpty() ? "" : " without the ignored entries")
                    : "ld.so stops (" + m.fatal().orElse("missing libraries") + ")") + "; malloc from "
                    + (r.mallocFrom().isEmpty() ? "nothing" : r.mallocFrom()) + "; " + decides));
        }
        return out;
    }

    static String triplet(LoaderRules rules) {
        return rules.dstLib().substring(rules.dstLib().indexOf('/') + 1);
    }

    /** The chain with each entry under a lib directory written with $LIB: /usr/local/lib/x.so → /usr/local/$LIB/x.so. */
    static String libChain(Inspection in) {
        List<String> out = new ArrayList<>();
        for (Link l : in.chain()) {
            if (out.size() == QUOTED) {
                out.add("...");
                break;
            }
            out.add(libForm(l.path().isEmpty() ? l.entry() : l.path()));
        }
        return String.join(" ", out);
    }

    static String libForm(String path) {
        for (LoaderRules r : LoaderRules.ALL) {
            int at = path.indexOf("/" + r.dstLib() + "/");
            if (at >= 0) {
                return path.substring(0, at) + "/$LIB/" + path.substring(at + r.dstLib().length() + 2);
            }
        }
        String lib = path.replaceFirst("/lib/([^/]+)$", "/\\$LIB/$1");
        // A shim outside any lib directory (a build tree): where make install puts both builds.
        return lib.equals(path) && path.endsWith("/libmemproxy.so") ? "/usr/local/$LIB/libmemproxy.so" : lib;
    }
}
