package io.memproxy.loader;

import io.memproxy.elf.ElfImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One entry of ld.so's link map: a loaded object, or (like ld.so in trace mode) a placeholder for a name that
 * was not found.
 */
public final class LinkMapEntry {
    private final String requestName;
    private final String name;
    private final ElfImage elf;
    private final Object fileKey;
    private final FoundBy foundBy;
    private final String foundIn;
    private final LinkMapEntry loader;
    private final boolean preload;
    private final java.util.function.Supplier<String> originOf;
    private String origin;
    private boolean originKnown;
    final List<String> names = new ArrayList<>();
    final List<LinkMapEntry> needs = new ArrayList<>();
    final List<LinkMapEntry> neededBy = new ArrayList<>();
    List<String> rpathDirs;
    List<String> runpathDirs;

    LinkMapEntry(String requestName, String name, ElfImage elf, Object fileKey, FoundBy foundBy, String foundIn,
            LinkMapEntry loader, boolean preload, java.util.function.Supplier<String> originOf) {
        this.requestName = requestName;
        this.name = name;
        this.elf = elf;
        this.fileKey = fileKey;
        this.foundBy = foundBy;
        this.foundIn = foundIn;
        this.loader = loader;
        this.preload = preload;
        this.originOf = originOf;
        names.add(requestName);
    }

    /** The name it was first requested by (DT_NEEDED, a preload entry); ld.so's l_libname. */
    public String requestName() {
        return requestName;
    }

    /** The path it was opened by (l_name): not canonical, the first path that worked. Empty for a program started by the kernel. */
    public String name() {
        return name;
    }

    /** The path to show users: {@link #name()}, or the request name for a missing object. */
    public String path() {
        return name;
    }

    public boolean found() {
        return elf != null;
    }

    /** The parsed file; empty for a missing object. */
    public Optional<ElfImage> elf() {
        return Optional.ofNullable(elf);
    }

    ElfImage image() {
        return elf;
    }

    Object fileKey() {
        return fileKey;
    }

    public FoundBy foundBy() {
        return foundBy;
    }

    /** The directory of the search list that matched (for rpath, runpath, LD_LIBRARY_PATH, default dir), or "". */
    public String foundIn() {
        return foundIn;
    }

    /** The object whose request created this one (l_loader); empty for the executable and the interpreter. */
    public Optional<LinkMapEntry> loader() {
        return Optional.ofNullable(loader);
    }

    public boolean isPreload() {
        return preload;
    }

    /** $ORIGIN: the directory of {@link #name()} (symlinks kept), or of the real executable. */
    public synchronized String origin() {
        // Computed on first use: most objects never need it, and the executable's costs a realpath.
        if (!originKnown) {
            origin = originOf.get();
            originKnown = true;
        }
        return origin;
    }

    /** The soname, if it has one. */
    public Optional<String> soname() {
        return elf == null ? Optional.empty() : elf.dynamic().soname();
    }

    /** The objects its DT_NEEDED entries resolved to, in order (missing ones included). */
    public List<LinkMapEntry> needs() {
        return Collections.unmodifiableList(needs);
    }

    /** The objects that requested it, in load order. */
    public List<LinkMapEntry> neededBy() {
        return Collections.unmodifiableList(neededBy);
    }

    /** elf/dl-misc.c: _dl_name_match_p plus the soname check of _dl_map_object. */
    boolean matches(String request) {
        if (elf == null) {
            return false;
        }
        if (request.equals(name) || names.contains(request)) {
            return true;
        }
        return elf.dynamic().soname().isPresent() && request.equals(elf.dynamic().soname().get());
    }

    @Override
    public String toString() {
        return found() ? requestName + " => " + name : requestName + " => not found";
    }
}
