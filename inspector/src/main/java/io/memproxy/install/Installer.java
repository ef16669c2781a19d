package io.memproxy.install;

import io.memproxy.config.ConfigFile;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.PreloadChain;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts memproxy into /etc/ld.so.preload of a root and takes it out again, through {@link AtomicFile}
 * only. Which entries are memproxy's is recorded in {@link #STATE}, since the preload file itself cannot
 * safely carry comments.
 */
public final class Installer {
    public static final String PRELOAD = "/etc/ld.so.preload";
    public static final String BACKUP = "/etc/ld.so.preload.memproxy-backup";
    public static final String STATE = "/var/lib/memproxy/preload-entries";

    /**
     * Where `make install`, the Debian package (debian/libmemproxy.install) and distributions put the shim, in
     * the order they are tried (the root's main class).
     */
    public List<String> shimLocations() {
        String lib = mainClass().dstLib();
        return List.of("/usr/local/lib/libmemproxy.so", "/usr/lib/libmemproxy.so", "/usr/" + lib + "/libmemproxy.so",
                "/usr/" + lib + "/memproxy/libmemproxy.so", "/usr/local/" + lib + "/libmemproxy.so");
    }

    /** An allocator's library files (an {@link #ALLOCATORS} row) where Debian puts them for the root's main class. */
    public List<String> allocatorPaths(List<String> allocator) {
        return allocator.subList(1, allocator.size()).stream().map(f -> "/usr/" + mainClass().dstLib() + "/" + f).toList();
    }

    /** Each supported allocator's library file as Debian names it, in the order a default install prefers. */
    public static final List<List<String>> ALLOCATORS = List.of(
            List.of("jemalloc", "libjemalloc.so.2"),
            List.of("tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc.so.4"),
            List.of("mimalloc", "libmimalloc.so.2"));

    /**
     * The class of the root's own programs: the first profile whose ld.so it has (x86-64 before i386 on a
     * multiarch machine; aarch64 in an arm64 image), x86-64 when it has none.
     */
    LoaderRules mainClass() {
        return classes().stream().findFirst().orElse(LoaderRules.DEBIAN_12_X86_64);
    }

    private final Root root;
    private final Step.Hook hook;

    public Installer(Root root, Step.Hook hook) {
        this.root = root;
        this.hook = hook;
    }

    /** A problem that stops the install before anything is written; the message is one line. */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        public Refusal(String message) {
            super(message);
        }
    }

    /** The shim to put first: the one named, else the first installed one. */
    public String shim(Optional<String> named) throws Refusal {
        if (named.isPresent()) {
            String s = named.get();
            if (!s.startsWith("/")) {
                throw new Refusal(s + ": under --root, name the shim by its absolute path inside the image (--shim)");
            }
            if (!regular(s)) {
                throw new Refusal(s + ": no such file (--shim)");
            }
            return s;
        }
        for (String s : shimLocations()) {
            if (regular(s)) {
                return s;
            }
        }
        throw new Refusal("libmemproxy.so is not installed in " + String.join(", ", shimLocations())
                + "; run 'make install' or name it with --shim PATH");
    }

    /** The allocator: a path, a name (jemalloc, tcmalloc, mimalloc), or the first one installed. */
    public String allocator(Optional<String> named) throws Refusal {
        if (named.isPresent() && named.get().startsWith("/")) {
            if (!regular(named.get())) {
                throw new Refusal(named.get() + ": no such file (--allocator)");
            }
            return named.get();
        }
        List<String> tried = new ArrayList<>();
        for (List<String> a : ALLOCATORS) {
            if (named.isPresent() && !named.get().equals(a.get(0))) {
                continue;
            }
            for (String file : a.subList(1, a.size())) {
                String lib = "/usr/" + mainClass().dstLib() + "/" + file;
                tried.add(lib);
                if (regular(lib)) {
                    return lib;
                }
            }
        }
        if (named.isPresent() && tried.isEmpty()) {
            throw new Refusal(named.get() + ": not a supported allocator (jemalloc, tcmalloc, mimalloc) nor a path (--allocator)");
        }
        throw new Refusal("no allocator library found (tried " + String.join(", ", tried)
                + "); install one (apt install libjemalloc2) or name it with --allocator PATH");
    }

    /**
     * Where each class's shim is, in the form one preload line names them all with: make install's
     * {@code PREFIX/lib/<triplet>/}, and the Debian package's {@code /usr/lib/<triplet>/memproxy/}.
     */
    static final List<String> EVERY_CLASS_SHIMS = List.of("/usr/local/$LIB/libmemproxy.so", "/usr/$LIB/libmemproxy.so",
            "/usr/$LIB/memproxy/libmemproxy.so");

    /** The classes whose ld.so is installed in the root: each reads /etc/ld.so.preload in its own processes. */
    public List<LoaderRules> classes() {
        return LoaderRules.ALL.stream().filter(r -> regular(r.interpreter())).toList();
    }

    /**
     * The chain one preload line serves every installed class with: {@code PREFIX/$LIB/libmemproxy.so} and
     * {@code /usr/$LIB/<allocator>}, when each class has both files there; empty when the machine has one class,
     * or a class lacks its shim or allocator (the plain form is used then, and the pre-install check says what
     * the other class's processes would print).
     */
    public Optional<List<String>> everyClassChain(Optional<String> namedAllocator) {
        List<LoaderRules> present = classes();
        if (present.size() < 2) {
            return Optional.empty();
        }
        String shim = null;
        for (String s : EVERY_CLASS_SHIMS) {
            if (present.stream().allMatch(r -> regular(s.replace("$LIB", r.dstLib())))) {
                shim = s;
                break;
            }
        }
        if (shim == null) {
            return Optional.empty();
        }
        for (List<String> a : ALLOCATORS) {
            if (namedAllocator.isPresent() && !namedAllocator.get().equals(a.get(0))) {
                continue;
            }
            for (String lib : a.subList(1, a.size())) {
                String l = "/usr/$LIB/" + lib;
                if (present.stream().allMatch(r -> regular(l.replace("$LIB", r.dstLib())))) {
                    return Optional.of(List.of(shim, l));
                }
            }
        }
        return Optional.empty();
    }

    /** The preload file's bytes, if it exists. */
    public Optional<byte[]> preloadContent() throws IOException {
        return read(PRELOAD);
    }

    /** The entries an earlier install recorded as memproxy's. */
    public List<String> recorded() throws IOException {
        Optional<byte[]> s = read(STATE);
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(s.get(), StandardCharsets.ISO_8859_1).split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    public PreloadPlan planInstall(String shim, String allocator) throws IOException {
        Optional<byte[]> old = preloadContent();
        return PreloadPlan.install(old, entries(old), shim, allocator, recorded());
    }

    public PreloadPlan planUninstall() throws IOException {
        Optional<byte[]> old = preloadContent();
        return PreloadPlan.uninstall(old, entries(old), recorded());
    }

    private static List<String> entries(Optional<byte[]> content) {
        return content.map(c -> PreloadChain.splitFile(c, PreloadChain.MAX_ENTRIES)).orElse(List.of());
    }

    /**
     * Why the chain would stop programs from starting, if the loader emulation proves it would: the
     * reference program starts without the chain but not with it (a preload's dependency is missing,
     * or ld.so meets a fatal error). docs/loader-rules.md rule 3: a bad entry is skipped, a broken one is not.
     *
     * @param exe    the reference program
     * @param after  its link map with the chain
     * @param before its link map without it
     */
    public static Optional<String> breaksEveryProgram(String exe, LinkMap after, LinkMap before) {
        if (!before.complete() || after.complete()) {
            return Optional.empty();
        }
        if (after.fatal().isPresent()) {
            return Optional.of(exe + " would not start: " + after.fatal().get());
        }
        LinkMap.Missing m = after.missing().get(0);
        return Optional.of(exe + " would not start: " + m.name() + ", needed by " + m.requestedBy().path()
                + ", cannot be found");
    }

    /**
     * mkdir -p inside the root for the exclusion list's directory (a shim built for PREFIX=/usr/local reads
     * /usr/local/etc/memproxy.conf, which may not exist yet), but only along real directories: where a
     * component is a link, nothing is made, and the write that follows resolves the link or says why not.
     */
    private void makeDirectories(String dir) throws IOException {
        String sofar = "/";
        for (String c : dir.substring(1).split("/")) {
            if (c.isEmpty()) {
                continue;
            }
            try (Root.Directory d = root.directory(sofar, false)) {
                Optional<java.nio.file.attribute.PosixFileAttributes> a = d.attributes(c);
                if (a.isPresent() && a.get().isSymbolicLink()) {
                    return;
                }
            }
            sofar = sofar.equals("/") ? "/" + c : sofar + "/" + c;
        }
        root.directory(dir, true).close();
    }

    /** What an install or uninstall did, for the report. */
    public record Outcome(boolean preloadWritten, boolean backupWritten, boolean configInstalled, List<Path> leftoversRemoved) {}

    /**
     * Carries out an install plan: the default config if none exists, the state file, the backup of the
     * old preload file, and the preload file, each replaced atomically.
     */
    public Outcome install(PreloadPlan plan, byte[] defaultConfig) throws IOException {
        return install(plan, ConfigFile.DEFAULT_PATH, defaultConfig);
    }

    /** {@link #install(PreloadPlan, byte[])} with the exclusion list at {@code configPath}: where the shim reads it. */
    public Outcome install(PreloadPlan plan, String configPath, byte[] defaultConfig) throws IOException {
        List<Path> leftovers = removeLeftovers();
        boolean config = false;
        if (!root.exists(configPath)) {
            makeDirectories(configPath.substring(0, Math.max(1, configPath.lastIndexOf('/'))));
            AtomicFile.replace(root, configPath, defaultConfig, 0644, Step.Hook.NONE);
            config = true;
        }
        if (!plan.changes()) {
            return new Outcome(false, false, config, leftovers);
        }
        // The state goes first: after a crash it may name entries the file lacks (harmless to uninstall),
        // never the reverse. A write that fails puts the old state back.
        Optional<byte[]> oldState = read(STATE);
        root.directory(STATE.substring(0, STATE.lastIndexOf('/')), true).close();
        AtomicFile.replace(root, STATE, lines(plan.ours()), 0644, Step.Hook.NONE);
        boolean backup;
        try {
            backup = backup(plan);
            AtomicFile.replace(root, PRELOAD, plan.newContent(), mode(), hook);
        } catch (IOException e) {
            if (oldState.isPresent()) {
                AtomicFile.replace(root, STATE, oldState.get(), 0644, Step.Hook.NONE);
            } else {
                AtomicFile.delete(root, STATE, Step.Hook.NONE);
            }
            throw e;
        }
        return new Outcome(true, backup, config, leftovers);
    }

    /** Carries out an uninstall plan: backup, then the preload file without memproxy's entries (or none). */
    public Outcome uninstall(PreloadPlan plan) throws IOException {
        List<Path> leftovers = removeLeftovers();
        if (!plan.changes() || plan.dropped().isEmpty()) {
            AtomicFile.delete(root, STATE, Step.Hook.NONE);
            return new Outcome(false, false, false, leftovers);
        }
        boolean backup = backup(plan);
        if (plan.newEntries().isEmpty()) {
            AtomicFile.delete(root, PRELOAD, hook);
        } else {
            AtomicFile.replace(root, PRELOAD, plan.newContent(), mode(), hook);
        }
        AtomicFile.delete(root, STATE, Step.Hook.NONE);
        return new Outcome(true, backup, false, leftovers);
    }

    private boolean backup(PreloadPlan plan) throws IOException {
        if (plan.oldContent().isEmpty()) {
            return false;
        }
        AtomicFile.replace(root, BACKUP, plan.oldContent().get(), mode(), Step.Hook.NONE);
        return true;
    }

    private List<Path> removeLeftovers() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String f : List.of(PRELOAD, BACKUP, STATE, ConfigFile.DEFAULT_PATH)) {
            out.addAll(AtomicFile.removeLeftovers(root, f));
        }
        return out;
    }

    /** The old file's permission bits, else 0644 (ld.so reads it in every process, as every user). */
    private int mode() throws IOException {
        return AtomicFile.mode(root, PRELOAD).orElse(0644);
    }

    /** A regular file (after its links, inside the root). */
    private boolean regular(String path) {
        return root.stat(path).map(java.nio.file.attribute.BasicFileAttributes::isRegularFile).orElse(false);
    }

    /** The largest preload or state file read: ld.so reads any size, but no sane one is near this. */
    public static final long MAX_FILE = 1L << 20;

    private Optional<byte[]> read(String systemPath) throws IOException {
        return root.readIfPresent(systemPath, MAX_FILE);
    }

    private static byte[] lines(List<String> entries) {
        StringBuilder b = new StringBuilder();
        entries.forEach(e -> b.append(e).append('\n'));
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The commented default exclusion list shipped with the shim (shim/memproxy.conf). */
    public static byte[] defaultConfig() throws IOException {
        try (InputStream in = Installer.class.getResourceAsStream("memproxy.conf")) {
            if (in == null) {
                throw new IOException("the default memproxy.conf is missing from the memproxy jar");
            }
            return in.readAllBytes();
        }
    }
}
