package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.SearchPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each preload entry: can ld.so load it at all (elf/rtld.c: do_preload; elf/dl-load.c: open_verify)? */
public final class ChainCheck implements Check {
    @Override
    public String name() {
        return "chain";
    }

    @Override
    public String title() {
        return "Preload chain entries";
    }

    @Override
    public List<Finding> run(Inspection in) {
        List<Finding> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        if (in.preloadFileProblem().isPresent()) {
            String p = in.preloadFileProblem().get();
            out.add(Finding.error("preload.file-unreadable", "/etc/ld.so.preload",
                    p + (p.contains("FIFO") ? ": every program that starts blocks reading it" : ": its entries are not examined"),
                    "make /etc/ld.so.preload a regular file of absolute library paths, or remove it"));
        }
        long beyond = in.preloadEntriesNotExamined();
        long notRead = in.preloadBytesNotRead();
        if (beyond > 0 || notRead > 0) {
            out.add(Finding.error("preload.too-many", "/etc/ld.so.preload", "/etc/ld.so.preload names more entries than the "
                    + io.memproxy.loader.PreloadChain.MAX_ENTRIES + " examined (" + beyond + " more"
                    + (notRead > 0 ? ", and " + notRead + " bytes after the first " + io.memproxy.loader.PreloadChain.MAX_FILE
                            + " not read" : "") + "); no process can map that many objects (vm.max_map_count)",
                    "keep the allocator chain only: two or three entries"));
        }
        LoaderRules rules = in.referenceMap().rules();
        for (Link l : in.chain()) {
            String ignored = "ld.so prints \"ERROR: ld.so: object '" + l.entry() + "' from " + l.source() + " cannot be preloaded ("
                    + l.reason() + "): ignored.\" in every " + rules.bits() + " process";
            String remove = "remove '" + l.entry() + "' from " + l.source();
            notExpanded(l, remove, out);
            switch (l.outcome()) {
                case LOADED -> {
                    String real = in.realPath(l.path()).orElse(l.path());
                    String first = seen.putIfAbsent(real, l.entry());
                    if (first != null) {
                        out.add(new Finding("preload.duplicate", Severity.WARNING, List.of(l.entry(), first),
                                "'" + l.entry() + "' is the same file as '" + first + "': ld.so loads it once, the second entry does nothing",
                                remove + " (the second occurrence)"));
                    }
                    missingDependencies(in, l, remove, out);
                }
                case MISSING -> out.add(Finding.error("preload.missing", l.entry(), l.entry()
                        + (l.entry().equals(l.path()) ? "" : " (" + l.path() + " in " + rules.bits() + " processes)") + " does not exist: "
                        + ignored, "install it, or " + remove));
                case NOT_FOUND -> out.add(Finding.error("preload.not-found", l.entry(),
                        "'" + l.entry() + "' is a bare name that ld.so's search (ld.so.cache, default directories) does not find: " + ignored,
                        "write the full path of the library, or " + remove));
                case NOT_ELF -> {
                    boolean script = !l.scriptInputs().isEmpty();
                    String elf = l.scriptInputs().stream().filter(s -> s.contains(".so.")).findFirst().orElse("");
                    out.add(new Finding("preload.not-elf", Severity.ERROR, List.of(l.entry(), l.path()),
                            l.path() + (script ? " is a GNU ld script (input for the link editor), not a shared object: "
                                    : " is not an ELF file: ") + ignored,
                            elf.isEmpty() ? remove : "preload the library the script names, " + elf + ", or " + remove));
                }
                case WRONG_CLASS -> out.add(Finding.error("preload.wrong-class", l.entry(),
                        l.path() + " is not a " + rules.bits() + " object, so only processes of the other class can load it: "
                        + ignored, "name each class's build with $LIB (" + ClassCheck.libForm(l.path()) + ", with the "
                        + rules.bits() + " build in /usr/" + rules.dstLib() + "/), or " + remove));
                case WRONG_MACHINE -> out.add(Finding.error("preload.wrong-machine", l.entry(),
                        l.path() + " is built for another machine than " + rules.machineName() + ": " + ignored,
                        "use the " + rules.machineName() + " build of the library, or " + remove));
                case UNLOADABLE -> out.add(Finding.error("preload.unloadable", l.entry(),
                        l.path() + " cannot be loaded as a shared library (" + l.reason() + "): " + ignored, remove));
            }
        }
        return out;
    }

    /**
     * A DST ld.so leaves alone in this place: in a name without '/', which is searched for literally
     * (elf/dl-load.c: _dl_map_object expands only paths), or a '$' word that is no DST ($LIBDIR, $lib).
     */
    private static void notExpanded(Link l, String remove, List<Finding> out) {
        String e = l.entry();
        if (!e.contains("$")) {
            return;
        }
        if (!e.contains("/") && SearchPath.hasDst(e)) {
            out.add(Finding.error("preload.dst-not-expanded", e, "'" + e + "' has no '/': ld.so searches for a file literally named '"
                    + e + "' and expands no $LIB, $PLATFORM or $ORIGIN in it", "write the library's path instead (ld.so expands $LIB only in a path, e.g."
                    + " /usr/$LIB/libjemalloc.so.2), or " + remove));
            return;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$(\\{[^}]*\\}?|\\w*)").matcher(e);
        while (m.find()) {
            String token = m.group();
            if (!SearchPath.hasDst(token) || !SearchPath.hasDst(e.substring(m.start()))) {
                out.add(Finding.error("preload.dst-not-expanded", e, "'" + token + "' in '" + e + "' is not a token ld.so expands"
                        + " ($LIB, $PLATFORM, $ORIGIN, or braced as ${LIB}): the path is taken literally",
                        "write $LIB (ld.so makes it lib/<multiarch triplet> per class), or " + remove));
                return;
            }
        }
    }

    /**
     * Only the entry itself is optional: once ld.so has mapped a preload, a DT_NEEDED of it that
     * cannot be found stops every process (elf/dl-deps.c: _dl_map_object_deps; docs/loader-rules.md rule 3).
     * A library the program itself needs first is the program's problem, not the chain's.
     */
    private static void missingDependencies(Inspection in, Link l, String remove, List<Finding> out) {
        LinkMap m = in.referenceMap();
        String real = in.realPath(l.path()).orElse(l.path());
        for (LinkMap.Missing missing : m.missing()) {
            LinkMapEntry root = missing.requestedBy();
            while (root != null && !root.isPreload()) {
                root = root.loader().orElse(null);
            }
            if (root == null || !in.realPath(root.path()).orElse(root.path()).equals(real)) {
                continue;
            }
            out.add(new Finding("preload.missing-dependency", Severity.ERROR, List.of(l.entry(), missing.name()),
                    l.entry() + " needs " + missing.name() + (missing.requestedBy() == root ? "" : " (through " + missing.requestedBy().path() + ")")
                            + ", which ld.so cannot find: every process would stop at start-up with \"error while loading shared libraries: "
                            + missing.name() + ": cannot open shared object file\" (exit 127)",
                    "install the library that provides " + missing.name() + ", or " + remove));
        }
    }
}
