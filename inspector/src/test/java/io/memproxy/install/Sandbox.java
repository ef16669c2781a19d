package io.memproxy.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A minimal system image for install tests: a shell, glibc, jemalloc with its dependencies, the shim. */
public final class Sandbox {
    private Sandbox() {}

    public static final String SHIM = "/usr/local/lib/libmemproxy.so";
    public static final String JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    /** The shim the test build made (shim/build/libmemproxy.so of this checkout). */
    /** The exclusion list the built shim reads (its memproxy_config_path), as the image names it. */
    public static String listPath() {
        try {
            return io.memproxy.elf.ElfImage.read(builtShim()).stringSymbol("memproxy_config_path").orElseThrow();
        } catch (io.memproxy.elf.ElfException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path builtShim() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("shim"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no shim/ above " + Path.of("").toAbsolutePath());
        }
        Path shim = dir.resolve("shim/build/libmemproxy.so");
        if (!Files.isRegularFile(shim)) {
            throw new IllegalStateException(shim + " was not built; the test build makes it");
        }
        return shim;
    }

    /** Assembles the image under {@code root}; without libstdc++ jemalloc cannot be loaded. */
    public static Path make(Path root, boolean withLibstdcxx) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        copy(Path.of("/usr/bin/dash"), root, "/bin/sh");
        copy(Path.of("/lib64/ld-linux-x86-64.so.2"), root, "/lib64/ld-linux-x86-64.so.2");
        for (String l : new String[] {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6"}) {
            if (withLibstdcxx || !l.startsWith("libstdc++")) {
                copy(Path.of("/lib/x86_64-linux-gnu/" + l), root, "/lib/x86_64-linux-gnu/" + l);
            }
        }
        copy(Path.of(JEMALLOC), root, JEMALLOC);
        copy(builtShim(), root, SHIM);
        return root;
    }

    /**
     * Adds i386 to the image: its ld.so, libc, C++ runtime and jemalloc, the 32-bit program /usr/bin/hello, and
     * both classes' shims where make install puts them ({@code /usr/local/lib/<triplet>/}); without
     * {@code i386Shim} only the x86-64 one.
     */
    public static Path addI386(Path root, boolean i386Shim) throws IOException {
        copy(Path.of("/lib/ld-linux.so.2"), root, "/lib/ld-linux.so.2");
        for (String l : new String[] {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6"}) {
            copy(Path.of("/lib/i386-linux-gnu/" + l), root, "/lib/i386-linux-gnu/" + l);
        }
        copy(Path.of("/usr/lib/i386-linux-gnu/libjemalloc.so.2"), root, "/usr/lib/i386-linux-gnu/libjemalloc.so.2");
        copy(Path.of("/usr/bin/hello"), root, "/usr/bin/hello");
        copy(builtShim(), root, "/usr/local/lib/x86_64-linux-gnu/libmemproxy.so");
        if (i386Shim) {
            copy(builtShim().resolveSibling("i386/libmemproxy.so"), root, "/usr/local/lib/i386-linux-gnu/libmemproxy.so");
        }
        return root;
    }

    static void copy(Path from, Path root, String as) throws IOException {
        Path to = root.resolve(as.substring(1));
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        to.toFile().setExecutable(Files.isExecutable(from));
    }
}
