package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The malloc-family and operator new/delete bindings SymbolBinder predicts equal, as a multiset, the ones
 * glibc prints with LD_DEBUG=bindings (trace mode, BIND_NOW: no code of the program runs), for dozens of
 * programs, with no preload, with each allocator and with the shim in front of each allocator.
 */
class BindingAgreementTest {
    static final String LD_SO = RealLoader.LD_SO;
    static final String LIB = "/usr/lib/x86_64-linux-gnu/";
    static final List<String> ALLOCATORS = List.of(LIB + "libjemalloc.so.2", LIB + "libtcmalloc_minimal.so.4", LIB + "libmimalloc.so.2");

    /** Every 20th dynamically linked program of /usr/bin (sorted), plus a few C++ ones. */
    static List<String> programs() throws IOException {
        LoaderFiles files = new LoaderFiles(Root.host());
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
            for (Path p : s.sorted().toList()) {
                if (files.open(p.toString()) instanceof LoaderFiles.Usable u && u.elf().header().interpreter().isPresent()
                        && !u.elf().header().setuid() && !u.elf().header().setgid()) {
                    all.add(p.toString());
                }
            }
        }
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 20) {
            picked.add(all.get(i));
        }
        for (String cxx : List.of("/usr/bin/c++filt", "/usr/bin/hyperfine", "/usr/bin/gdb", "/usr/bin/cmake", "/usr/bin/python3")) {
            if (all.contains(cxx) && !picked.contains(cxx)) {
                picked.add(cxx);
            }
        }
        return picked;
    }

    static Map<String, Integer> real(String exe, String preload) {
        return AllocatorBindings.real(RealLoader.run(List.of(RealLoader.ldSoFor(exe), exe), AllocatorBindings.traceEnvironment(preload), null).err());
    }

    static Map<String, Integer> ours(LoaderFiles files, String exe, String preload) {
        return AllocatorBindings.predicted(LoaderEnvironment.system().withStart(LoaderEnvironment.Start.LOADER_COMMAND).withPreload(preload),
                files, exe);
    }

    static Path shim() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../shim").normalize();
        Path lib = dir.resolve("build/libmemproxy.so");
        if (!Files.exists(lib)) {
            var r = RealLoader.run(List.of("make", "-s", "-C", dir.toString()), Map.of(), null);
            assertEquals(0, r.code(), "building the shim: " + r.err());
        }
        return lib;
    }

    @Test
    void allocatorBindingsEqualGlibcs() throws Exception {
        List<String> chains = AllocatorBindings.chains(ALLOCATORS, shim().toString());
        LoaderFiles files = new LoaderFiles(Root.host());
        List<String> programs = programs();
        AllocatorBindings.Tally tally = AllocatorBindings.compare(chains, programs, BindingAgreementTest::real,
                (exe, chain) -> ours(files, exe, chain));
        tally.print("bindings");
        long mixed = tally.runs().stream().filter(r -> r.chain() != null && !r.chain().contains("memproxy")
                && r.real().keySet().stream().anyMatch(k -> k.matches(".* -> \\S*/libc\\.so\\.6 reallocarray.*"))).count();
        System.out.printf("with an allocator preloaded, %d of %d runs still bind reallocarray to glibc%n", mixed, programs.size() * 3);
        assertTrue(programs.size() >= 24, "programs: " + programs.size());
        assertEquals(tally.total(), tally.agree());
    }

    /**
     * The same for 32-bit programs under i386 ld.so: Debian's i386 programs in /usr/bin and the C++ and versioned
     * gcc -m32 fixtures, with no preload, each i386 allocator, the i386 shim in front of each, and the machine-wide
     * form that names both classes' files with $LIB.
     */
    @Test
    void i386BindingsEqualGlibcs(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String lib32 = "/usr/lib/i386-linux-gnu/";
        List<String> allocators = List.of(lib32 + "libjemalloc.so.2", lib32 + "libtcmalloc_minimal.so.4", lib32 + "libmimalloc.so.2");
        shim();
        Path shim32 = Path.of(System.getProperty("user.dir")).resolve("../shim/build/i386/libmemproxy.so").normalize();
        assertTrue(Files.isRegularFile(shim32), "make builds the i386 shim: " + shim32);
        Path multi = Files.createDirectories(tmp.resolve("lib/i386-linux-gnu"));
        Files.createSymbolicLink(multi.resolve("libmemproxy.so"), shim32);
        List<String> chains = AllocatorBindings.chains(allocators, shim32.toString(), tmp + "/$LIB/libmemproxy.so /usr/$LIB/libjemalloc.so.2");
        LoaderFiles files = new LoaderFiles(Root.host());
        List<String> programs = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
            for (Path p : s.sorted().toList()) {
                if (files.open(p.toString(), LoaderRules.DEBIAN_12_I386) instanceof LoaderFiles.Usable u
                        && u.elf().header().interpreter().isPresent() && !u.elf().header().setuid()) {
                    programs.add(p.toString());
                }
            }
        }
        Path fixtures = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader32").toAbsolutePath();
        programs.add(fixtures.resolve("unique/m").toString());
        programs.add(fixtures.resolve("ver/m_v2").toString());
        AllocatorBindings.Tally tally = AllocatorBindings.compare(chains, programs, BindingAgreementTest::real,
                (exe, chain) -> ours(files, exe, chain));
        tally.print("i386 bindings");
        for (AllocatorBindings.Run r : tally.runs()) {
            if (r.chain() != null && r.chain().contains("libmemproxy.so")) {
                String shim = r.chain().startsWith(tmp.toString()) ? multi.resolve("libmemproxy.so").toString() : shim32.toString();
                assertTrue(r.real().keySet().stream().anyMatch(k -> k.contains(" -> " + shim + " malloc")), r.exe() + " " + r.chain() + ": " + r.real());
            }
        }
        assertTrue(programs.size() >= 6, "programs: " + programs);
        assertEquals(tally.total(), tally.agree());
    }
}
