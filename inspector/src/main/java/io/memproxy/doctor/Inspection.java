package io.memproxy.doctor;

import io.memproxy.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import io.memproxy.elf.ElfClass;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.ElfType;
import io.memproxy.elf.NonElfKind;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.UnreadableFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The question the doctor answers (a chain, an exclusion list, target executables, a root) and the facts
 * gathered to answer it. Facts are read once, on first use, and shared by every check.
 */
public final class Inspection {
    /** The shim's compiled-in exclusion list (shim/Makefile: $(SYSCONFDIR)/memproxy.conf). */
    public static final String DEFAULT_CONFIG = "/etc/memproxy.conf";
    /** The representative target examined when none is named. */
    public static final String DEFAULT_TARGET = "/bin/sh";

    /**
     * @param root          the image to examine, "/" for this machine
     * @param proposedChain a chain given with --preload, replacing LD_PRELOAD and /etc/ld.so.preload
     * @param ldPreload     the LD_PRELOAD of the environment
     * @param configPath    the exclusion list, as the shim names it
     * @param exes          executables named by the user; empty for the default set
     * @param searchPath    the PATH used to find programs the exclusion list names
     */
    public record Inputs(Path root, Optional<String> proposedChain, Optional<String> ldPreload, String configPath,
            List<String> exes, String searchPath) {
        public Inputs {
            exes = List.copyOf(exes);
        }
    }

    /** The object ld.so itself provides for x86-64 (PT_INTERP of every dynamic executable here). */
    public static final String SYSTEM_INTERPRETER = "/lib64/ld-linux-x86-64.so.2";

    private final Inputs inputs;
    private ConfigFile config;
    private List<Link> chain;
    private final Map<String, Object> objects = new HashMap<>();

    public Inspection(Inputs inputs) {
        this.inputs = inputs;
    }

    public Inputs inputs() {
        return inputs;
    }

    /** The file behind a path as the examined system names it. */
    public Path file(String systemPath) {
        Path root = inputs.root();
        if (!systemPath.startsWith("/") || root.toString().equals("/")) {
            return Path.of(systemPath);
        }
        return root.resolve(systemPath.substring(1));
    }

    public ConfigFile config() {
        if (config == null) {
            config = ConfigFile.read(inputs.configPath(), file(inputs.configPath()));
        }
        return config;
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
            Path real = file(systemPath).toRealPath();
            Path root = inputs.root();
            return Optional.of(root.toString().equals("/") ? real.toString() : "/" + root.relativize(real));
        } catch (java.io.IOException | IllegalArgumentException e) {
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
        if (!inputs.exes().isEmpty()) {
            return inputs.exes();
        }
        Set<String> out = new LinkedHashSet<>();
        out.add(DEFAULT_TARGET);
        config().list().ifPresent(l -> l.names().forEach(n -> onSearchPath(n).ifPresent(out::add)));
        return new ArrayList<>(out);
    }

    /** The chain as one line, for messages. */
    public String chainText() {
        List<String> e = chain().stream().map(Link::entry).toList();
        return e.isEmpty() ? "(empty chain)" : String.join(":", e);
    }

    /** A parsed object, read once per run and shared; the failure when it cannot be read as ELF. */
    public ObjectFile object(String systemPath) throws ElfException {
        Object o = objects.computeIfAbsent(systemPath, p -> {
            try {
                return new ObjectFile(p, ElfImage.read(file(p)));
            } catch (ElfException e) {
                return e;
            }
        });
        if (o instanceof ElfException e) {
            throw e;
        }
        return (ObjectFile) o;
    }

    /** The preload chain in ld.so's order, each entry with ld.so's verdict (elf/rtld.c: do_preload). */
    public List<Link> chain() {
        if (chain == null) {
            List<Link> out = new ArrayList<>();
            if (inputs.proposedChain().isPresent()) {
                for (String e : PreloadText.splitEnvironment(inputs.proposedChain().get())) {
                    out.add(link(e, "--preload"));
                }
            } else {
                for (String e : PreloadText.splitEnvironment(inputs.ldPreload().orElse(""))) {
                    out.add(link(e, "LD_PRELOAD"));
                }
                try {
                    byte[] file = Files.readAllBytes(file("/etc/ld.so.preload"));
                    for (String e : PreloadText.splitFile(file)) {
                        out.add(link(e, "/etc/ld.so.preload"));
                    }
                } catch (IOException e) {
                    // ld.so reads the file only if access(R_OK) succeeds; otherwise there is no such chain part.
                }
            }
            chain = List.copyOf(out);
        }
        return chain;
    }

    private Link link(String entry, String source) {
        Optional<String> found = entry.contains("/") ? Optional.of(entry) : PreloadText.searchDefault(this, entry);
        if (found.isEmpty()) {
            return new Link(entry, source, "", Link.Outcome.NOT_FOUND, "cannot open shared object file", Optional.empty(), List.of());
        }
        String path = found.get();
        try {
            ObjectFile o = object(path);
            ElfHeader h = o.image().header();
            if (h.elfClass() != ElfClass.ELF64) {
                return new Link(entry, source, path, Link.Outcome.WRONG_CLASS, "wrong ELF class: ELFCLASS32", Optional.empty(), List.of());
            }
            if (h.machine() != ElfHeader.EM_X86_64) {
                // Debian's ld.so reports a foreign machine like a missing file (unsubmitted-ldso-machine-mismatch.diff).
                return new Link(entry, source, path, Link.Outcome.WRONG_MACHINE, "cannot open shared object file", Optional.empty(),
                        List.of());
            }
            boolean pie = (o.image().dynamic().flags1() & io.memproxy.elf.DynamicInfo.DF_1_PIE) != 0;
            if (h.type() != ElfType.DYN || pie) {
                String why = pie ? "cannot dynamically load position-independent executable"
                        : h.type() == ElfType.EXEC ? "cannot dynamically load executable" : "only ET_DYN and ET_EXEC can be loaded";
                return new Link(entry, source, path, Link.Outcome.UNLOADABLE, why, Optional.empty(), List.of());
            }
            return new Link(entry, source, path, Link.Outcome.LOADED, "", Optional.of(o), List.of());
        } catch (NotElfException e) {
            if (e.kind() == NonElfKind.DIRECTORY) {
                return new Link(entry, source, path, Link.Outcome.UNLOADABLE, "cannot read file data: Is a directory", Optional.empty(), List.of());
            }
            return new Link(entry, source, path, Link.Outcome.NOT_ELF,
                    e.kind() == NonElfKind.EMPTY ? "file too short" : "invalid ELF header", Optional.empty(), e.scriptInputs());
        } catch (UnreadableFileException e) {
            return new Link(entry, source, path, Link.Outcome.MISSING, "cannot open shared object file", Optional.empty(), List.of());
        } catch (ElfException e) {
            return new Link(entry, source, path, Link.Outcome.UNLOADABLE, e.problem(), Optional.empty(), List.of());
        }
    }
}
