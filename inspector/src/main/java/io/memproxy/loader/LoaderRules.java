package io.memproxy.loader;

import io.memproxy.elf.ElfClass;
import io.memproxy.elf.ElfHeader;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A loader profile: the facts of one glibc build for one word size and machine that the emulation depends on,
 * kept as data so another version or architecture is another constant, not another code path. A program is
 * loaded under the profile of its own class and machine ({@link #of(ElfHeader)}); one machine may run several
 * (Debian's multiarch: x86-64 and i386 side by side).
 *
 * @param name         the architecture as Debian names it (dpkg --print-architecture)
 * @param elfClass     the only ELF class this ld.so maps
 * @param machine      the only e_machine ld.so maps (Debian's unsubmitted-ldso-machine-mismatch.diff)
 * @param interpreter  ld.so's name when the program has no PT_INTERP
 * @param cacheFlags   the ld.so.cache entry flags it accepts (sysdeps/…/dl-cache.h: _dl_cache_check_flags)
 * @param dstLib       what $LIB expands to (DL_DST_LIB), also Debian's multiarch library directory under /usr
 * @param systemDirs   the default directories, searched last, with ld.so's trailing slash (trusted-dirs.h)
 * @param ldconfigDirs the directories ldconfig appends to ld.so.conf (Debian local-ldconfig-multiarch.diff)
 * @param capabilities what this ld.so makes of the CPU ($PLATFORM, legacy hwcap names, glibc-hwcaps subdirectories):
 *                     from the machine's native capabilities for the architectures this machine runs, from the
 *                     --hwcaps level (empty: the default) for a foreign one, whose CPU is not this one
 * @param native_      whether this machine's CPU runs the profile's programs (x86-64 and i386 on an x86-64 host)
 */
public record LoaderRules(String name, ElfClass elfClass, int machine, String interpreter, List<Integer> cacheFlags,
        String dstLib, List<String> systemDirs, List<String> ldconfigDirs, BiFunction<HostCapabilities, Optional<String>, HostCapabilities> capabilities, boolean native_) {
    /** glibc 2.36 as Debian 12 builds it for x86-64: FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 only. */
    public static final LoaderRules DEBIAN_12_X86_64 = new LoaderRules("amd64", ElfClass.ELF64, ElfHeader.EM_X86_64,
            "/lib64/ld-linux-x86-64.so.2", List.of(0x0303), "lib/x86_64-linux-gnu",
            List.of("/lib/x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu/", "/lib/", "/usr/lib/"),
            List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"),
            (host, level) -> host, true);

    /** glibc 2.36 as Debian 12 builds it for i386 (libc6:i386): FLAG_ELF or FLAG_ELF_LIBC6 (generic dl-cache.h). */
    public static final LoaderRules DEBIAN_12_I386 = new LoaderRules("i386", ElfClass.ELF32, ElfHeader.EM_386,
            "/lib/ld-linux.so.2", List.of(0x0001, 0x0003), "lib/i386-linux-gnu",
            List.of("/lib/i386-linux-gnu/", "/usr/lib/i386-linux-gnu/", "/lib/", "/usr/lib/"),
            List.of("/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu", "/lib", "/usr/lib"),
            (host, level) -> HostCapabilities.forI386(host), true);

    /**
     * glibc 2.36 as Debian 12 builds it for arm64: FLAG_AARCH64_LIB64 | FLAG_ELF_LIBC6 (0x0a03, what the arm64
     * ldconfig writes; the x86-64 ldconfig -r skips aarch64 libraries). No glibc-hwcaps subdirectories; the
     * CPU is assumed, never read from this machine ({@link HostCapabilities#forAarch64}).
     */
    public static final LoaderRules DEBIAN_12_ARM64 = new LoaderRules("arm64", ElfClass.ELF64, ElfHeader.EM_AARCH64,
            "/lib/ld-linux-aarch64.so.1", List.of(0x0a03), "lib/aarch64-linux-gnu",
            List.of("/lib/aarch64-linux-gnu/", "/usr/lib/aarch64-linux-gnu/", "/lib/", "/usr/lib/"),
            List.of("/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"),
            (host, level) -> HostCapabilities.forAarch64(level.orElse(HostCapabilities.AARCH64_DEFAULT)), false);

    /** Every profile, the machine's native one first. */
    public static final List<LoaderRules> ALL = List.of(DEBIAN_12_X86_64, DEBIAN_12_I386, DEBIAN_12_ARM64);

    public LoaderRules {
        cacheFlags = List.copyOf(cacheFlags);
        systemDirs = List.copyOf(systemDirs);
        ldconfigDirs = List.copyOf(ldconfigDirs);
    }

    /**
     * Identity: every profile is one of the constants above (their capability functions differ, so a record's
     * component-wise equality came to the same). Written out because a record's generated hashCode builds its
     * method handles at first use, which cost the doctor about 20 generated classes at every start (BENCHMARKS.md).
     */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** The profile whose ld.so loads a program with this header, if there is one. */
    public static Optional<LoaderRules> of(ElfHeader h) {
        for (LoaderRules r : ALL) {
            if (r.elfClass == h.elfClass() && r.machine == h.machine()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The profile of a Debian architecture name ("amd64", "i386"). */
    public static Optional<LoaderRules> named(String name) {
        for (LoaderRules r : ALL) {
            if (r.name.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** What this ld.so makes of the CPU in an environment (the host's CPU, or the assumed level when foreign). */
    public HostCapabilities capabilitiesIn(LoaderEnvironment env) {
        return capabilities.apply(env.host(), env.hwcaps());
    }

    /** The same on this machine with the default level for a foreign architecture. */
    public HostCapabilities capabilitiesHere() {
        return capabilities.apply(HostCapabilities.detect(), Optional.empty());
    }

    /** The machine as messages name it ("x86-64", "i386", "AArch64"). */
    public String machineName() {
        return ElfHeader.machineName(machine);
    }

    /** Whether ld.so takes an ld.so.cache entry with these flags. */
    public boolean acceptsCacheFlags(int flags) {
        return cacheFlags.contains(flags);
    }

    /** open_verify's message for a file of the other class; it names the class this ld.so does not load. */
    public String wrongClassMessage() {
        return "wrong ELF class: " + (elfClass == ElfClass.ELF64 ? "ELFCLASS32" : "ELFCLASS64");
    }

    /** sizeof(ElfW(Ehdr)): shorter files are "file too short". */
    public int headerSize() {
        return elfClass == ElfClass.ELF64 ? 64 : 52;
    }

    /** "64-bit" or "32-bit", as messages say it. */
    public String bits() {
        return elfClass.bits() + "-bit";
    }
}
