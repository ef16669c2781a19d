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

    private static final int EHDR64 = 64;
    private static final Absent ABSENT = new Absent();

    private final Root root;
    private final Map<String, Opened> byPath = new ConcurrentHashMap<>();
    private final Map<Object, Opened> byKey = new ConcurrentHashMap<>();

    private volatile Optional<LdSoCache> cache;
    private volatile Optional<byte[]> preloadFile;

    public ObjectFiles(Root root) {
        this.root = root;
    }

    public Root root() {
        return root;
    }

    /** Opens a loader path (relative ones against the working directory). */
    public Opened open(String loaderPath) {
        return byPath.computeIfAbsent(loaderPath, this::load);
    }

    private Opened load(String loaderPath) {
        Path file;
        BasicFileAttributes attrs;
        try {
            file = root.isHost() ? root.file(loaderPath) : root.file(root.realPath(loaderPath));
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return ABSENT;
        }
        if (attrs.isDirectory()) {
            return new Fatal("cannot read file data: Is a directory");
        }
        Object key = attrs.fileKey() != null ? attrs.fileKey() : file.toAbsolutePath().normalize();
        final Path f = file;
        final long size = attrs.size();
        return byKey.computeIfAbsent(key, k -> verify(f, k, size));
    }

    private static Opened verify(Path file, Object key, long size) {
        ElfImage elf;
        try {
            elf = ElfImage.read(file);
        } catch (NotElfException e) {
            if (e.kind() == NonElfKind.DIRECTORY) {
                return new Fatal("cannot read file data: Is a directory");
            }
            return new Fatal(size < EHDR64 ? "file too short" : "invalid ELF header");
        } catch (UnreadableFileException e) {
            return ABSENT;
        } catch (MalformedElfException e) {
            if (size < EHDR64) {
                return new Fatal("file too short");
            }
            // The reader rejects an unknown class byte; ld.so treats any class but 64-bit as "other class".
            return e.problem().startsWith("unknown ELF class") ? new OtherClass("wrong ELF class: ELFCLASS32")
                    : new Fatal(e.problem());
        } catch (ElfException e) {
            return new Fatal(e.problem());
        }
        return check(elf, key);
    }

    /** The header checks of open_verify, in its order. */
    private static Opened check(ElfImage elf, Object key) {
        ElfHeader h = elf.header();
        if (h.elfClass() != io.memproxy.elf.ElfClass.ELF64) {
            return new OtherClass("wrong ELF class: ELFCLASS32");
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
        if (h.machine() != LoaderRules.DEBIAN_12_X86_64.machine()) {
            return new OtherClass("cannot open shared object file");
        }
        if (h.type() != ElfType.DYN && h.type() != ElfType.EXEC) {
            return new Fatal("only ET_DYN and ET_EXEC can be loaded");
        }
        return new Usable(elf, key, h.setuid());
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
