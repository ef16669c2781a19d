package io.memproxy.loader;

import io.memproxy.elf.DynamicInfo;
import io.memproxy.elf.ElfImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The objects ld.so loads for a program at start-up, without running it: preloads, then DT_NEEDED breadth-first
 * (elf/rtld.c: dl_main, elf/dl-deps.c: _dl_map_object_deps, elf/dl-load.c: _dl_map_object). Like ld.so in
 * trace mode it records names it cannot find and goes on; a fatal error (a non-ELF file on the search path)
 * stops the load as it stops ld.so.
 */
public final class LinkMap {
    /** A preload entry ld.so skips, with the reason its "cannot be preloaded" message gives. */
    public record IgnoredPreload(String entry, PreloadChain.Source source, String reason) {}

    /**
     * What ld.so made of one preload entry (elf/rtld.c: do_preload).
     *
     * @param entry   the entry as written
     * @param path    the file ld.so opened for it: a path with its DSTs expanded (the entry itself when they
     *                expand to nothing), the file a bare name's search found, or "" when the search found none
     * @param outcome loaded, or why not ({@link LoadOutcome#NOT_FOUND} for any bare name that is not loaded)
     * @param reason  ld.so's words for an ignored entry, or ""
     * @param object  the loaded object
     */
    public record Preload(String entry, PreloadChain.Source source, String path, LoadOutcome outcome, String reason,
            Optional<LinkMapEntry> object) {
        public boolean loaded() {
            return outcome == LoadOutcome.LOADED;
        }
    }

    /**
     * A needed name that was not found, the object that needed it, and where ld.so looked, in order
     * ("rpath /dir/", "LD_LIBRARY_PATH /dir/", "runpath /dir/", "ld.so.cache", "default dir /lib/…/", or the path).
     */
    public record Missing(String name, LinkMapEntry requestedBy, List<String> tried) {
        public Missing {
            tried = java.util.Collections.unmodifiableList(tried); // a search's own list, kept lazy (long search paths)
        }
    }

    private final LoaderEnvironment env;
    private final LinkMapEntry executable;
    /** The program as the user named it (the executable's own name is empty for a kernel start). */
    private final String program;
    private final List<LinkMapEntry> loadOrder;
    private final List<LinkMapEntry> scope;
    private final List<Missing> missing;
    private final List<Preload> preloads;
    private final String fatal;
    private final boolean secure;
    private final boolean isStatic;
    private final LoaderRules rules;

    private LinkMap(Builder b) {
        this.env = b.env;
        this.executable = b.exe;
        this.program = b.exePath;
        this.loadOrder = List.copyOf(b.loadOrder());
        this.scope = List.copyOf(b.searchList());
        this.missing = List.copyOf(b.missing);
        this.preloads = List.copyOf(b.preloads);
        this.fatal = b.fatal;
        this.secure = b.secure;
        this.isStatic = b.isStatic;
        this.rules = b.rules;
    }

    /** Loads {@code exe} (a loader path: absolute, or relative to the working directory) with a fresh file cache. */
    public static LinkMap load(LoaderEnvironment env, String exe) {
        return load(env, new LoaderFiles(env.root()), exe);
    }

    /**
     * Loads {@code exe}, sharing parsed files through {@code files} (which must be for the same root).
     *
     * @throws LoaderException when the executable itself cannot be read or is not a loadable ELF file
     */
    public static LinkMap load(LoaderEnvironment env, LoaderFiles files, String exe) {
        Builder b = new Builder(env, files, exe);
        b.run();
        return new LinkMap(b);
    }

    public LoaderEnvironment environment() {
        return env;
    }

    public LinkMapEntry executable() {
        return executable;
    }

    /** The name to show users for an object of this map: the program as the user named it, else its path. */
    public String shownName(LinkMapEntry o) {
        return o == executable ? program : o.path();
    }

    /** Every object after the executable in ld.so's list order (what ldd prints), missing ones included. */
    public List<LinkMapEntry> loadOrder() {
        return loadOrder;
    }

    /** The global scope in lookup order: executable, preloads, then DT_NEEDED breadth-first. */
    public List<LinkMapEntry> scope() {
        return scope;
    }

    public List<Missing> missing() {
        return missing;
    }

    public List<IgnoredPreload> ignoredPreloads() {
        List<IgnoredPreload> out = new ArrayList<>();
        for (Preload p : preloads) {
            if (!p.loaded()) {
                out.add(new IgnoredPreload(p.entry(), p.source(), p.reason()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every preload entry ld.so looked at, in its order, with what it made of it; none for a program ld.so
     * does not run (static), and none for LD_PRELOAD entries secure mode drops without a word.
     */
    public List<Preload> preloads() {
        return preloads;
    }

    /** The error that stops ld.so ("NAME: invalid ELF header"), if any; objects loaded before it are still listed. */
    public Optional<String> fatal() {
        return Optional.ofNullable(fatal);
    }

    /** Whether ld.so runs this program in secure mode (AT_SECURE). */
    public boolean secure() {
        return secure;
    }

    /** The loader profile of the program's class and machine, which ld.so ran it under. */
    public LoaderRules rules() {
        return rules;
    }

    /**
     * The file ld.so opens for a preload entry with a '/' in this process: its DSTs ($LIB, $PLATFORM, $ORIGIN of
     * the executable) expanded for this program's class (elf/dl-load.c: _dl_map_object); empty when ld.so
     * discards it. A bare name is searched, never expanded, and is returned as it is.
     */
    public Optional<String> preloadPath(String entry) {
        if (!entry.contains("/") || !SearchPath.hasDst(entry)) {
            return Optional.of(entry);
        }
        HostCapabilities host = rules.capabilitiesIn(env);
        return SearchPath.expand(entry, new SearchPath.DstContext(executable.origin(), host.platform(), secure, true, rules))
                .filter(s -> !s.isEmpty());
    }

    /** A statically linked program: ld.so is not involved. */
    public boolean isStatic() {
        return isStatic;
    }

    /**
     * What ld.so's trace mode ({@code ld.so --list}, ldd) prints for this program: "statically linked" both for a
     * static program and for one that needs no library at all (a static PIE, or a program linked with -nostdlib),
     * even when preloads would load (elf/rtld.c, list mode; docs/loader-rules.md rule 19). Started by the kernel, a
     * static PIE has no interpreter, so no ld.so runs to print anything.
     */
    public boolean tracedAsStatic() {
        return isStatic || executable().elf().map(e -> e.dynamic().needed().isEmpty()
                && (env.start() != LoaderEnvironment.Start.KERNEL || e.header().interpreter().isPresent())).orElse(false);
    }

    /** Whether the program would start: nothing missing and no fatal error. */
    public boolean complete() {
        return fatal == null && missing.isEmpty();
    }

    /** ld.so's error, thrown through the search as its _dl_signal_error is. */
    private static class FatalError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String object;
        final String reason;
        final LoadOutcome outcome;

        FatalError(String object, String reason) {
            this(object, reason, LoadOutcome.UNLOADABLE);
        }

        FatalError(String object, String reason, LoadOutcome outcome) {
            super(object + ": " + reason, null, false, false);
            this.object = object;
            this.reason = reason;
            this.outcome = outcome;
        }
    }

    /** A found candidate: the object file, the path it was opened by and the directory that held it. */
    private record Hit(LoaderFiles.Usable file, String path, FoundBy by, String dir) {}

    private static final class Builder {
        final LoaderEnvironment env;
        final LoaderFiles files;
        final String exePath;
        final List<LinkMapEntry> chain = new ArrayList<>();
        /** The objects of the chain that were found, in its order: the only ones a name can match. */
        final List<LinkMapEntry> loaded = new ArrayList<>();
        final List<LinkMapEntry> queue = new ArrayList<>();
        final List<Missing> missing = new ArrayList<>();
        final List<Preload> preloads = new ArrayList<>();
        LinkMapEntry exe;
        LinkMapEntry rtld;
        String fatal;
        boolean secure;
        boolean isStatic;
        List<String> libraryPath = List.of();
        LoaderRules rules = LoaderRules.DEBIAN_12_X86_64;
        HostCapabilities host;

        Builder(LoaderEnvironment env, LoaderFiles files, String exePath) {
            this.env = env;
            this.files = files;
            this.exePath = exePath;
        }

        void run() {
            rules = files.rulesFor(exePath).orElse(LoaderRules.DEBIAN_12_X86_64);
            host = rules.capabilitiesIn(env);
            LoaderFiles.Opened opened = files.open(exePath, rules);
            if (opened.outcome() == LoadOutcome.MISSING) {
                throw new LoaderException(exePath + ": " + io.memproxy.elf.FileWords.MISSING);
            }
            if (Files.isDirectory(env.root().file(exePath))) {
                throw new LoaderException(exePath + ": " + io.memproxy.elf.FileWords.DIRECTORY);
            }
            switch (opened.outcome()) {
                case LOADED -> { }
                case WRONG_MACHINE -> throw new LoaderException(exePath + ": not an object for any loader this tool knows (x86-64, i386, AArch64)");
                default -> throw new LoaderException(exePath + ": " + opened.reason());
            }
            LoaderFiles.Usable u = (LoaderFiles.Usable) opened;
            ElfImage elf = u.elf();
            isStatic = elf.header().interpreter().isEmpty() && !elf.header().hasDynamicSection();
            secure = env.secureFor(elf.header(), env.root().file(exePath));
            boolean kernel = env.start() == LoaderEnvironment.Start.KERNEL;
            java.util.function.Supplier<String> origin = new java.util.function.Supplier<String>() {
                @Override
                public String get() {
                    try {
                        return kernel ? dirname(env.root().realPath(exePath)) : dirname(absolute(exePath));
                    } catch (IOException e) {
                        return null;
                    }
                }
            };
            exe = new LinkMapEntry(kernel ? "" : exePath, kernel ? "" : exePath, elf, null, FoundBy.EXECUTABLE, "", null, false, origin);
            chain.add(exe);
            loaded.add(exe);
            if (isStatic) {
                return;
            }
            String interp = elf.header().interpreter().orElse(rules.interpreter());
            LoaderFiles.Opened ri = files.open(interp, rules);
            if (!kernel && ri instanceof LoaderFiles.Usable ru && ru.fileKey().equals(u.fileKey())) {
                // "ld.so ld.so": the loader finds itself already mapped and has nothing to load.
                isStatic = true;
                return;
            }
            ElfImage rtldElf = ri instanceof LoaderFiles.Usable ru ? ru.elf() : null;
            rtld = new LinkMapEntry(interp, interp, rtldElf, null, FoundBy.INTERPRETER, "", null, false, new Known(dirname(interp)));
            if (rtldElf == null) {
                rtld.names.add(interp.substring(interp.lastIndexOf('/') + 1));
            }
            queue.add(exe);
            if (!secure && env.ldLibraryPath().isPresent() && !env.ldLibraryPath().get().isEmpty()) {
                libraryPath = SearchPath.parseList(env.ldLibraryPath().get(), ":;", dst(exe));
            }
            try {
                preloads();
                dependencies();
            } catch (FatalError e) {
                fatal = e.getMessage();
            }
        }

        private void preloads() {
            for (PreloadChain.Entry entry : PreloadChain.of(env.ldPreload().orElse(null), files.preloadFile().orElse(null))) {
                // elf/rtld.c: dso_name_valid_for_suid; such LD_PRELOAD entries vanish without a message.
                if (secure && entry.source() == PreloadChain.Source.LD_PRELOAD
                        && (entry.name().contains("/") || entry.name().length() >= 255)) {
                    continue;
                }
                int before = chain.size();
                boolean path = entry.name().contains("/");
                String opened = path ? expanded(entry.name()) : "";
                try {
                    LinkMapEntry o = map(exe, entry.name(), true);
                    if (chain.size() > before && !queue.contains(o)) {
                        queue.add(o);
                    }
                    preloads.add(new Preload(entry.name(), entry.source(), path ? opened : o.path(), LoadOutcome.LOADED, "",
                            Optional.of(o)));
                } catch (FatalError e) {
                    preloads.add(new Preload(entry.name(), entry.source(), opened, path ? e.outcome : LoadOutcome.NOT_FOUND, e.reason,
                            Optional.empty()));
                }
            }
        }

        /** A preload path with its DSTs expanded as the executable's request; itself when they expand to nothing. */
        private String expanded(String name) {
            return SearchPath.hasDst(name) ? SearchPath.expand(name, dst(exe)).filter(x -> !x.isEmpty()).orElse(name) : name;
        }

        private void dependencies() {
            Set<LinkMapEntry> reserved = Collections.newSetFromMap(new IdentityHashMap<>());
            reserved.addAll(queue);
            for (int i = 0; i < queue.size(); i++) {
                LinkMapEntry l = queue.get(i);
                if (!l.found()) {
                    continue;
                }
                for (String needed : l.image().dynamic().needed()) {
                    String name = needed;
                    if (SearchPath.hasDst(needed)) {
                        if (secure) {
                            throw new FatalError(needed, "DST not allowed in SUID/SGID programs");
                        }
                        name = SearchPath.expand(needed, dst(l)).orElse("");
                        if (name.isEmpty()) {
                            throw new FatalError(needed, "empty dynamic string token substitution");
                        }
                    }
                    LinkMapEntry dep;
                    try {
                        dep = map(l, name, false);
                    } catch (NotFound e) {
                        dep = new LinkMapEntry(name, name, null, null, FoundBy.NOT_FOUND, "", l, false, new Known(null));
                        chain.add(dep);
                        missing.add(new Missing(name, l, e.tried));
                    }
                    l.needs.add(dep);
                    if (!dep.neededBy.contains(l)) {
                        dep.neededBy.add(l);
                    }
                    if (reserved.add(dep)) {
                        queue.add(dep);
                    }
                }
            }
        }

        /** The search ended without a file; in trace mode the caller fakes an entry. */
        private static final class NotFound extends FatalError {
            private static final long serialVersionUID = 1L;
            final transient List<String> tried;

            NotFound(String object, String reason, List<String> tried) {
                this(object, reason, tried, LoadOutcome.NOT_FOUND);
            }

            NotFound(String object, String reason, List<String> tried, LoadOutcome outcome) {
                super(object, reason, outcome);
                this.tried = tried;
            }
        }

        /** elf/dl-load.c: _dl_map_object for a start-up object (preloads use __RTLD_SECURE). */
        private LinkMapEntry map(LinkMapEntry loader, String name, boolean preload) {
            // Only found objects match a name: a long list of missing ones costs nothing here.
            for (LinkMapEntry o : loaded) {
                if (o.matches(name)) {
                    return o;
                }
            }
            if (rtld.matches(name) || rtld.names.contains(name)) {
                return rtld;
            }
            Hit hit;
            boolean otherClass = false;
            List<String> tried = List.of();
            if (name.contains("/")) {
                String real = SearchPath.hasDst(name) ? SearchPath.expand(name, dst(loader)).orElse(null) : name;
                if (real == null || real.isEmpty()) {
                    throw new NotFound(name, "cannot open shared object file", List.of(), LoadOutcome.MISSING);
                }
                LoaderFiles.Opened o = files.open(real, rules);
                switch (o.outcome()) {
                    case LOADED -> { }
                    case NOT_ELF, UNLOADABLE -> throw new FatalError(real, o.reason(), o.outcome());
                    default -> throw new NotFound(name, o.reason(), List.of(real), o.outcome());
                }
                hit = new Hit((LoaderFiles.Usable) o, real, FoundBy.PATH, "");
            } else {
                Search s = new Search(name, preload && secure);
                hit = search(loader, s);
                otherClass = s.otherClass;
                tried = s.tried();
            }
            if (hit == null) {
                throw new NotFound(name, otherClass ? rules.wrongClassMessage() : "cannot open shared object file", tried);
            }
            // _dl_map_object_from_fd: the same file under another name is the same object.
            for (LinkMapEntry o : loaded) {
                if (o.found() && o.fileKey() != null && o.fileKey().equals(hit.file().fileKey())) {
                    o.names.add(name);
                    return o;
                }
            }
            ElfImage elf = hit.file().elf();
            Optional<String> refused = hit.file().notLoadable();
            if (refused.isPresent()) {
                throw new FatalError(hit.path(), refused.get(), LoadOutcome.UNLOADABLE);
            }
            String opened = absolute(hit.path());
            LinkMapEntry o = new LinkMapEntry(name, hit.path(), elf, hit.file().fileKey(), hit.by(), hit.dir(), loader, preload,
                    new Known(dirname(opened)));
            chain.add(o);
            loaded.add(o);
            return o;
        }

        private static final class Search {
            /** Places listed for a missing library; a longer search path is summarised in one more line. */
            static final int MAX_TRIED = 64;

            final String name;
            final boolean securePreload;
            /** The places searched, as (label, directory) pairs, made into text only when asked for. */
            final List<Object[]> tried = new ArrayList<>();
            int notListed;
            boolean otherClass;

            Search(String name, boolean securePreload) {
                this.name = name;
                this.securePreload = securePreload;
            }

            void tried(FoundBy by, String dir) {
                if (tried.size() < MAX_TRIED) {
                    tried.add(new Object[] {by, dir});
                } else {
                    notListed++;
                }
            }

            /** dirs[from, to) were searched (or skipped as absent): listed up to the cap, counted beyond. */
            void tried(FoundBy by, List<String> dirs, int from, int to) {
                for (int i = from; i < to && tried.size() < MAX_TRIED; i++, from++) {
                    tried(by, dirs.get(i));
                }
                notListed += Math.max(0, to - from);
            }

            /** "rpath /dir/", ..., and "(N more places)" past the cap; the text is built on each get. */
            List<String> tried() {
                List<Object[]> places = List.copyOf(tried);
                int more = notListed;
                return new java.util.AbstractList<>() {
                    @Override
                    public String get(int i) {
                        if (i == places.size() && more > 0) {
                            return "(" + more + " more places)";
                        }
                        FoundBy by = (FoundBy) places.get(i)[0];
                        String dir = (String) places.get(i)[1];
                        return dir == null ? by.label() : by.label() + " " + (dir.isEmpty() ? "." : dir);
                    }

                    @Override
                    public int size() {
                        return places.size() + (more > 0 ? 1 : 0);
                    }
                };
            }
        }

        /** The bare-name search of _dl_map_object, in its order. */
        private Hit search(LinkMapEntry loader, Search s) {
            Hit hit;
            if (loader.image().dynamic().runpath().isEmpty()) {
                for (LinkMapEntry l = loader; l != null; l = l.loader().orElse(null)) {
                    if ((hit = openPath(s, rpath(l), FoundBy.RPATH)) != null) {
                        return hit;
                    }
                }
                if (loader != exe && (hit = openPath(s, rpath(exe), FoundBy.RPATH)) != null) {
                    return hit;
                }
            }
            if ((hit = openPath(s, libraryPath, FoundBy.LD_LIBRARY_PATH)) != null) {
                return hit;
            }
            if ((hit = openPath(s, runpath(loader), FoundBy.RUNPATH)) != null) {
                return hit;
            }
            boolean nodeflib = loader.image().dynamic().noDefaultLib();
            if (!s.securePreload) {
                s.tried(FoundBy.CACHE, null);
                Optional<String> cached = cache().isPresent() ? cache().get().lookup(s.name, host, rules) : Optional.empty();
                if (cached.isPresent() && !(nodeflib && startsWithAny(cached.get(), rules.systemDirs()))) {
                    LoaderFiles.Opened o = files.open(cached.get(), rules);
                    switch (o.outcome()) {
                        case LOADED -> {
                            return new Hit((LoaderFiles.Usable) o, cached.get(), FoundBy.CACHE, "");
                        }
                        case NOT_ELF, UNLOADABLE -> throw new FatalError(cached.get(), o.reason(), o.outcome());
                        case WRONG_CLASS, WRONG_MACHINE -> s.otherClass = true;
                        default -> { }
                    }
                }
            }
            if (!nodeflib) {
                return openPath(s, rules.systemDirs(), FoundBy.DEFAULT_DIR);
            }
            return null;
        }

        /**
         * The positions in a search list of the directories that exist, worked out once per list and run
         * (ld.so's r_search_path_status): a directory that does not exist has no hwcaps subdirectories either,
         * so a search skips it without a look, and a long list of absent directories costs nothing per name.
         */
        private int[] existing(List<String> dirs) {
            int[] known = existing.get(dirs);
            if (known == null) {
                int[] found = new int[dirs.size()];
                int n = 0;
                for (int i = 0; i < dirs.size(); i++) {
                    if (files.directoryExists(dirs.get(i))) {
                        found[n++] = i;
                    }
                }
                known = java.util.Arrays.copyOf(found, n);
                existing.put(dirs, known);
            }
            return known;
        }

        private static boolean startsWithAny(String path, List<String> prefixes) {
            for (String p : prefixes) {
                if (path.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }

        private final java.util.Map<List<String>, int[]> existing = new IdentityHashMap<>();

        /**
         * Where in an existing directory a name is looked for: the hwcaps and legacy subdirectories that exist
         * (with their trailing '/'), then the directory itself; the same per directory for the whole run.
         */
        private List<String> prefixes(String dir) {
            List<String> known = prefixes.get(dir);
            if (known == null) {
                List<String> found = new ArrayList<>();
                for (String p : SearchPath.candidates(dir, "", host)) {
                    if (p.equals(dir) || files.directoryExists(p)) {
                        found.add(p);
                    }
                }
                known = List.copyOf(found);
                prefixes.put(dir, known);
            }
            return known;
        }

        private final java.util.Map<String, List<String>> prefixes = new java.util.HashMap<>();

        /** elf/dl-load.c: open_path over one list: per directory, hwcaps subdirectories then the directory. */
        private Hit openPath(Search s, List<String> dirs, FoundBy by) {
            int next = 0;
            for (int at : existing(dirs)) {
                s.tried(by, dirs, next, at + 1);
                next = at + 1;
                String dir = dirs.get(at);
                for (String prefix : prefixes(dir)) {
                    String candidate = prefix + s.name;
                    LoaderFiles.Opened o = files.open(candidate, rules);
                    switch (o.outcome()) {
                        case LOADED -> { }
                        case NOT_ELF, UNLOADABLE -> throw new FatalError(candidate, o.reason(), o.outcome());
                        case WRONG_CLASS, WRONG_MACHINE -> {
                            s.otherClass = true;
                            continue;
                        }
                        default -> {
                            continue;
                        }
                    }
                    LoaderFiles.Usable u = (LoaderFiles.Usable) o;
                    // A secure-mode preload found by a search must be set-user-ID, or it counts as absent.
                    if (s.securePreload && !u.elf().header().setuid()) {
                        continue;
                    }
                    return new Hit(u, candidate, by, dir);
                }
            }
            s.tried(by, dirs, next, dirs.size());
            return null;
        }

        private List<String> rpath(LinkMapEntry l) {
            if (l.rpathDirs == null) {
                DynamicInfo d = l.image().dynamic();
                l.rpathDirs = d.runpath().isPresent() || d.rpath().isEmpty() ? List.of()
                        : SearchPath.parseList(d.rpath().get(), ":", dst(l));
            }
            return l.rpathDirs;
        }

        private List<String> runpath(LinkMapEntry l) {
            if (l.runpathDirs == null) {
                Optional<String> r = l.image().dynamic().runpath();
                l.runpathDirs = r.isPresent() ? SearchPath.parseList(r.get(), ":", dst(l)) : List.of();
            }
            return l.runpathDirs;
        }

        private SearchPath.DstContext dst(LinkMapEntry l) {
            return new SearchPath.DstContext(l.origin(), host.platform(), secure, l == exe, rules);
        }

        private Optional<LdSoCache> cache() {
            return files.cache();
        }

        private String absolute(String path) {
            return path.startsWith("/") ? path : env.root().cwd() + "/" + path;
        }

        /** The search list: the queue without the placeholders of missing objects. */
        List<LinkMapEntry> searchList() {
            List<LinkMapEntry> out = new ArrayList<>(queue.size());
            for (LinkMapEntry l : queue) {
                if (l.found()) {
                    out.add(l);
                }
            }
            return List.copyOf(out);
        }

        /**
         * ld.so's list order: creation order, with ld.so itself put back right after the object that precedes
         * it in the search list (elf/rtld.c: dl_main), and only if something needed it.
         */
        List<LinkMapEntry> loadOrder() {
            List<LinkMapEntry> out = new ArrayList<>(chain.subList(Math.min(1, chain.size()), chain.size()));
            List<LinkMapEntry> search = searchList();
            int i = rtld == null ? -1 : search.indexOf(rtld);
            if (i > 0) {
                LinkMapEntry prev = search.get(i - 1);
                out.add(prev == exe ? 0 : out.indexOf(prev) + 1, rtld);
            }
            return out;
        }
    }

    /** An $ORIGIN known when the entry is made (a plain class: a lambda per kind of entry cost each run its linkage). */
    private static final class Known implements java.util.function.Supplier<String> {
        private final String origin;

        Known(String origin) {
            this.origin = origin;
        }

        @Override
        public String get() {
            return origin;
        }
    }

    static String dirname(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return ".";
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }
}
