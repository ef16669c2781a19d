package io.memproxy.loader;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.ElfType;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NonElfKind;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.UnreadableFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files ld.so reads, each read once per run: candidate objects, opened the way ld.so's open_verify does
 * (elf/dl-load.c), /etc/ld.so.cache and /etc/ld.so.preload. Objects are parsed once: results are
 * shared by loader path and by file identity (st_dev, st_ino), so many executables cost one read per library.
 * Safe for concurrent use.
 */
public final class LoaderFiles {
    /** What opening one candidate gave: its kind, and ld.so's words for a file it does not load. */
    public sealed interface Opened permits Absent, OtherClass, Fatal, Usable {
        LoadOutcome outcome();

        /** ld.so's reason ("invalid ELF header"); "" for a usable file. */
        String reason();
    }

    /** Not there (ENOENT, EACCES, ENOTDIR): the search goes on. */
    public record Absent() implements Opened {
        @Override
        public LoadOutcome outcome() {
            return LoadOutcome.MISSING;
        }

        @Override
        public String reason() {
            return "cannot open shared object file";
        }
    }

    /**
     * ELF for another class ({@link LoadOutcome#WRONG_CLASS}) or machine ({@link LoadOutcome#WRONG_MACHINE}):
     * skipped in a search, an error for an explicit path.
     */
    public record OtherClass(LoadOutcome outcome, String reason) implements Opened {}

    /**
     * ld.so stops loading with this message: not ELF ({@link LoadOutcome#NOT_ELF}: invalid ELF header, file too
     * short) or ELF it refuses ({@link LoadOutcome#UNLOADABLE}).
     */
    public record Fatal(LoadOutcome outcome, String reason) implements Opened {}

    /** A loadable object. {@code setuid} is the S_ISUID bit (secure-mode preloads need it). */
    public record Usable(ElfImage elf, Object fileKey, boolean setuid) implements Opened {
        @Override
        public LoadOutcome outcome() {
            return LoadOutcome.LOADED;
        }

        @Override
        public String reason() {
            return "";
        }

        /**
         * Why ld.so refuses to map this object beside a program, if it does: an executable is no library
         * (elf/dl-load.c: _dl_map_object_from_fd, after mapping: ET_EXEC first, then DF_1_PIE).
         */
        public java.util.Optional<String> notLoadable() {
            if (elf.header().type() == ElfType.EXEC) {
                return java.util.Optional.of("cannot dynamically load executable");
            }
            if ((elf.dynamic().flags1() & io.memproxy.elf.DynamicInfo.DF_1_PIE) != 0) {
                return java.util.Optional.of("cannot dynamically load position-independent executable");
            }
            return java.util.Optional.empty();
        }
    }

    private static final Absent ABSENT = new Absent();

    /** What reading a file gave, before any profile's checks: shared by the processes of every class. */
    private sealed interface Read permits Missing, Rejected, Image {}

    private record Missing() implements Read {}

    /**
     * Not a loadable ELF file whatever the class: {@code reason}, or "file too short" when the file is shorter
     * than the profile's ELF header. {@code otherClass}: the class byte is neither 32 nor 64 bits;
     * {@code notElf}: no ELF magic at all.
     */
    private record Rejected(String reason, long size, boolean otherClass, boolean notElf) implements Read {
        Rejected(String reason, long size, boolean otherClass) {
            this(reason, size, otherClass, false);
        }
    }

    private record Image(ElfImage elf, Object fileKey) implements Read {}

    private static final Missing MISSING = new Missing();

    private final Root root;
    private final Map<String, Read> byPath = new ConcurrentHashMap<>();
    private final Map<Object, Read> byKey = new ConcurrentHashMap<>();
    private final Map<String, Optional<Path>> dirs = new ConcurrentHashMap<>();
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    private final Map<String, Integer> misses = new ConcurrentHashMap<>();

    private volatile Optional<LdSoCache> cache;
    private volatile Optional<byte[]> preloadFile;
    private volatile Optional<String> cacheProblem = Optional.empty();
    private volatile Optional<String> preloadProblem = Optional.empty();
    private volatile long preloadNotRead;

    public LoaderFiles(Root root) {
        this.root = root;
    }

    public Root root() {
        return root;
    }

    /** Opens a loader path (relative ones against the working directory) as x86-64 ld.so would. */
    public Opened open(String loaderPath) {
        return open(loaderPath, LoaderRules.DEBIAN_12_X86_64);
    }

    /** The profile whose ld.so loads this file (its class and machine), if it is ELF and one does. */
    public Optional<LoaderRules> rulesFor(String loaderPath) {
        return read(loaderPath) instanceof Image i ? LoaderRules.of(i.elf().header()) : Optional.empty();
    }

    /**
     * The parsed file behind a loader path, opened as the ld.so of its own class and machine would (x86-64's
     * for a file no profile loads); ld.so's reason ("PATH: invalid ELF header") when it cannot be loaded.
     */
    public ElfImage elf(String loaderPath) throws LoaderException {
        Opened opened = open(loaderPath, rulesFor(loaderPath).orElse(LoaderRules.DEBIAN_12_X86_64));
        if (!(opened instanceof Usable u)) {
            throw new LoaderException(loaderPath + ": " + (opened instanceof Absent ? "cannot open file" : opened.reason()));
        }
        return u.elf();
    }

    /** Opens a loader path as the ld.so of {@code rules} would (open_verify's checks, in its order). */
    public Opened open(String loaderPath, LoaderRules rules) {
        Read r = read(loaderPath);
        if (r instanceof Image i) {
            return check(i, rules);
        }
        if (r instanceof Rejected j) {
            if (j.size() < rules.headerSize() && !j.reason().startsWith("cannot read file data")) {
                return new Fatal(LoadOutcome.NOT_ELF, "file too short");
            }
            return j.otherClass() ? new OtherClass(LoadOutcome.WRONG_CLASS, rules.wrongClassMessage())
                    : new Fatal(j.notElf() ? LoadOutcome.NOT_ELF : LoadOutcome.UNLOADABLE, j.reason());
        }
        return ABSENT;
    }

    /**
     * What reading the file behind a loader path gave, read once (two threads may both read it; the first answer
     * is kept and every caller gets that one). Plain map calls rather than computeIfAbsent with a lambda: each
     * lambda costs a run its linkage, more than these lookups.
     */
    private Read read(String loaderPath) {
        Read r = byPath.get(loaderPath);
        if (r == null) {
            r = load(loaderPath);
            Read first = byPath.putIfAbsent(loaderPath, r);
            r = first != null ? first : r;
        }
        return r;
    }

    private Read load(String loaderPath) {
        Path file = place(loaderPath);
        if (file == null) {
            return MISSING;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return MISSING;
        }
        if (attrs.isDirectory()) {
            return new Rejected("cannot read file data: Is a directory", attrs.size(), false);
        }
        if (!attrs.isRegularFile()) {
            // ld.so would block on a FIFO and read zeros from a device; neither is a library.
            return new Rejected("cannot read file data: " + Root.kind(file, attrs) + ", not a regular file", Long.MAX_VALUE, false);
        }
        Object key = attrs.fileKey() != null ? attrs.fileKey() : file.toAbsolutePath().normalize();
        Read r = byKey.get(key);
        if (r == null) {
            r = read(file, key, attrs.size());
            Read first = byKey.putIfAbsent(key, r);
            r = first != null ? first : r;
        }
        return r;
    }

    /**
     * The host file behind a candidate, resolved inside the root; null when it cannot exist. Each directory is
     * resolved once per run, and one that does not exist rules out every name in it without another look
     * (ld.so's r_search_path_status), so a search costs one lstat(2) per candidate, not one per component.
     */
    private Path place(String loaderPath) {
        String path = loaderPath.startsWith("/") ? loaderPath : root.cwd() + "/" + loaderPath;
        int slash = path.lastIndexOf('/');
        String leaf = path.substring(slash + 1);
        if (leaf.isEmpty() || leaf.equals(".") || leaf.equals("..")) {
            return root.stat(path).isPresent() ? root.file(path) : null;
        }
        String key = path.substring(0, slash + 1);
        Optional<Path> dir = knownDirectory(key);
        if (dir.isEmpty()) {
            return null;
        }
        // A name the directory's listing lacks is absent without a system call (and without the exception
        // Java makes of ENOENT, which dominated long searches). A directory is listed only once names have been
        // missed in it: a run that finds each library where it first looks (the cache's paths, a program's own
        // directory) would list /usr/bin and the library directories, thousands of names, for nothing.
        // The listing is kept with the directory's modification time and made again when that changes (a
        // file created during the run, such as the doctor's probe copy).
        if (misses.getOrDefault(key, 0) >= MISSES_BEFORE_LISTING) {
            long mtime = mtime(dir.get());
            Listing names = listings.compute(key, (k, old) -> old != null && old.mtime() == mtime ? old : list(dir.get(), mtime));
            if (names.names() != null && !names.names().contains(leaf)) {
                return null;
            }
        }
        Path file = dir.get().resolve(leaf);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            // Counted without atomicity: a miss lost between threads only lists the directory one miss later.
            Integer missed = misses.get(key);
            misses.put(key, missed == null ? 1 : missed + 1);
            return null;
        }
        if (attrs.isSymbolicLink()) {
            try {
                return root.file(root.realPath(path));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return file;
    }

    /** Entries of one directory listed and remembered; a larger directory is probed name by name instead. */
    static final int MAX_LISTING = 1 << 16;

    /** Names looked up and not found in a directory before it is listed. */
    static final int MISSES_BEFORE_LISTING = 4;

    /** A directory's names (null: not listed, probe each name) as of its modification time. */
    private record Listing(Set<String> names, long mtime) {}

    private static Listing list(Path dir, long mtime) {
        Set<String> out = new java.util.HashSet<>();
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (out.size() >= MAX_LISTING) {
                    return new Listing(null, mtime);
                }
                out.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            return new Listing(null, mtime);
        }
        return new Listing(out, mtime);
    }

    /** st_mtime in nanoseconds; -1 when it cannot be read (then the listing is made again each time). */
    private static long mtime(Path dir) {
        try {
            java.nio.file.attribute.FileTime t = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime();
            return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether a search directory ("" is the working directory) exists in the root; remembered for the run. */
    public boolean directoryExists(String dir) {
        String abs = dir.startsWith("/") ? dir : root.cwd() + "/" + dir;
        return knownDirectory(abs.endsWith("/") ? abs : abs + "/").isPresent();
    }

    /** {@link #directory}, remembered for the run. */
    private Optional<Path> knownDirectory(String dir) {
        Optional<Path> known = dirs.get(dir);
        if (known == null) {
            known = directory(dir);
            dirs.putIfAbsent(dir, known);
        }
        return known;
    }

    /** A directory's host path with its links resolved inside the root, or empty when it is not one. */
    private Optional<Path> directory(String dir) {
        try {
            String real = root.realPath(dir);
            Path p = root.file(real);
            return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Read read(Path file, Object key, long size) {
        try {
            return new Image(ElfImage.read(file), key);
        } catch (NotElfException e) {
            if (e.kind() == NonElfKind.DIRECTORY) {
                return new Rejected("cannot read file data: Is a directory", size, false);
            }
            return new Rejected("invalid ELF header", size, false, true);
        } catch (UnreadableFileException e) {
            // ld.so maps any size; this reader stops at 2 GiB, which is an answer, not an absence.
            return e.problem().startsWith("larger than") ? new Rejected(e.problem(), Long.MAX_VALUE, false) : MISSING;
        } catch (MalformedElfException e) {
            // The reader rejects an unknown class byte; ld.so treats any class but its own as "other class".
            return new Rejected(e.problem(), size, e.problem().startsWith("unknown ELF class"));
        } catch (ElfException e) {
            return new Rejected(e.problem(), Long.MAX_VALUE, false);
        }
    }

    /** The header checks of open_verify, in its order. */
    private static Opened check(Image image, LoaderRules rules) {
        ElfImage elf = image.elf();
        ElfHeader h = elf.header();
        if (h.elfClass() != rules.elfClass()) {
            return new OtherClass(LoadOutcome.WRONG_CLASS, rules.wrongClassMessage());
        }
        if (h.encoding() != io.memproxy.elf.DataEncoding.LSB) {
            return new Fatal(LoadOutcome.UNLOADABLE, "ELF file data encoding not little-endian");
        }
        // sysdeps/gnu/ldsodefs.h: VALID_ELF_OSABI / VALID_ELF_ABIVERSION.
        if (h.osAbi() != 0 && h.osAbi() != 3) {
            return new Fatal(LoadOutcome.UNLOADABLE, "ELF file OS ABI invalid");
        }
        if (h.osAbi() == 0 ? h.abiVersion() != 0 : h.abiVersion() >= 4) {
            return new Fatal(LoadOutcome.UNLOADABLE, "ELF file ABI version invalid");
        }
        if (!h.identPaddingZero()) {
            return new Fatal(LoadOutcome.UNLOADABLE, "nonzero padding in e_ident");
        }
        // Debian's unsubmitted-ldso-machine-mismatch.diff: another machine counts as absent.
        if (h.machine() != rules.machine()) {
            return new OtherClass(LoadOutcome.WRONG_MACHINE, "cannot open shared object file");
        }
        if (h.type() != ElfType.DYN && h.type() != ElfType.EXEC) {
            return new Fatal(LoadOutcome.UNLOADABLE, "only ET_DYN and ET_EXEC can be loaded");
        }
        return new Usable(elf, image.fileKey(), h.setuid());
    }

    /** /etc/ld.so.cache under the root, parsed once; empty when absent or unusable (ld.so then skips it). */
    public Optional<LdSoCache> cache() {
        Optional<LdSoCache> c = cache;
        if (c == null) {
            try {
                c = Optional.of(LdSoCache.parse(root.map(CACHE, LdSoCache.MAX_FILE)));
            } catch (NoSuchFileException e) {
                c = Optional.empty();
            } catch (IOException e) {
                c = Optional.empty();
                cacheProblem = Optional.of(Root.message(e) + "; not used");
            } catch (LoaderException e) {
                c = Optional.empty();
                cacheProblem = Optional.of(CACHE + ": " + e.getMessage() + "; not used");
            } catch (InternalError e) {
                // The mapped file shrank underneath (SIGBUS): as unusable as a bad one.
                c = Optional.empty();
                cacheProblem = Optional.of(CACHE + ": changed while it was read; not used");
            }
            cache = c;
        }
        return c;
    }

    /** Why /etc/ld.so.cache exists but was not used (not a regular file, too large, not a cache), if it was not. */
    public Optional<String> cacheProblem() {
        cache();
        return cacheProblem;
    }

    /** /etc/ld.so.preload under the root, read once; empty when ld.so could not read it. */
    public Optional<byte[]> preloadFile() {
        Optional<byte[]> p = preloadFile;
        if (p == null) {
            try {
                Root.Head head = root.readHead(PRELOAD, PreloadChain.MAX_FILE);
                byte[] b = head.bytes();
                if (!head.complete()) {
                    // Examined up to the cap, ending at the last separator so that no name is cut in two.
                    int end = b.length;
                    while (end > 0 && " \t\n:".indexOf(b[end - 1]) < 0) {
                        end--;
                    }
                    b = java.util.Arrays.copyOf(b, end);
                    preloadNotRead = head.size() - end;
                }
                p = Optional.of(b);
            } catch (NoSuchFileException e) {
                p = Optional.empty();
            } catch (IOException e) {
                p = Optional.empty();
                preloadProblem = Optional.of(Root.message(e));
            }
            preloadFile = p;
        }
        return p;
    }

    /** Why /etc/ld.so.preload exists but was not read (not a regular file, too large, ...), if so. */
    public Optional<String> preloadProblem() {
        preloadFile();
        return preloadProblem;
    }

    /** Bytes at the end of /etc/ld.so.preload beyond {@link PreloadChain#MAX_FILE}, which are not examined. */
    public long preloadBytesNotRead() {
        preloadFile();
        return preloadNotRead;
    }

    static final String CACHE = "/etc/ld.so.cache";
    static final String PRELOAD = "/etc/ld.so.preload";
}
