package io.memproxy.cli;

import io.memproxy.loader.AllocatorBindings;
import io.memproxy.loader.LdSoCache;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arm64 image's ld.so.cache read with the aarch64 profile, and the malloc-family bindings the inspector
 * predicts against the arm64 ld.so's LD_DEBUG=bindings under qemu (trace mode with BIND_NOW: no program code
 * runs), for the image's programs and the cross-built fixtures, with no preload, each arm64 allocator, the
 * aarch64 shim in front of each, and the machine-wide $LIB form.
 */
class Arm64BindingTest {
    static final Path IMAGE = Arm64Image.dir();
    static final String LIB = "/usr/lib/aarch64-linux-gnu/";
    static final List<String> ALLOCATORS = List.of(LIB + "libjemalloc.so.2", LIB + "libtcmalloc_minimal.so.4", LIB + "libmimalloc.so.2");
    static final String SHIM = "/opt/memproxy/lib/aarch64-linux-gnu/libmemproxy.so";

    /** The cross-built shim, put where the $LIB form names it inside the image. */
    static void installShim() throws Exception {
        installShim(IMAGE, "aarch64");
    }

    /** The shim built for ARCH (make -C shim ARCH=… lib when missing), put at /opt/memproxy/$LIB/ in root. */
    static void installShim(Path root, String arch) throws Exception {
        Path shimDir = Path.of(System.getProperty("user.dir")).resolve("../shim").normalize();
        Path built = shimDir.resolve("build/" + arch + "/libmemproxy.so");
        if (!Files.exists(built)) {
            Process p = new ProcessBuilder("make", "-s", "-C", shimDir.toString(), "ARCH=" + arch, "lib").inheritIO().start();
            assertEquals(0, p.waitFor(), "building the " + arch + " shim");
        }
        Path target = root.resolve("opt/memproxy/lib/" + arch + "-linux-gnu/libmemproxy.so");
        Files.createDirectories(target.getParent());
        Files.copy(built, target, StandardCopyOption.REPLACE_EXISTING);
    }

    static Map<String, Integer> real(String exe, String preload) {
        return AllocatorBindings.real(Arm64Image.run(List.of(Arm64Image.LD_SO, exe), AllocatorBindings.traceEnvironment(preload)).err());
    }

    static Map<String, Integer> ours(LoaderFiles files, String exe, String preload) {
        return AllocatorBindings.predicted(LoaderEnvironment.system().withRoot(Root.at(IMAGE))
                .withStart(LoaderEnvironment.Start.LOADER_COMMAND).withPreload(preload), files, exe);
    }

    @Test
    void allocatorBindingsEqualTheArm64Loaders() throws Exception {
        installShim();
        List<String> chains = AllocatorBindings.chains(ALLOCATORS, SHIM, "/opt/memproxy/$LIB/libmemproxy.so:/usr/$LIB/libjemalloc.so.2");
        List<String> programs = new ArrayList<>(Arm64AgreementTest.programs("/usr/bin"));
        // Left out: nodeflib/m, whose own libc.so.6 is "not found" in trace mode (NODEFLIB, no LD_LIBRARY_PATH).
        // ld.so keeps a placeholder for it that captures other objects' version needs on libc.so.6, so their
        // references print unversioned; the inspector does not model that placeholder (on x86-64 either).
        programs.addAll(Arm64AgreementTest.programs("/opt/loader").stream().filter(p -> !p.equals("/opt/loader/nodeflib/m")).toList());
        LoaderFiles files = new LoaderFiles(Root.at(IMAGE));
        AllocatorBindings.Tally tally = AllocatorBindings.compare(chains, programs, Arm64BindingTest::real, (exe, chain) -> ours(files, exe, chain));
        tally.print("arm64 bindings (arm64 ld.so)");
        long nonEmpty = tally.runs().stream().filter(r -> !r.real().isEmpty()).count();
        assertTrue(nonEmpty > tally.total() / 2, "too few runs bound a malloc-family symbol: " + nonEmpty + " of " + tally.total());
        assertEquals(tally.total(), tally.agree());
    }

    /** The first entry of each name the arm64 ldconfig -p lists is what the aarch64 profile's cache lookup returns; x86-64 takes none. */
    @Test
    void cacheLookupsEqualTheArm64Ldconfig() throws Exception {
        Arm64Image.Output o = Arm64Image.run(List.of("/sbin/ldconfig", "-p"), Map.of());
        LdSoCache cache = new LoaderFiles(Root.at(IMAGE)).cache().orElseThrow();
        LoaderRules arm64 = LoaderRules.DEBIAN_12_ARM64;
        int n = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String l : o.out().split("\n")) {
            Matcher m = Pattern.compile("^\\t(\\S+) \\((libc6,AArch64)\\) => (\\S+)$").matcher(l);
            // ldconfig -p lists the cache in its order; ld.so takes the first entry of a name.
            if (m.matches() && seen.add(m.group(1))) {
                n++;
                assertEquals(m.group(3), cache.lookup(m.group(1), arm64.capabilitiesHere(), arm64).orElse("none"), l);
                assertEquals("none", cache.lookup(m.group(1), LoaderRules.DEBIAN_12_X86_64.capabilitiesHere(),
                        LoaderRules.DEBIAN_12_X86_64).orElse("none"), l);
            }
        }
        assertTrue(n >= 20, "ldconfig -p listed " + n + " AArch64 entries:\n" + o.out());
        assertTrue(cache.entries().stream().allMatch(e -> e.flags() == 0x0a03), "every entry has FLAG_AARCH64_LIB64|FLAG_ELF_LIBC6");
    }
}
