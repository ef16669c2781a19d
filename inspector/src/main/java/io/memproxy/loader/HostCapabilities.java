package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the CPU lets ld.so search: glibc-hwcaps subdirectories (best first), legacy hwcap names, the platform
 * string and the x86 ISA levels (sysdeps/x86/dl-hwcaps.c, sysdeps/x86/cpu-features.c). Derived from
 * /proc/cpuinfo flags, so no program has to run; {@code ld.so --help} prints the same lists.
 */
public record HostCapabilities(List<String> hwcapsSubdirs, List<String> legacyHwcaps, String platform, int isaLevels) {
    /** GNU_PROPERTY_X86_ISA_1_* bits: baseline, v2, v3, v4. */
    public static final int ISA_BASELINE = 1, ISA_V2 = 2, ISA_V3 = 4, ISA_V4 = 8;

    private static final List<String> V2 = List.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3");
    private static final List<String> V3 = List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
    private static final List<String> V4 = List.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");
    private static final List<String> HASWELL = List.of("avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "popcnt");

    private static volatile HostCapabilities detected;

    /** This machine, read once. */
    public static HostCapabilities detect() {
        HostCapabilities h = detected;
        if (h == null) {
            String cpuinfo;
            try {
                cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            } catch (IOException | RuntimeException e) {
                cpuinfo = "";
            }
            h = fromCpuinfo(cpuinfo);
            detected = h;
        }
        return h;
    }

    /** The capabilities an x86-64 CPU with these /proc/cpuinfo contents gives glibc 2.36. */
    public static HostCapabilities fromCpuinfo(String cpuinfo) {
        Set<String> flags = new HashSet<>();
        String vendor = "";
        // The first CPU's lines answer: the scan stops once both are read (a machine with many CPUs repeats them),
        // and the flags are split by hand (a regular expression cost every run a pattern compilation).
        for (int start = 0, end; start < cpuinfo.length() && (flags.isEmpty() || vendor.isEmpty()); start = end + 1) {
            end = cpuinfo.indexOf('\n', start);
            end = end < 0 ? cpuinfo.length() : end;
            String line = cpuinfo.substring(start, end);
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("flags") && flags.isEmpty()) {
                flags.addAll(words(line.substring(colon + 1)));
            } else if (key.equals("vendor_id") && vendor.isEmpty()) {
                vendor = line.substring(colon + 1).trim();
            }
        }
        int isa = ISA_BASELINE;
        if (flags.containsAll(V2)) {
            isa |= ISA_V2;
            if (flags.containsAll(V3)) {
                isa |= ISA_V3;
                if (flags.containsAll(V4)) {
                    isa |= ISA_V4;
                }
            }
        }
        List<String> subdirs = new ArrayList<>();
        for (int level = 4; level >= 2; level--) {
            if ((isa & (1 << (level - 1))) != 0) {
                subdirs.add("x86-64-v" + level);
            }
        }
        boolean intel = vendor.equals("GenuineIntel");
        List<String> legacy = new ArrayList<>(List.of("x86_64"));
        // glibc names AVX512 "avx512_1" only on Intel with AVX512ER-free parts (cpu-features.c).
        if (intel && flags.containsAll(V4)) {
            legacy.add("avx512_1");
        }
        String platform = intel && flags.containsAll(HASWELL) ? "haswell" : "x86_64";
        return new HostCapabilities(List.copyOf(subdirs), List.copyOf(legacy), platform, isa);
    }

    /** The words of a line separated by blanks, as {@code trim().split("\\s+")} gives them. */
    static List<String> words(String untrimmed) {
        String line = untrimmed.trim();
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && blank(line.charAt(i))) {
                i++;
            }
            int from = i;
            while (i < line.length() && !blank(line.charAt(i))) {
                i++;
            }
            if (i > from) {
                out.add(line.substring(from, i));
            }
        }
        return out.isEmpty() ? List.of("") : out;
    }

    /** \s of java.util.regex: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /**
     * What i386 ld.so (libc6:i386) makes of the same x86-64 CPU: no glibc-hwcaps subdirectories, the legacy hwcap
     * name "sse2" only (every x86-64 CPU has it; cpu-features.c sets "avx512_1" for x86-64 alone, which
     * /lib/ld-linux.so.2 --help confirms on an AVX512 CPU), and platform "i686" (haswell and xeon_phi are
     * x86-64 platforms).
     */
    public static HostCapabilities forI386(HostCapabilities x86_64) {
        return new HostCapabilities(List.of(), List.of("sse2"), "i686", x86_64.isaLevels());
    }

    /** The CPU levels --hwcaps names for aarch64, and the one assumed without it. */
    public static final List<String> AARCH64_LEVELS = List.of("armv8.0", "armv8.1");
    public static final String AARCH64_DEFAULT = "armv8.1";

    /**
     * What aarch64 ld.so (libc6:arm64, glibc 2.36) makes of an arm64 CPU of this level. It never looks at the
     * machine it is analysed on. glibc 2.36 has no glibc-hwcaps subdirectories for aarch64; the only legacy hwcap
     * name it searches is "atomics" (HWCAP_ATOMICS, bit 8, the ARMv8.1 LSE instructions); the platform is
     * "aarch64". armv8.0 is a CPU without LSE (Cortex-A53/A72, Raspberry Pi 4); armv8.1, the default, is every
     * current arm64 server CPU (Neoverse, Graviton 2 and later, Ampere) and qemu's default CPU. The arm64 ld.so's
     * --help under qemu-aarch64 with QEMU_CPU=cortex-a53 and QEMU_CPU=max prints these lists.
     */
    public static HostCapabilities forAarch64(String level) {
        return new HostCapabilities(List.of(), level.equals("armv8.0") ? List.of() : List.of("atomics"), "aarch64", 0);
    }

    /**
     * Legacy subdirectories tried under each search directory, best first (elf/dl-hwcaps.c:_dl_important_hwcaps):
     * every subset of [hwcap names…, platform, "tls"], masks 2^n-1 down to 1, each written last element first.
     * The directory itself (the empty subset) is not included.
     */
    public List<String> legacySubdirs() {
        List<String> t = new ArrayList<>(legacyHwcaps);
        t.add(platform);
        t.add("tls");
        List<String> out = new ArrayList<>();
        for (int mask = (1 << t.size()) - 1; mask > 0; mask--) {
            StringBuilder sb = new StringBuilder();
            for (int i = t.size() - 1; i >= 0; i--) {
                if ((mask & (1 << i)) != 0) {
                    sb.append(sb.length() == 0 ? "" : "/").append(t.get(i));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Bit of the platform in a legacy cache entry's hwcap (sysdeps/x86/dl-procinfo.h), -1 when it has none. */
    public int platformBit() {
        return switch (platform) {
            case "i586" -> 48;
            case "i686" -> 49;
            case "haswell" -> 50;
            case "xeon_phi" -> 51;
            default -> -1;
        };
    }

    /** Legacy hwcap bits of this CPU (x86: bit 0 sse2, bit 1 x86_64, bit 2 avx512_1; aarch64: bit 8 atomics). */
    public long hwcapMask() {
        long m = 0;
        if (legacyHwcaps.contains("atomics")) {
            m |= 1L << 8;
        }
        if (legacyHwcaps.contains("sse2")) {
            m |= 1L;
        }
        if (legacyHwcaps.contains("x86_64")) {
            m |= 1L << 1;
        }
        if (legacyHwcaps.contains("avx512_1")) {
            m |= 1L << 2;
        }
        return m;
    }
}
