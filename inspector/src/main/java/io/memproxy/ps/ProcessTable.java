package io.memproxy.ps;

import io.memproxy.config.AllocatorLibrary;
import io.memproxy.config.ConfigFile;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.PreloadChain;
import io.memproxy.loader.Root;
import io.memproxy.shimmodel.MappedObject;
import io.memproxy.shimmodel.ShimModel;
import io.memproxy.shimmodel.ShimReason;
import io.memproxy.shimmodel.ShimRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Running processes as memproxy sees them: whether the shim is mapped, which allocator, and the route the
 * shim must have taken, predicted by {@link ShimModel} from the exclusion list and the mapped objects.
 */
public final class ProcessTable {
    /**
     * @param processes     the processes examined, by pid
     * @param unreadable    processes whose /proc files could not be read (other users', without privilege)
     * @param kernelThreads processes without an executable
     * @param gone          processes that exited while being read, or were named and do not exist
     * @param installedAt   the time /etc/ld.so.preload got a libmemproxy entry (its mtime), if it has one
     */
    public record Result(List<ProcessInfo> processes, int unreadable, int kernelThreads, int gone,
            Optional<Long> installedAt) {
        public Result {
            processes = List.copyOf(processes);
        }

        public long count(ShimRoute route) {
            return processes.stream().filter(p -> p.route() == route).count();
        }

        public long flagged(String flag) {
            return processes.stream().filter(p -> p.flags().contains(flag)).count();
        }
    }

    private final ProcFs proc;
    private final Root root;
    private final LoaderFiles files;
    private final Map<String, MappedObject> objects = new HashMap<>();
    private final ConfigFile config;
    private final Optional<Long> configChangedAt;

    /**
     * @param root   the machine ({@link Root#host()})
     * @param config the exclusion list the shim reads
     */
    public ProcessTable(Path proc, Root root, ConfigFile config) {
        this.proc = new ProcFs(proc);
        this.root = root;
        this.files = new LoaderFiles(root);
        this.config = config;
        this.configChangedAt = mtime(root.file(config.path()));
    }

    /** Reads the named processes, or all of them when {@code pids} is empty. */
    public Result read(List<Integer> pids) throws IOException {
        Optional<Long> installedAt = installedAt();
        List<ProcessInfo> out = new ArrayList<>();
        int unreadable = 0;
        int kernel = 0;
        int gone = 0;
        for (int pid : pids.isEmpty() ? proc.pids() : pids) {
            try {
                Optional<String> exe = proc.exe(pid);
                if (exe.isEmpty()) {
                    kernel++;
                    continue;
                }
                out.add(examine(pid, exe.get(), installedAt));
            } catch (NoSuchFileException e) {
                gone++;
            } catch (IOException | RuntimeException e) {
                unreadable++;
            }
        }
        return new Result(out, unreadable, kernel, gone, installedAt);
    }

    private ProcessInfo examine(int pid, String exeLink, Optional<Long> installedAt) throws IOException {
        boolean deleted = exeLink.endsWith(" (deleted)");
        String exe = deleted ? exeLink.substring(0, exeLink.length() - 10) : exeLink;
        List<String> mapped = proc.mappedFiles(pid);
        if (isLoader(exe)) {
            // Started as "ld.so PROGRAM": /proc/PID/exe names the loader; the shim decides by the
            // program's own name (shim/src/memproxy.c: exe_name), the one mapped file that is no library.
            exe = mapped.stream().filter(f -> !isLibrary(f)).findFirst().orElse(exe);
        }
        boolean secure = proc.secure(pid);
        long started = proc.startedAt(pid);
        Optional<String> shim = mapped.stream().filter(f -> fileName(f).startsWith("libmemproxy")).findFirst();
        List<String> allocators = mapped.stream().filter(f -> AllocatorLibrary.of(f).isPresent()).toList();
        List<String> flags = new ArrayList<>();
        if (deleted) {
            flags.add("exe-deleted");
        }
        if (allocators.size() > 1) {
            flags.add("second-allocator");
        }
        if (shim.isEmpty()) {
            String reason;
            if (installedAt.isEmpty()) {
                reason = "not-installed";
            } else if (started < installedAt.get()) {
                reason = "started-before-install";
                flags.add("started-before-install");
            } else {
                reason = "not-loaded";
                flags.add("no-shim");
            }
            return new ProcessInfo(pid, exe, started, shim, allocators, secure, ShimRoute.NONE, "", reason, flags);
        }
        List<MappedObject> objects = new ArrayList<>();
        for (String f : mapped) {
            if (f.equals(exe) || f.equals(shim.get()) || !isLibrary(f) || fileName(f).startsWith("libc.so")) {
                continue;
            }
            try {
                objects.add(object(f));
            } catch (LoaderException e) {
                // Not a loadable object (a data file mapped by the program): not in the shim's walk.
            }
        }
        ShimModel.Decision d = ShimModel.decide(config, exe, secure, objects);
        if (d.route() == ShimRoute.SYSTEM && (d.reason() == ShimReason.NO_ALLOCATOR || d.reason() == ShimReason.ALLOCATOR_MISSING)) {
            flags.add("allocator-missing");
        }
        if (configChangedAt.isPresent() && configChangedAt.get() > started) {
            flags.add("config-changed");
        }
        return new ProcessInfo(pid, exe, started, shim, allocators, secure, d.route(),
                d.route() == ShimRoute.ALLOCATOR ? d.allocator() : "", d.reason().word(), flags);
    }

    /** A mapped object parsed once per run. */
    private MappedObject object(String path) throws LoaderException {
        MappedObject o = this.objects.get(path);
        if (o == null) {
            o = new MappedObject(path, files.elf(path));
            this.objects.put(path, o);
        }
        return o;
    }

    /** A mapped file that can be a shared object: the shim's walk (dl_iterate_phdr) sees only those. */
    private static boolean isLoader(String f) {
        return fileName(f).matches("ld-linux.*\\.so\\.\\d+|ld\\.so\\.\\d+|ld64\\.so\\.\\d+");
    }

    private static boolean isLibrary(String f) {
        String n = fileName(f);
        return n.contains(".so") && !f.startsWith("/dev/") && !f.startsWith("/memfd:");
    }

    /** When the preload file got memproxy: its modification time, if it names a libmemproxy. */
    private Optional<Long> installedAt() {
        Path f = root.file("/etc/ld.so.preload");
        try {
            byte[] content = root.read("/etc/ld.so.preload", PreloadChain.MAX_FILE);
            if (PreloadChain.splitFile(content, PreloadChain.MAX_ENTRIES).stream().noneMatch(e -> fileName(e).startsWith("libmemproxy"))) {
                return Optional.empty();
            }
            return mtime(f);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> mtime(Path f) {
        try {
            return Optional.of(Files.getLastModifiedTime(f).toMillis() / 1000);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
