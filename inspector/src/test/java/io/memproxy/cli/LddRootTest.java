package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * memproxy ldd --root on a small image the test assembles (copied libraries, an absolute /lib64 symlink, an
 * ld.so.conf, /etc/ld.so.preload, a cache written by ldconfig -r), compared with the real ld.so run inside
 * that image with chroot.
 */
class LddRootTest {
    static final Path L = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader").toAbsolutePath();
    static final String MULTIARCH = "/lib/x86_64-linux-gnu/";

    @TempDir
    static Path root;

    static void copy(Path from, String to) throws IOException {
        Path t = root.resolve(to.substring(1));
        Files.createDirectories(t.getParent());
        Files.copy(from, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @BeforeAll
    static void assemble() throws Exception {
        for (String lib : List.of("ld-linux-x86-64.so.2", "libc.so.6", "libselinux.so.1", "libpcre2-8.so.0")) {
            copy(Path.of(MULTIARCH + lib), MULTIARCH + lib);
        }
        Files.createDirectories(root.resolve("lib64"));
        Files.createSymbolicLink(root.resolve("lib64/ld-linux-x86-64.so.2"), Path.of(MULTIARCH + "ld-linux-x86-64.so.2"));
        copy(Path.of("/usr/bin/ls"), "/usr/bin/ls");
        Files.createSymbolicLink(root.resolve("bin"), Path.of("/usr/bin"));
        copy(L.resolve("cache/d1/libcdep.so.1"), "/opt/d1/libcdep.so.1");
        copy(L.resolve("cache/d1/glibc-hwcaps/x86-64-v3/libcdep.so.1"), "/opt/d1/glibc-hwcaps/x86-64-v3/libcdep.so.1");
        copy(L.resolve("cache/d2/libnum.so.01"), "/opt/d2/libnum.so.01");
        copy(L.resolve("rr/m_rpath"), "/opt/rr/bin/m_rpath");
        copy(L.resolve("rr/r1/librr.so"), "/opt/rr/bin/r1/librr.so");
        Files.createDirectories(root.resolve("usr/local/bin"));
        Files.createSymbolicLink(root.resolve("usr/local/bin/m"), Path.of("/opt/rr/bin/m_rpath"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
        Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
        Files.writeString(root.resolve("etc/ld.so.conf.d/opt.conf"), "/opt/d1\n/opt/d2\n");
        Process p = new ProcessBuilder("ldconfig", "-r", root.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    /** ld.so inside the image: python3 chroots, then execs with only the loader's variables set. */
    static List<String> real(boolean asLdd, String exe, String preloadFile) throws Exception {
        Path pf = root.resolve("etc/ld.so.preload");
        Files.deleteIfExists(pf);
        if (preloadFile != null) {
            Files.writeString(pf, preloadFile);
        }
        String argv = asLdd ? "['/lib64/ld-linux-x86-64.so.2', sys.argv[2]]" : "[sys.argv[2]]";
        // A private mount namespace with /proc inside the image: the kernel start needs /proc/self/exe for $ORIGIN.
        String script = "import os,sys\nos.chroot(sys.argv[1]); os.chdir('/')\nos.execve(" + argv + "[0], " + argv
                + ", {'LD_TRACE_LOADED_OBJECTS': '1'})\n";
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t proc proc \"$0/proc\" && exec python3 -c \"$1\" \"$0\" \"$2\"", root.toString(), script, exe);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> errors = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("\t") && !l.startsWith("\tlinux-vdso.so.1")) {
                lines.add(l.substring(1).replaceFirst(" \\(0x[0-9a-f]+\\)$", ""));
            } else if (l.contains("cannot be preloaded")) {
                errors.add(l.replaceFirst("^ERROR: ld\\.so: ", "").replaceFirst("\\.$", ""));
            }
        }
        errors.addAll(lines);
        return errors;
    }

    static List<String> ours(boolean asLdd, String exe) {
        List<String> args = new ArrayList<>(List.of("ldd", "--no-color", "--root", root.toString()));
        if (asLdd) {
            args.add("--as-ldd");
        }
        args.add(exe);
        CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
        List<String> lines = new ArrayList<>();
        for (String l : r.err().split("\n")) {
            if (l.contains("cannot be preloaded")) {
                lines.add(l.replaceFirst("^memproxy: [^:]*: ", ""));
            }
        }
        for (String l : r.out().split("\n")) {
            if (l.startsWith("\t")) {
                lines.add(l.substring(1));
            }
        }
        return lines;
    }

    @ParameterizedTest(name = "{0} as-ldd={1} preload={2}")
    @CsvSource(delimiter = ';', value = {
        "/bin/ls; true; ", "/bin/ls; false; ", "/opt/rr/bin/m_rpath; true; ", "/usr/local/bin/m; false; ",
        "/usr/local/bin/m; true; ", "/bin/ls; true; libcdep.so.1 libnum.so.1 #c\\nlibabsent.so",
        "/usr/bin/ls; false; /opt/d1/libcdep.so.1\\n/opt/d2/libnum.so.01"})
    void imageAgreesWithLdSoInside(String exe, boolean asLdd, String preloadFile) throws Exception {
        String pf = preloadFile == null ? null : preloadFile.replace("\\n", "\n");
        List<String> real = real(asLdd, exe, pf);
        assertTrue(real.size() >= 2, real.toString());
        assertEquals(real, ours(asLdd, exe));
    }
}
