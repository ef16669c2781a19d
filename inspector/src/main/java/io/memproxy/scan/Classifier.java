package io.memproxy.scan;

import io.memproxy.config.AllocatorLibrary;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfClass;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.ElfType;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.SymbolBinding;
import io.memproxy.elf.SymbolType;
import io.memproxy.elf.SymbolVisibility;
import io.memproxy.elf.UnreadableFileException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Puts one file in its {@link ExecutableClass}es from its ELF header, dynamic section and exported symbols. */
public final class Classifier {
    /** The malloc family as the shim exports it; an executable defining any of these keeps its own heap. */
    static final Set<String> MALLOC_FAMILY = Set.of("malloc", "free", "calloc", "realloc", "memalign",
            "posix_memalign", "aligned_alloc", "valloc", "pvalloc", "malloc_usable_size");

    /** glibc's program interpreters on every architecture: ld-linux*.so.N, ld64.so.N, ld.so.N. */
    private static final Pattern GLIBC_INTERPRETER = Pattern.compile("ld-linux[-.\\w]*\\.so\\.\\d+|ld64\\.so\\.\\d+|ld\\.so\\.\\d+");

    private final Platform platform;

    public Classifier(Platform platform) {
        this.platform = platform;
    }

    /** The word size and machine of the system's own programs, which the shim is built for. */
    public record Platform(ElfClass elfClass, int machine) {
        /** Programs nearly every image has; the first that is a plain ELF file gives the image's platform. */
        private static final List<String> REFERENCES = List.of("usr/bin/dash", "bin/dash", "usr/bin/bash", "bin/bash",
                "usr/bin/env", "bin/busybox");

        /** The platform of this JVM's machine. */
        public static Platform host() {
            return switch (System.getProperty("os.arch")) {
                case "x86", "i386", "i686" -> new Platform(ElfClass.ELF32, ElfHeader.EM_386);
                case "aarch64" -> new Platform(ElfClass.ELF64, ElfHeader.EM_AARCH64);
                case "arm" -> new Platform(ElfClass.ELF32, ElfHeader.EM_ARM);
                case "ppc64", "ppc64le" -> new Platform(ElfClass.ELF64, ElfHeader.EM_PPC64);
                default -> new Platform(ElfClass.ELF64, ElfHeader.EM_X86_64);
            };
        }

        /** The platform of the image under {@code root}: that of its shell, else this machine's. */
        public static Platform of(Path root) {
            if (root.toString().equals("/")) {
                return host();
            }
            for (String r : REFERENCES) {
                Path p = root.resolve(r);
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        ElfHeader h = ElfImage.read(p).header();
                        return new Platform(h.elfClass(), h.machine());
                    } catch (ElfException e) {
                        // try the next one
                    }
                }
            }
            return host();
        }
    }

    /**
     * Classifies the file at {@code file}, named {@code path} on the examined system. Never throws:
     * unreadable and malformed files are results.
     */
    public ScannedFile classify(String path, Path file) {
        ElfImage image;
        try {
            image = ElfImage.read(file);
        } catch (NotElfException e) {
            return ScannedFile.other(path, ScannedFile.Kind.NOT_ELF);
        } catch (UnreadableFileException e) {
            return ScannedFile.notExamined(path, ExecutableClass.UNREADABLE, e.problem());
        } catch (MalformedElfException e) {
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, e.problem());
        } catch (ElfException e) {
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, e.problem());
        }
        try {
            return classify(path, image);
        } catch (MalformedElfException e) {
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, e.problem());
        } catch (RuntimeException e) {
            // Every read is checked; a bug must still cost one file, not the scan.
            return ScannedFile.notExamined(path, ExecutableClass.MALFORMED, "cannot be examined: " + e);
        }
    }

    private ScannedFile classify(String path, ElfImage image) throws MalformedElfException {
        ElfHeader h = image.header();
        if (!isExecutable(image)) {
            return ScannedFile.other(path, ScannedFile.Kind.OTHER_ELF);
        }
        Set<ExecutableClass> classes = EnumSet.noneOf(ExecutableClass.class);
        boolean foreign = false;
        if (h.machine() != platform.machine() || h.elfClass() != platform.elfClass()) {
            classes.add(h.elfClass() == ElfClass.ELF32 && platform.elfClass() == ElfClass.ELF64
                    && sameFamily(h.machine(), platform.machine()) ? ExecutableClass.BITS_32 : ExecutableClass.OTHER_MACHINE);
            foreign = true;
        }
        if (h.isStatic()) {
            classes.add(ExecutableClass.STATIC);
        }
        Optional<String> interp = h.interpreter();
        if (interp.isPresent() && !GLIBC_INTERPRETER.matcher(fileName(interp.get())).matches()) {
            classes.add(ExecutableClass.OTHER_LIBC);
        }
        List<String> allocators = new ArrayList<>();
        for (String needed : image.dynamic().needed()) {
            if (AllocatorLibrary.of(needed).isPresent()) {
                allocators.add(needed);
            }
        }
        if (!allocators.isEmpty()) {
            classes.add(ExecutableClass.OTHER_ALLOCATOR);
        }
        // Only a process the shim can enter needs the symbol search.
        List<String> own = foreign || h.isStatic() ? List.of() : ownMallocFamily(image);
        if (!own.isEmpty()) {
            classes.add(ExecutableClass.OWN_MALLOC);
        }
        List<String> secure = new ArrayList<>();
        if (h.setuid()) {
            secure.add("setuid");
        }
        if (h.setgid()) {
            secure.add("setgid");
        }
        if (!secure.isEmpty()) {
            classes.add(ExecutableClass.SECURE_EXECUTION);
        }
        if (classes.isEmpty()) {
            classes.add(ExecutableClass.FINE);
        }
        return new ScannedFile(path, ScannedFile.Kind.EXECUTABLE, new ArrayList<>(classes), interp, allocators, own, secure, "");
    }

    /**
     * An executable is what execve(2) runs as a program: ET_EXEC, or ET_DYN with an interpreter or the
     * PIE flag. A shared library that can also be run (libc.so.6 prints its version) has a DT_SONAME.
     */
    static boolean isExecutable(ElfImage image) {
        ElfHeader h = image.header();
        if (h.type() == ElfType.EXEC) {
            return true;
        }
        return h.type() == ElfType.DYN && h.isPie() && image.dynamic().soname().isEmpty();
    }

    /** The malloc-family functions the executable exports: every object in the process binds to them first. */
    private static List<String> ownMallocFamily(ElfImage image) throws MalformedElfException {
        List<String> out = new ArrayList<>();
        for (String name : MALLOC_FAMILY) {
            for (DynamicSymbol d : image.definitions(name)) {
                if ((d.type() == SymbolType.FUNC || d.type() == SymbolType.GNU_IFUNC)
                        && d.binding() != SymbolBinding.LOCAL
                        && d.visibility() != SymbolVisibility.HIDDEN && d.visibility() != SymbolVisibility.INTERNAL
                        && !out.contains(name)) {
                    out.add(name);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean sameFamily(int machine, int host) {
        return (machine == ElfHeader.EM_386 && host == ElfHeader.EM_X86_64)
                || (machine == ElfHeader.EM_ARM && host == ElfHeader.EM_AARCH64)
                || (machine == ElfHeader.EM_PPC && host == ElfHeader.EM_PPC64)
                || machine == host;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
