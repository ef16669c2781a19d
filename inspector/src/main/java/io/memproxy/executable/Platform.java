package io.memproxy.executable;

import io.memproxy.elf.ElfClass;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.loader.LoaderRules;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * The platform of the image under {@code root}: that of its shell, else that of the first loader profile whose
     * ld.so it has (an image of libraries and a few programs), else this machine's.
     */
    public static Platform of(Path root) {
        if (root.equals(Path.of("/"))) {
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
        for (LoaderRules r : LoaderRules.ALL) {
            if (Files.isRegularFile(root.resolve(r.interpreter().substring(1)))) {
                return new Platform(r.elfClass(), r.machine());
            }
        }
        return host();
    }

    /**
     * Whether a program for {@code h} is foreign here, and if so whether it is this machine's 32-bit sibling with
     * a loader profile (its ld.so is emulated: i386 beside x86-64).
     */
    ExecutableClass foreignClass(ElfHeader h) {
        return h.elfClass() == ElfClass.ELF32 && elfClass == ElfClass.ELF64 && sameFamily(h.machine(), machine)
                && LoaderRules.of(h).isPresent() ? ExecutableClass.BITS_32 : ExecutableClass.OTHER_MACHINE;
    }

    boolean runs(ElfHeader h) {
        return h.machine() == machine && h.elfClass() == elfClass;
    }

    private static boolean sameFamily(int machine, int host) {
        return (machine == ElfHeader.EM_386 && host == ElfHeader.EM_X86_64)
                || (machine == ElfHeader.EM_ARM && host == ElfHeader.EM_AARCH64)
                || (machine == ElfHeader.EM_PPC && host == ElfHeader.EM_PPC64)
                || machine == host;
    }
}
