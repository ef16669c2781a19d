package io.memproxy.scan;

import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.FileCapabilities;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Walks directories and classifies every file with an execute bit, in parallel, reporting results in
 * walk order (names sorted in each directory) while holding at most {@link #WINDOW} results: memory
 * does not grow with the tree. Symbolic links are never followed inside the walk; a file with several
 * hard links is examined once.
 */
public final class Scan {
    /** Results in flight between the walk and the reporting thread. */
    static final int WINDOW = 1024;
    /** Files per getcap process. */
    static final int CAPABILITY_BATCH = 256;

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /** Receives each examined file, in walk order, on the thread that called {@link #run}. */
    public interface Listener {
        void file(ScannedFile f);
    }

    /** Told how many candidates the walk has found so far and how many are done; for a progress bar. */
    public interface Progress {
        void update(long found, long done);

        Progress NONE = (found, done) -> { };
    }

    /**
     * @param root    the image to scan, "/" for this machine
     * @param dirs    the directories to scan, as the examined system names them
     * @param threads classification threads
     */
    public record Options(Path root, List<String> dirs, int threads) {
        public Options {
            dirs = List.copyOf(dirs);
        }
    }

    private final Options options;
    private final Root root;
    private final Classifier classifier;
    private final FileCapabilities capabilities;

    public Scan(Options options, Classifier classifier) {
        this(options, classifier, FileCapabilities.forRoot(options.root()));
    }

    Scan(Options options, Classifier classifier, FileCapabilities capabilities) {
        this.options = options;
        this.root = options.root().equals(Path.of("/")) ? Root.host() : Root.at(options.root());
        this.classifier = classifier;
        this.capabilities = capabilities;
    }

    /** The default directories: those on {@code searchPath}, then every /usr/lib* directory of the root. */
    public static List<String> defaultDirectories(Path root, String searchPath) {
        List<String> out = new ArrayList<>();
        for (String d : searchPath.split(":")) {
            if (d.startsWith("/") && !out.contains(d)) {
                out.add(d);
            }
        }
        Root r = root.toString().equals("/") ? Root.host() : Root.at(root);
        try (Root.Directory usr = r.directory("/usr", false)) {
            usr.list(n -> n.startsWith("lib")).forEach(n -> out.add("/usr/" + n));
        } catch (IOException e) {
            // No /usr in the image: the PATH directories alone.
        }
        return out;
    }

    private record Pending(Future<ScannedFile> result, String file, CompletableFuture<Map<String, String>> caps) {}

    private static final Pending END = new Pending(CompletableFuture.completedFuture(null), "", null);

    /** Walks, classifies and reports; returns the totals. */
    public ScanSummary run(Listener listener, Progress progress) throws InterruptedException {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()), r -> {
            Thread t = new Thread(r, "scan");
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(WINDOW);
        Walk walk = new Walk(pool, queue);
        List<String> dirs = walk.topDirectories();
        Thread walker = new Thread(() -> {
            try {
                for (String d : dirs) {
                    Path f = file(d);
                    BasicFileAttributes a = root.stat(d).orElse(null);
                    if (a != null && a.isRegularFile()) {
                        walk.candidate(d, f, Optional.empty());
                    } else if (a == null || a.isDirectory()) {
                        walk.directory(d, f);
                    } else {
                        // Opening a FIFO would block: what it is, is the answer.
                        walk.candidate(d, f, Optional.of(Root.kind(f, a) + ", not a regular file or directory"));
                    }
                }
            } catch (InterruptedException e) {
                return; // the reporting thread gave up
            } catch (RuntimeException | Error e) {
                walk.failure = e; // reported by the reporting thread, which must not wait for ever
            } finally {
                walk.closeBatch();
            }
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                // the reporting thread gave up
            }
        }, "scan-walk");
        walker.setDaemon(true);
        walker.start();

        Map<ExecutableClass, Long> classes = new EnumMap<>(ExecutableClass.class);
        for (ExecutableClass c : ExecutableClass.values()) {
            classes.put(c, 0L);
        }
        long otherElf = 0;
        long notElf = 0;
        long unreadableDirs = 0;
        long done = 0;
        try {
            while (true) {
                Pending p = queue.take();
                if (p == END) {
                    break;
                }
                ScannedFile f = get(p.result());
                if (p.caps() != null) {
                    f = f.withCapabilities(get(p.caps()).getOrDefault(p.file(), ""));
                }
                switch (f.kind()) {
                    case EXECUTABLE -> classes.merge(f.primary(), 1L, Long::sum);
                    case OTHER_ELF -> otherElf++;
                    case NOT_ELF -> notElf++;
                    case DIRECTORY -> unreadableDirs++;
                }
                listener.file(f);
                progress.update(walk.found, ++done);
            }
        } finally {
            walker.interrupt();
            pool.shutdownNow();
        }
        walker.join();
        if (walk.failure != null) {
            throw new IllegalStateException("the directory walk failed: " + walk.failure, walk.failure);
        }
        String caps = capabilities.available() ? ""
                : "not checked: getcap (Debian package libcap2-bin) is not installed";
        return new ScanSummary(dirs, walk.files, walk.found, classes, otherElf, notElf, walk.symlinks, walk.hardLinks,
                unreadableDirs, caps, (System.nanoTime() - start) / 1e9);
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // Classification never throws; a failure here is a bug, reported as the file's problem.
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The file behind a path of the examined system. */
    private Path file(String systemPath) {
        return root.file(systemPath);
    }

    /** The walking thread's state. */
    private final class Walk {
        private final ExecutorService pool;
        private final BlockingQueue<Pending> queue;
        private final Set<String> multiplyLinked = new HashSet<>();
        private List<String> batch = new ArrayList<>();
        private CompletableFuture<Map<String, String>> batchCaps = new CompletableFuture<>();
        volatile long found;
        volatile Throwable failure;
        long files;
        long symlinks;
        long hardLinks;

        Walk(ExecutorService pool, BlockingQueue<Pending> queue) {
            this.pool = pool;
            this.queue = queue;
        }

        /**
         * The directories to walk: each resolved through its links inside the root (/bin is usr/bin on a
         * merged-/usr system), duplicates and directories inside another dropped, in the order given.
         */
        List<String> topDirectories() {
            List<String> resolved = new ArrayList<>();
            for (String d : options.dirs()) {
                Optional<String> r = realPath(d);
                if (r.isPresent() && !resolved.contains(r.get())) {
                    resolved.add(r.get());
                } else if (r.isEmpty() && !resolved.contains(d)) {
                    resolved.add(d); // reported as unreadable by the walk
                }
            }
            List<String> out = new ArrayList<>();
            for (String d : resolved) {
                boolean nested = resolved.stream().anyMatch(o -> !o.equals(d) && (o.equals("/") || d.startsWith(o + "/")));
                if (!nested) {
                    out.add(d);
                }
            }
            return out;
        }

        /** realpath(3) of a system path, absolute link targets resolved inside the root. */
        private Optional<String> realPath(String systemPath) {
            try {
                return Optional.of(root.realPath(systemPath));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        void directory(String systemPath, Path dir) throws InterruptedException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    names.add(p.getFileName().toString());
                }
            } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
                queue.put(new Pending(CompletableFuture.completedFuture(
                        ScannedFile.unreadableDirectory(systemPath, describe(e))), systemPath, null));
                return;
            }
            names.sort(null);
            String prefix = systemPath.endsWith("/") ? systemPath : systemPath + "/";
            for (String name : names) {
                Path f = dir.resolve(name);
                String sys = prefix + name;
                Map<String, Object> attrs;
                try {
                    attrs = Files.readAttributes(f, "unix:mode,nlink,dev,ino", LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | UnsupportedOperationException e) {
                    candidate(sys, f, Optional.of(describe(e)));
                    continue;
                }
                int mode = (Integer) attrs.get("mode");
                switch (mode & S_IFMT) {
                    case S_IFDIR -> directory(sys, f);
                    case S_IFLNK -> symlinks++;
                    case S_IFREG -> {
                        files++;
                        if ((mode & 0111) == 0) {
                            continue;
                        }
                        if ((Integer) attrs.get("nlink") > 1 && !multiplyLinked.add(attrs.get("dev") + ":" + attrs.get("ino"))) {
                            hardLinks++;
                            continue;
                        }
                        candidate(sys, f, Optional.empty());
                    }
                    default -> { }
                }
            }
        }

        private void candidate(String sys, Path f, Optional<String> problem) throws InterruptedException {
            found++;
            Future<ScannedFile> result = problem.isPresent()
                    ? CompletableFuture.completedFuture(ScannedFile.notExamined(sys, ExecutableClass.UNREADABLE, problem.get()))
                    : pool.submit(() -> classifier.classify(sys, f));
            if (!capabilities.available()) {
                queue.put(new Pending(result, "", null));
                return;
            }
            batch.add(f.toString());
            queue.put(new Pending(result, f.toString(), batchCaps));
            if (batch.size() >= CAPABILITY_BATCH) {
                closeBatch();
            }
        }

        /** Reads the capabilities of the batch so far in the background; the reporting thread waits for it. */
        void closeBatch() {
            List<String> files = batch;
            CompletableFuture<Map<String, String>> caps = batchCaps;
            batch = new ArrayList<>();
            batchCaps = new CompletableFuture<>();
            if (files.isEmpty()) {
                caps.complete(Map.of());
                return;
            }
            pool.submit(() -> caps.complete(capabilities.of(files)));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.DirectoryIteratorException d) {
            return describe(d.getCause());
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return io.memproxy.elf.FileWords.DENIED;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return io.memproxy.elf.FileWords.MISSING;
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
