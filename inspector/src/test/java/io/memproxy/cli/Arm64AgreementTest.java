package io.memproxy.cli;

import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * memproxy ldd --root on the arm64 image against the arm64 ld.so run under qemu in the same image, for every
 * dynamically linked program of its /usr/bin (Debian's arm64 packages) and every program of the loader fixtures
 * cross-built into /opt/loader (RPATH, RUNPATH, $ORIGIN, versions, NODEFLIB, the other machine's copy skipped),
 * started as ldd starts them and as the kernel does.
 */
class Arm64AgreementTest {
    static final Path IMAGE = Arm64Image.dir();
    static final LoaderFiles FILES = new LoaderFiles(Root.at(IMAGE));

    /** Programs of the image (paths inside it) that the arm64 ld.so loads: an interpreter and the aarch64 profile. */
    static List<String> programs(String under) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(IMAGE.resolve(under.substring(1)))) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String inImage = "/" + IMAGE.relativize(p);
                if (FILES.open(inImage, LoaderRules.DEBIAN_12_ARM64) instanceof LoaderFiles.Usable u
                        && u.elf().header().interpreter().isPresent() && Files.isExecutable(p)
                        && !u.elf().header().setuid() && !u.elf().header().setgid()) {
                    out.add(inImage);
                }
            }
        }
        return out;
    }

    static int agree(String label, List<String> exes, boolean kernel) {
        Map<String, List<String>> ours = kernel
                ? LddAgreementTest.ours(exes, "--root", IMAGE.toString())
                : LddAgreementTest.ours(exes, "--root", IMAGE.toString(), "--as-ldd");
        Map<String, List<String>> real = new LinkedHashMap<>();
        for (String exe : exes) {
            real.put(exe, Arm64Image.trace(exe, kernel, Map.of()));
        }
        int n = 0;
        List<String> diffs = new ArrayList<>();
        for (String exe : exes) {
            if (real.get(exe).equals(ours.get(exe))) {
                n++;
            } else {
                diffs.add(exe + "\n  real: " + real.get(exe) + "\n  ours: " + ours.get(exe));
            }
        }
        System.out.printf("arm64 image, memproxy ldd %s: %d of %d programs agree with the arm64 ld.so under qemu%n", label, n, exes.size());
        diffs.forEach(System.out::println);
        return n;
    }

    @Test
    void usrBinAsLddStartsIt() throws IOException {
        List<String> exes = programs("/usr/bin");
        assertTrue(exes.size() >= 10, "the image has libc-bin, hello, tree, pigz and dc; found " + exes);
        assertTrue(exes.contains("/usr/bin/pigz"), exes.toString());
        assertEquals(exes.size(), agree("/usr/bin --as-ldd", exes, false));
    }

    @Test
    void usrBinAsTheKernelStartsIt() throws IOException {
        List<String> exes = programs("/usr/bin");
        assertEquals(exes.size(), agree("/usr/bin (kernel start)", exes, true));
    }

    @Test
    void crossBuiltFixtures() throws IOException {
        List<String> exes = programs("/opt/loader");
        assertTrue(exes.size() >= 10, "cross-built loader fixtures: " + exes);
        assertEquals(exes.size(), agree("/opt/loader --as-ldd", exes, false));
        assertEquals(exes.size(), agree("/opt/loader (kernel start)", exes, true));
    }

    /**
     * The CPU level: a library with a copy in the legacy hwcap subdirectory atomics/ is taken from there by a CPU
     * with LSE atomics (qemu's default CPU; --hwcaps armv8.1, the default) and from the directory itself by a
     * Cortex-A53 (--hwcaps armv8.0). The host's x86-64 CPU never enters.
     */
    @Test
    void hwcapsLevelPicksTheCopyTheArm64LoaderPicks() {
        String exe = "/opt/hw/m"; // with a second program, so that ldd names each (as ours() reads it)
        List<String> v81 = Arm64Image.trace(exe, false, Map.of());
        List<String> v80 = Arm64Image.trace(exe, false, Map.of("QEMU_CPU", "cortex-a53"));
        assertTrue(v81.contains("libhw.so => /opt/hw/lib/atomics/libhw.so"), v81.toString());
        assertTrue(v80.contains("libhw.so => /opt/hw/lib/libhw.so"), v80.toString());
        assertEquals(v81, LddAgreementTest.ours(List.of(exe, "/usr/bin/hello"), "--root", IMAGE.toString(), "--as-ldd").get(exe));
        assertEquals(v81, LddAgreementTest.ours(List.of(exe, "/usr/bin/hello"), "--root", IMAGE.toString(), "--as-ldd", "--hwcaps", "armv8.1").get(exe));
        assertEquals(v80, LddAgreementTest.ours(List.of(exe, "/usr/bin/hello"), "--root", IMAGE.toString(), "--as-ldd", "--hwcaps", "armv8.0").get(exe));
        CliTest.Run bad = CliTest.Run.of("ldd", "--root", IMAGE.toString(), "--hwcaps", "x86-64-v3", exe);
        assertEquals(2, bad.code());
        assertEquals("memproxy: --hwcaps x86-64-v3: unknown level; one of armv8.0, armv8.1", bad.err().strip());
        CliTest.Run tree = CliTest.Run.of("ldd", "--root", IMAGE.toString(), "--tree", exe);
        assertTrue(tree.out().contains("[AArch64; its CPU is assumed, not this one's: armv8.1, --hwcaps sets it]"), tree.out());
    }

    /** The arm64 ld.so tells which directories it searches and what it makes of the CPU; the profile says the same. */
    @Test
    void profileMatchesTheArm64LoadersHelp() {
        Arm64Image.Output o = Arm64Image.run(List.of(Arm64Image.LD_SO, "--help"), Map.of());
        LoaderRules r = LoaderRules.DEBIAN_12_ARM64;
        assertTrue(o.out().contains("self-identifies as: " + r.interpreter()), o.out());
        assertEquals(r.systemDirs(), o.out().lines().filter(l -> l.endsWith(" (system search path)"))
                .map(l -> l.strip().replace(" (system search path)", "") + "/").toList());
        assertTrue(o.out().contains("No subdirectories of glibc-hwcaps directories are searched."), o.out());
        assertTrue(o.out().contains("  aarch64 (AT_PLATFORM; supported, searched)"), o.out());
        // qemu's default CPU has LSE atomics (armv8.1, the profile's default); a Cortex-A53 has not (armv8.0).
        assertTrue(o.out().contains("  atomics (supported, searched)"), o.out());
        Arm64Image.Output a53 = Arm64Image.run(List.of(Arm64Image.LD_SO, "--help"), Map.of("QEMU_CPU", "cortex-a53"));
        assertTrue(a53.out().lines().anyMatch(l -> l.equals("  atomics")), a53.out());
        assertEquals(List.of("atomics"), r.capabilitiesHere().legacyHwcaps());
        assertEquals("aarch64", r.capabilitiesHere().platform());
        assertEquals(List.of(), r.capabilitiesHere().hwcapsSubdirs());
    }
}
