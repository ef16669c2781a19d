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
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens candidate files the way ld.so's open_verify does (elf/dl-load.c), parsing each file once: results are
 * shared by loader path and by file identity (st_dev, st_ino), so many executables cost one read per library.
 * Safe for concurrent use.
 */
public final class ObjectFiles {
    /** What opening one candidate gave. */
    public sealed interface Opened permits Absent, OtherClass, Fatal, Usable {}

    /** Not there (ENOENT, EACCES, ENOTDIR): the search goes on. */
    public record Absent() implements Opened {}

    /** ELF for another class or machine: skipped in a search, an error for an explicit path. */
    public record OtherClass(String reason) implements Opened {}

    /** ld.so stops loading with this message (invalid ELF header, file too short, ...). */
    public record Fatal(String reason) implements Opened {}

    /** A loadable object. {@code setuid} is the S_ISUID bit (secure-mode preloads need it). */
    public record Usable(ElfImage elf, Object fileKey, boolean setuid) implements Opened {}

    private static final Absent ABSENT = new Absent();

    /** What reading a file gave, before any profile's checks: shared by the processes of every class. */
    private sealed interface Read permits Missing, Rejected, Image {}

    private record Missing() implements Read {}

    /**
     * Not a loadable ELF file whatever the class: {@code reason}, or "file too short" when the file is shorter
     * than the profile's ELF header. {@code otherClass}: the class byte is neither 32 nor 64 bits.
     */
    private record Rejected(String reason, long size, boolean otherClass) implements Read {}

    private record Image(ElfImage elf, Object fileKey) implements Read {}

    private static final Missing MISSING = new Missing();

    private final Root root;
    private final Map<String, Read> byPath = new ConcurrentHashMap<>();
    private final Map<Object, Read> byKey = new ConcurrentHashMap<>();

    private volatile Optional<LdSoCache> cache;
    private volatile Optional<byte[]> preloadFile;

    public ObjectFiles(Root root) {
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
        return byPath.computeIfAbsent(loaderPath, this::load) instanceof Image i ? LoaderRules.of(i.elf().header()) : Optional.empty();
    }

    /** Opens a loader path as the ld.so of {@code rules} would (open_verify's checks, in its order). */
    public Opened open(String loaderPath, LoaderRules rules) {
        Read r = byPath.computeIfAbsent(loaderPath, this::load);
        if (r instanceof Image i) {
            return check(i, rules);
        }
        if (r instanceof Rejected j) {
            if (j.size() < rules.headerSize() && !j.reason().startsWith("cannot read file data")) {
                return new Fatal("file too short");
            }
            return j.otherClass() ? new OtherClass(rules.wrongClassMessage()) : new Fatal(j.reason());
        }
        return ABSENT;
    }

    private Read load(String loaderPath) {
        Path file;
        BasicFileAttributes attrs;
        try {
            file = root.isHost() ? root.file(loaderPath) : root.file(root.realPath(loaderPath));
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return MISSING;
        }
        if (attrs.isDirectory()) {
            return new Rejected("cannot read file data: Is a directory", attrs.size(), false);
        }
        Object key = attrs.fileKey() != null ? attrs.fileKey() : file.toAbsolutePath().normalize();
        final Path f = file;
        final long size = attrs.size();
        return byKey.computeIfAbsent(key, k -> read(f, k, size));
    }

    private static Read read(Path file, Object key, long size) {
        try {
            return new Image(ElfImage.read(file), key);
        } catch (NotElfException e) {
            if (e.kind() == NonElfKind.DIRECTORY) {
                return new Rejected("cannot read file data: Is a directory", size, false);
            }
            return new Rejected("invalid ELF header", size, false);
        } catch (UnreadableFileException e) {
            return MISSING;
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
            return new OtherClass(rules.wrongClassMessage());
        }
        if (h.encoding() != io.memproxy.elf.DataEncoding.LSB) {
            return new Fatal("ELF file data encoding not little-endian");
        }
        // sysdeps/gnu/ldsodefs.h: VALID_ELF_OSABI / VALID_ELF_ABIVERSION.
        if (h.osAbi() != 0 && h.osAbi() != 3) {
            return new Fatal("ELF file OS ABI invalid");
        }
        if (h.osAbi() == 0 ? h.abiVersion() != 0 : h.abiVersion() >= 4) {
            return new Fatal("ELF file ABI version invalid");
        }
        if (!h.identPaddingZero()) {
            return new Fatal("nonzero padding in e_ident");
        }
        // Debian's unsubmitted-ldso-machine-mismatch.diff: another machine counts as absent.
        if (h.machine() != rules.machine()) {
            return new OtherClass("cannot open shared object file");
        }
        if (h.type() != ElfType.DYN && h.type() != ElfType.EXEC) {
            return new Fatal("only ET_DYN and ET_EXEC can be loaded");
        }
        return new Usable(elf, image.fileKey(), h.setuid());
    }

    /** /etc/ld.so.cache under the root, parsed once; empty when absent or unusable (ld.so then skips it). */
    public Optional<LdSoCache> cache() {
        Optional<LdSoCache> c = cache;
        if (c == null) {
            try {
                c = Optional.of(LdSoCache.parse(Files.readAllBytes(root.file("/etc/ld.so.cache"))));
            } catch (IOException | LoaderException e) {
                c = Optional.empty();
            }
            cache = c;
        }
        return c;
    }

    /** /etc/ld.so.preload under the root, read once; empty when ld.so could not read it. */
    public Optional<byte[]> preloadFile() {
        Optional<byte[]> p = preloadFile;
        if (p == null) {
            Path f = root.file("/etc/ld.so.preload");
            try {
                p = Files.isReadable(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
            } catch (IOException | RuntimeException e) {
                p = Optional.empty();
            }
            preloadFile = p;
        }
        return p;
    }
}
