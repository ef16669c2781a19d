package io.memproxy.doctor;

import io.memproxy.config.ConfigFile;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.SymbolVersion;
import io.memproxy.executable.ElfIdent;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.executable.FileCapabilities;
import io.memproxy.executable.Platform;
import io.memproxy.loader.AllocatorSymbols;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoadOutcome;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.PreloadChain;
import io.memproxy.loader.Root;
import io.memproxy.loader.SearchPath;
import io.memproxy.loader.SymbolBinder;
import io.memproxy.shimmodel.MappedObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The question the doctor answers (a chain, an exclusion list, target executables, a root) and the facts
 * gathered to answer it with the loader emulation. Facts are computed once, on first use, and shared by
 * every check; every ELF file is parsed once per run.
 */
public final class Inspection {
    /** The representative target examined when none is named. */
    public static final String DEFAULT_TARGET = "/bin/sh";

    /**
     * @param root          the image to examine, "/" for this machine
     * @param proposedChain a chain given with --preload, examined as LD_PRELOAD instead of the environment's
     * @param ldPreload     the LD_PRELOAD of the environment
     * @param configPath    the exclusion list, as the shim names it; null: the path compiled into the chain's shim
     * @param exes          executables named by the user; empty for the default set
     * @param searchPath    the PATH used to find programs the exclusion list names
     */
    public record Inputs(Path root, Optional<String> proposedChain, Optional<String> ldPreload, String configPath,
            List<String> exes, String searchPath) {
        public Inputs {
            exes = List.copyOf(exes);
        }
    }

    private final Inputs inputs;
    private final Root root;
    private final LoaderFiles files;
    private final LoaderEnvironment environment;
    private final Map<String, MappedObject> objects = new ConcurrentHashMap<>();
    private final Map<String, LinkMap> linkMaps = new ConcurrentHashMap<>();
    private final Map<String, ExecutableProfile> profiles = new ConcurrentHashMap<>();
    /** Read on a thread of its own ({@link #capabilitiesRead}). */
    private java.util.concurrent.Future<Map<String, String>> capabilities;
    private volatile LinkMap normalModeReference;
    private Platform platform;
    private final Map<String, SymbolBinder> binders = new HashMap<>();
    private final Map<String, List<AllocatorBinding>> bindings = new HashMap<>();
    private ConfigFile config;
    private List<Link> chain;
    private List<String> targets;

    public Inspection(Inputs inputs) {
        this(inputs, Optional.empty());
    }

    /** With the LD_LIBRARY_PATH a service or an image's config gives its program. */
    public Inspection(Inputs inputs, Optional<String> libraryPath) {
        this.inputs = inputs;
        // Path equality, not the text "/": an image's in-memory file system has a "/" of its own.
        this.root = inputs.root().equals(Path.of("/")) ? Root.host() : Root.at(inputs.root());
        this.files = new LoaderFiles(root);
        this.environment = LoaderEnvironment.system().withRoot(root).withPreload(preloadVariable().orElse(null))
                .withLibraryPath(libraryPath.orElse(null));
    }

    public Inputs inputs() {
        return inputs;
    }

    /** The LD_PRELOAD value examined: the proposed chain, or the environment's. */
    public Optional<String> preloadVariable() {
        return inputs.proposedChain().isPresent() ? inputs.proposedChain() : inputs.ldPreload();
    }

    /** The examined system's file system: every read of it goes through this confinement. */
    public Root root() {
        return root;
    }

    /** The file behind a path as the examined system names it. */
    public Path file(String systemPath) {
        return root.file(systemPath);
    }

    public ConfigFile config() {
        if (config == null) {
            String path = configSource().path();
            config = ConfigFile.read(path, file(path));
        }
        return config;
    }

    /**
     * The exclusion list examined, and why that one: given (--config), the path compiled into the chain's
     * shim (its exported {@code memproxy_config_path}, shim/src/memproxy.c), or the default when the chain
     * has no shim or the shim predates the symbol.
     */
    public record ConfigSource(String path, String why) {}

    /** The symbol the shim exports its compiled-in exclusion list path as. */
    public static final String CONFIG_PATH_SYMBOL = "memproxy_config_path";

    private ConfigSource configSource;

    public ConfigSource configSource() {
        if (configSource == null) {
            configSource = findConfigSource();
        }
        return configSource;
    }

    private ConfigSource findConfigSource() {
        if (inputs.configPath() != null) {
            return new ConfigSource(inputs.configPath(), "given with --config");
        }
        // From the chain's entries as written, not from chain(): which programs are examined depends on the
        // list, so the list cannot wait for their link maps. $LIB and $PLATFORM as an x86-64 process expands
        // them (every class's shim is built with the same path); a bare name is not searched for here.
        Optional<MappedObject> shim = Optional.empty();
        for (PreloadChain.Entry e : PreloadChain.of(preloadVariable().orElse(null), preloadFile().orElse(null))) {
            Optional<String> path = e.name().contains("/") ? SearchPath.expand(e.name(), new SearchPath.DstContext("/",
                    environment.host().platform(), false, true)) : Optional.empty();
            try {
                if (path.isPresent() && !path.get().isEmpty()) {
                    MappedObject o = object(path.get());
                    if (o.isShim()) {
                        shim = Optional.of(o);
                        break;
                    }
                }
            } catch (LoaderException ex) {
                // Not a loadable object: the chain check reports it.
            }
        }
        if (shim.isEmpty()) {
            return new ConfigSource(ConfigFile.DEFAULT_PATH, "the default: no shim in the preload chain to read the path from");
        }
        try {
            Optional<String> compiled = shim.get().image().stringSymbol(CONFIG_PATH_SYMBOL);
            if (compiled.isPresent()) {
                return new ConfigSource(compiled.get(), "the path compiled into " + shim.get().path());
            }
        } catch (io.memproxy.elf.MalformedElfException e) {
            return new ConfigSource(ConfigFile.DEFAULT_PATH, "the default: " + shim.get().path() + " is malformed (" + e.getMessage() + ")");
        }
        return new ConfigSource(ConfigFile.DEFAULT_PATH, "the default: " + shim.get().path() + " does not export " + CONFIG_PATH_SYMBOL
                + " (an older build)");
    }

    /** The executable a bare program name finds on the search path, as the examined system names it. */
    public Optional<String> onSearchPath(String name) {
        for (String dir : inputs.searchPath().split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            String candidate = dir.endsWith("/") ? dir + name : dir + "/" + name;
            Path f = file(candidate);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The path of a file once every link is resolved, as /proc/self/exe reports it; empty when it does not exist. */
    public Optional<String> realPath(String systemPath) {
        try {
            return Optional.of(root.realPath(systemPath));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The file name of the executable behind a path once links are resolved, as the shim sees it. */
    public String realName(String systemPath) {
        String p = realPath(systemPath).orElse(systemPath);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The executables to examine: those named, or /bin/sh and every listed program found on the search path. */
    public List<String> targets() {
        if (targets == null) {
            if (!inputs.exes().isEmpty()) {
                targets = inputs.exes();
            } else {
                Set<String> out = new LinkedHashSet<>();
                out.add(DEFAULT_TARGET);
                if (config().list().isPresent()) {
                    for (String n : config().list().get().names()) {
                        Optional<String> program = onSearchPath(n);
                        if (program.isPresent()) {
                            out.add(program.get());
                        }
                    }
                }
                targets = List.copyOf(out);
            }
        }
        return targets;
    }

    /**
     * The programs of each class the doctor examines beside the first target's (whose ld.so the chain checks
     * follow): the first target of each other class, and when no targets are named, the first program of each
     * other class found on the search path (ls-sorted), as the machine's representative of that class.
     */
    public Map<LoaderRules, String> otherClassTargets() {
        LoaderRules first = referenceMap().rules();
        Map<LoaderRules, String> out = new java.util.LinkedHashMap<>();
        for (String exe : targets()) {
            Optional<LoaderRules> r = files.rulesFor(exe);
            if (r.isPresent() && r.get() != first) {
                out.putIfAbsent(r.get(), exe);
            }
        }
        if (inputs.exes().isEmpty()) {
            Set<LoaderRules> wanted = new LinkedHashSet<>(LoaderRules.ALL);
            wanted.remove(first);
            wanted.removeAll(out.keySet());
            Map<LoaderRules, String> found = wanted.isEmpty() ? Map.of() : firstProgramsOf(wanted);
            for (LoaderRules r : wanted) {
                if (found.containsKey(r)) {
                    out.put(r, found.get(r));
                }
            }
        }
        return out;
    }

    /**
     * The first program of each class in {@code wanted} on the search path (directories in order, names
     * ls-sorted), in one pass that reads each file's ELF header once: a class that is absent costs a walk of
     * the whole path, so walking it once for all classes matters. A directory reached again under another
     * name (/bin after /usr/bin on a merged-/usr system) is skipped, as it can only repeat what it gave.
     */
    private Map<LoaderRules, String> firstProgramsOf(Set<LoaderRules> wanted) {
        Map<LoaderRules, String> found = new HashMap<>();
        Set<String> dirs = new LinkedHashSet<>();
        for (String d : inputs.searchPath().split(":")) {
            if (d.startsWith("/")) {
                dirs.add(d.endsWith("/") && d.length() > 1 ? d.substring(0, d.length() - 1) : d);
            }
        }
        Set<Path> walked = new java.util.HashSet<>();
        for (String dir : dirs) {
            Path resolved = file(dir);
            String[] names = walked.add(resolved) ? resolved.toFile().list() : null;
            if (names == null) {
                continue;
            }
            java.util.Arrays.sort(names);
            java.io.File hostDir = root.isHost() ? resolved.toFile() : null;
            for (String n : names) {
                Optional<LoaderRules> r = hostDir != null ? onHost(new java.io.File(hostDir, n)) : inRoot(dir, resolved, n);
                if (r.isPresent() && wanted.contains(r.get()) && !found.containsKey(r.get())) {
                    found.put(r.get(), dir + "/" + n);
                    if (found.size() == wanted.size()) {
                        return found;
                    }
                }
            }
        }
        return found;
    }

    /** The class of the program {@code name} in the search directory {@code dir}, as the walk of the search path reads it. */
    Optional<LoaderRules> programClass(String dir, String name) {
        Path resolved = file(dir);
        return root.isHost() ? onHost(new java.io.File(resolved.toFile(), name)) : inRoot(dir, resolved, name);
    }

    /**
     * A program's class on this machine, where a link resolves inside the root as the kernel resolves it: java.io's
     * stat (links followed, no exception made of a missing file) tells a regular file, and the kernel opens it. A
     * fraction of the cost of an lstat and a walk of each link's target in Java, over a walk of the whole PATH.
     */
    private static Optional<LoaderRules> onHost(java.io.File f) {
        return f.isFile() ? ElfIdent.rulesOfHostFile(f) : Optional.empty();
    }

    /** The same inside an image: only a link needs the root's walk, anything else is the entry itself. */
    private Optional<LoaderRules> inRoot(String dir, Path resolved, String n) {
        Path entry = resolved.resolve(n);
        try {
            var a = Files.readAttributes(entry, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return a.isSymbolicLink() ? ElfIdent.rulesOf(file(dir + "/" + n)) : a.isRegularFile() ? ElfIdent.rulesOfRegular(entry) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Why each target that cannot be examined cannot ("/x: invalid ELF header"); empty when all can. */
    public List<String> unreadableTargets() {
        List<String> out = new ArrayList<>();
        for (String exe : targets()) {
            try {
                object(exe);
            } catch (LoaderException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** An object parsed once per run (shared with the loader's file cache). */
    public MappedObject object(String systemPath) throws LoaderException {
        MappedObject o = objects.get(systemPath);
        if (o == null) {
            o = shared(systemPath, files.elf(systemPath));
        }
        return o;
    }

    /** The loader profile of a file's class and machine; the machine's own for files no profile loads. */
    public LoaderRules rules(String systemPath) {
        return files.rulesFor(systemPath).orElse(LoaderRules.DEBIAN_12_X86_64);
    }

    MappedObject object(LinkMapEntry l) {
        return shared(l.path(), l.elf().orElseThrow());
    }

    /** The one object of a path for the run: the first made wins (plain map calls, not a lambda per call site). */
    private MappedObject shared(String path, ElfImage elf) {
        MappedObject known = objects.get(path);
        if (known != null) {
            return known;
        }
        MappedObject made = new MappedObject(path, elf);
        MappedObject first = objects.putIfAbsent(path, made);
        return first != null ? first : made;
    }

    /** The target's class as the scan would report it: static, other libc, own malloc family, secure execution… */
    public ExecutableProfile profile(String exe) throws LoaderException {
        ExecutableProfile p = profiles.get(exe);
        if (p == null) {
            MappedObject o = object(exe);
            try {
                p = ExecutableProfile.of(o.image(), platform(), capabilities().getOrDefault(exe, ""));
            } catch (MalformedElfException e) {
                throw new LoaderException(exe + ": " + e.problem());
            }
            profiles.putIfAbsent(exe, p);
        }
        return p;
    }

    private synchronized Platform platform() {
        if (platform == null) {
            platform = Platform.of(inputs.root());
        }
        return platform;
    }

    /**
     * The targets' file capabilities. Every target's link map waits for them (they decide secure mode), and reading
     * them runs getcap: {@link #prepare} starts the read on a thread of its own and does what every link map reads
     * first while getcap runs. Asked for before that, they are read here and waited for.
     */
    private Map<String, String> capabilities() {
        try {
            return capabilitiesRead().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The read of the targets' capabilities, started on its own thread at the first call. */
    private synchronized java.util.concurrent.Future<Map<String, String>> capabilitiesRead() {
        if (capabilities == null) {
            List<String> exes = targets();
            java.util.concurrent.FutureTask<Map<String, String>> task = new java.util.concurrent.FutureTask<>(
                    new java.util.concurrent.Callable<Map<String, String>>() {
                        @Override
                        public Map<String, String> call() {
                            return capabilitiesOf(exes);
                        }
                    });
            capabilities = task;
            Thread t = new Thread(task, "memproxy-capabilities");
            t.setDaemon(true);
            t.start();
        }
        return capabilities;
    }

    /** The files' capabilities, read with one getcap run for all of them (getcap skips links: ask for real files). */
    private Map<String, String> capabilitiesOf(List<String> exes) {
        Map<String, String> fileOf = new HashMap<>();
        for (String exe : exes) {
            fileOf.put(exe, file(realPath(exe).orElse(exe)).toString());
        }
        Map<String, String> byFile = FileCapabilities.forRoot(inputs.root()).of(List.copyOf(new LinkedHashSet<>(fileOf.values())));
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : fileOf.entrySet()) {
            if (byFile.containsKey(e.getValue())) {
                out.put(e.getKey(), byFile.get(e.getValue()));
            }
        }
        return Map.copyOf(out);
    }

    /** Whether ld.so runs the program in secure mode (set-user-ID, set-group-ID or file capabilities: AT_SECURE). */
    public boolean secure(String exe) {
        return profile(exe).is(ExecutableClass.SECURE_EXECUTION);
    }

    /** What ld.so loads for the executable under the chain (elf/rtld.c, elf/dl-deps.c), computed once. */
    public LinkMap linkMap(String exe) {
        LinkMap m = linkMaps.get(exe);
        if (m == null) {
            LoaderEnvironment env = environment.withSecure(secure(exe) ? LoaderEnvironment.Secure.ON : LoaderEnvironment.Secure.OFF);
            m = LinkMap.load(env, files, exe);
            LinkMap first = linkMaps.putIfAbsent(exe, m);
            m = first == null ? m : first;
        }
        return m;
    }

    /**
     * Loads the targets' link maps side by side: they are independent and share one file cache, and they
     * are most of a run's work. A target that cannot be loaded is left for the checks to report.
     */
    public void prepare() {
        List<String> exes = targets();
        capabilitiesRead();
        // While getcap runs: what every link map reads first, ld.so.cache and the chain's files named by path
        // (read once per run, so nothing is read twice), then the capabilities are waited for here, so that
        // the thread never outlives the preparation.
        try {
            files.cache();
            for (PreloadChain.Entry e : PreloadChain.of(preloadVariable().orElse(null), null)) {
                if (e.name().startsWith("/") && !SearchPath.hasDst(e.name())) {
                    files.rulesFor(e.name());
                }
            }
        } finally {
            try {
                capabilities();
            } catch (RuntimeException e) {
                // The checks meet the same failure (kept by the read) and report it.
            }
        }
        if (exes.size() == 1) {
            // One target is loaded here: a parallel stream would only start the fork-join machinery.
            loadQuietly(exes.get(0));
            return;
        }
        exes.parallelStream().forEach(this::loadQuietly);
    }

    private void loadQuietly(String exe) {
        try {
            linkMap(exe);
        } catch (RuntimeException e) {
            // The checks meet the same failure and report it.
        }
    }

    /**
     * The chain as an ordinary (not secure) program sees it: the first target's link map in normal mode.
     * Every chain entry asks for it, so a secure first target's normal-mode map is computed once.
     */
    LinkMap referenceMap() {
        String exe = targets().get(0);
        if (!secure(exe)) {
            return linkMap(exe);
        }
        LinkMap m = normalModeReference;
        if (m == null) {
            m = LinkMap.load(environment.withSecure(LoaderEnvironment.Secure.OFF), files, exe);
            normalModeReference = m;
        }
        return m;
    }

    /** Whether the shim can act on the program at all: dynamically linked, for glibc's loader. */
    public boolean routable(String exe) {
        return profile(exe).routable();
    }

    /** The shim as loaded into the program, if it is. */
    public Optional<String> shimPath(String exe) {
        Optional<MappedObject> shim = loadedShim(exe);
        return shim.isPresent() ? Optional.of(shim.get().path()) : Optional.empty();
    }

    /** Whether the shim loaded into the program exports {@code symbol}. */
    public boolean shimExports(String exe, String symbol) throws MalformedElfException {
        Optional<MappedObject> shim = loadedShim(exe);
        return shim.isPresent() && shim.get().exports(symbol);
    }

    private Optional<MappedObject> loadedShim(String exe) {
        for (MappedObject o : loadOrder(exe)) {
            if (o.isShim()) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** ld.so's symbol resolution for the program under the chain (elf/dl-lookup.c), created once. */
    public SymbolBinder binder(String exe) {
        SymbolBinder b = binders.get(exe);
        if (b == null) {
            b = new SymbolBinder(linkMap(exe));
            binders.put(exe, b);
        }
        return b;
    }

    /**
     * Where the program's own references to the malloc family and to operator new/delete bind, and where
     * {@code malloc} would bind if it referenced it.
     */
    public List<AllocatorBinding> bindings(String exe) throws MalformedElfException {
        List<AllocatorBinding> known = bindings.get(exe);
        if (known == null) {
            known = new ArrayList<>();
            LinkMap m = linkMap(exe);
            boolean malloc = false;
            for (DynamicSymbol s : object(exe).image().dynamicSymbols()) {
                if (s.isDefined() || !AllocatorSymbols.ALL.contains(s.name())) {
                    continue;
                }
                SymbolVersion x = s.version().orElse(null);
                Optional<String> v = x != null && x.index() > 1 && x.isNamed() ? Optional.of(x.name()) : Optional.empty();
                known.add(new AllocatorBinding(exe, s.name(), exe, pathOf(exe, binder(exe).bind(m.executable(), s.name(), v).to())));
                malloc |= s.name().equals("malloc");
            }
            if (!malloc) {
                known.add(new AllocatorBinding(exe, "malloc", exe, pathOf(exe, binder(exe).bind(m.executable(), "malloc", Optional.empty()).to())));
            }
            bindings.put(exe, known);
        }
        return known;
    }

    /** The object that provides the program's malloc ("" when nothing does). */
    public String mallocProvider(String exe) throws MalformedElfException {
        for (AllocatorBinding b : bindings(exe)) {
            if (b.symbol().equals("malloc")) {
                return b.to();
            }
        }
        return "";
    }

    /** What dlsym(RTLD_NEXT, symbol) called from the shim would return in the program (elf/dl-sym.c). */
    public Optional<String> rtldNext(String exe, String symbol) {
        LinkMap m = linkMap(exe);
        for (LinkMapEntry l : m.loadOrder()) {
            if (l.found() && object(l).isShim()) {
                Optional<LinkMapEntry> next = binder(exe).next(l, symbol);
                return next.isPresent() ? Optional.of(pathOf(exe, next)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private String pathOf(String exe, Optional<LinkMapEntry> l) {
        return l.isPresent() ? linkMap(exe).shownName(l.get()) : "";
    }

    /** The process's objects in load order, as the shim's dl_iterate_phdr walk sees them. */
    public List<MappedObject> loadOrder(String exe) {
        return mapped(exe, linkMap(exe).loadOrder());
    }

    /** The global scope: the order in which ld.so looks for a symbol. */
    public List<MappedObject> scope(String exe) {
        return mapped(exe, linkMap(exe).scope());
    }

    /** The entries ld.so found, as the shim sees each mapped object; the executable as the user named it. */
    private List<MappedObject> mapped(String exe, List<LinkMapEntry> entries) {
        LinkMapEntry executable = linkMap(exe).executable();
        List<MappedObject> out = new ArrayList<>();
        for (LinkMapEntry l : entries) {
            if (l.found()) {
                out.add(l == executable ? object(exe) : object(l));
            }
        }
        return out;
    }

    /** The chain as one line, for messages. */
    public String chainText() {
        List<String> e = new ArrayList<>();
        for (Link l : chain()) {
            e.add(l.entry());
        }
        return e.isEmpty() ? "(empty chain)" : String.join(":", e);
    }

    /** /etc/ld.so.preload of the root, read once (shared with every link map) within its cap; empty when absent or unreadable. */
    public Optional<byte[]> preloadFile() {
        return files.preloadFile();
    }

    /** Why /etc/ld.so.preload exists but could not be read (a FIFO, a device, too large, ...), if so. */
    public Optional<String> preloadFileProblem() {
        return files.preloadProblem();
    }

    /** Names of the preload file past {@link PreloadChain#MAX_ENTRIES}, which are not examined. */
    public long preloadEntriesNotExamined() {
        Optional<byte[]> b = preloadFile();
        return b.isPresent() ? Math.max(0, PreloadChain.countFile(b.get()) - PreloadChain.MAX_ENTRIES) : 0L;
    }

    /** Bytes at the end of the preload file beyond what is read ({@link PreloadChain#MAX_FILE}). */
    public long preloadBytesNotRead() {
        return files.preloadBytesNotRead();
    }

    /**
     * The preload chain in ld.so's order, each entry with ld.so's verdict (elf/rtld.c: do_preload) as the
     * reference program's link map has it.
     */
    public List<Link> chain() {
        if (chain == null) {
            LinkMap reference = referenceMap();
            List<Link> out = new ArrayList<>();
            for (LinkMap.Preload p : reference.isStatic() ? unmapped(reference) : reference.preloads()) {
                out.add(link(p));
            }
            chain = List.copyOf(out);
        }
        return chain;
    }

    /**
     * ld.so never runs for a static program, so its link map has no preloads: each entry as ld.so would open
     * it for a dynamic program of the same class (a bare name is left unsearched).
     */
    private List<LinkMap.Preload> unmapped(LinkMap reference) {
        List<LinkMap.Preload> out = new ArrayList<>();
        for (PreloadChain.Entry e : PreloadChain.of(preloadVariable().orElse(null), preloadFile().orElse(null))) {
            if (!e.name().contains("/")) {
                out.add(new LinkMap.Preload(e.name(), e.source(), "", LoadOutcome.NOT_FOUND, "cannot open shared object file",
                        Optional.empty()));
                continue;
            }
            String path = reference.preloadPath(e.name()).orElse(e.name());
            LoaderFiles.Opened o = files.open(path, reference.rules());
            Optional<String> refused = o instanceof LoaderFiles.Usable u ? u.notLoadable() : Optional.empty();
            out.add(new LinkMap.Preload(e.name(), e.source(), path, refused.isPresent() ? LoadOutcome.UNLOADABLE : o.outcome(),
                    refused.orElse(o.reason()), Optional.empty()));
        }
        return out;
    }

    private Link link(LinkMap.Preload p) {
        String source = p.source().label();
        return switch (p.outcome()) {
            case LOADED -> {
                // Named by the entry's own path, also when the file is already loaded under another name.
                ElfImage elf = p.object().isPresent() ? p.object().get().elf().orElseThrow() : files.elf(p.path());
                yield new Link(p.entry(), source, p.path(), p.outcome(), "", Optional.of(shared(p.path(), elf)), List.of());
            }
            case NOT_ELF -> new Link(p.entry(), source, p.path(), p.outcome(), p.reason(), Optional.empty(), scriptInputs(p.path()));
            default -> new Link(p.entry(), source, p.path(), p.outcome(), p.reason(), Optional.empty(), List.of());
        };
    }

    /** The files a GNU ld script names, for a preload entry that is one; empty for any other file. */
    private List<String> scriptInputs(String path) {
        try {
            ElfImage.read(file(path));
        } catch (NotElfException e) {
            return e.scriptInputs();
        } catch (io.memproxy.elf.ElfException e) {
            // Not ELF, and not a script either: no inputs to suggest.
        }
        return List.of();
    }
}
