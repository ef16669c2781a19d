package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LoaderEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edge cases of the library search, built from source by the test build, each run through memproxy ldd and
 * compared with what the real ld.so prints in trace mode (objects, paths, and "cannot be preloaded" lines).
 */
class LddFixturesTest {
    static final Path L = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader").toAbsolutePath();
    /** The same fixtures built with gcc -m32, loaded by i386 ld.so; wc/w32 holds the 64-bit copy there. */
    static final Path L32 = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader32").toAbsolutePath();
    static final Pattern PRELOAD_ERROR = Pattern.compile("object '(.*?)' from (\\S+) cannot be preloaded \\((.*?)\\): ignored");

    @TempDir
    Path tmp;

    record Outcome(List<String> lines, List<String> preloadErrors) {}

    static Outcome real(List<String> cmd, Map<String, String> env, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("LD_TRACE_LOADED_OBJECTS", "1");
        pb.environment().putAll(env);
        pb.directory(dir.toFile());
        Path err = Files.createTempFile("memproxy-fx", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String e = Files.readString(err, StandardCharsets.ISO_8859_1);
        Files.delete(err);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("\t") && !l.startsWith("\tlinux-vdso.so.1") && !l.startsWith("\tlinux-gate.so.1")) {
                lines.add(l.substring(1).replaceFirst(" \\(0x[0-9a-f]+\\)$", ""));
            }
        }
        return new Outcome(lines, preloadErrors(e));
    }

    static List<String> preloadErrors(String err) {
        List<String> out = new ArrayList<>();
        Matcher m = PRELOAD_ERROR.matcher(err);
        while (m.find()) {
            out.add(m.group(1) + " | " + m.group(2) + " | " + m.group(3));
        }
        return out;
    }

    Outcome ours(String exe, Map<String, String> env, boolean asLdd) throws IOException {
        Path envFile = tmp.resolve("env");
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(envFile, sb.toString());
        List<String> args = new ArrayList<>(List.of("ldd", "--no-color", "--env-file", envFile.toString()));
        if (asLdd) {
            args.add("--as-ldd");
        }
        args.add(exe);
        CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
        List<String> lines = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            if (l.startsWith("\t")) {
                lines.add(l.substring(1));
            }
        }
        return new Outcome(lines, preloadErrors(r.err()));
    }

    /**
     * The cases both word sizes run, for the loader whose own libraries are in /lib/TRIPLET: RPATH, RUNPATH,
     * $ORIGIN, NODEFLIB, a wrong-class copy, preloads by name and by path, and an allocator preloaded.
     */
    static List<String> bothClasses(String triplet) {
        return List.of(
            "rr/m_rpath; LD_LIBRARY_PATH=rr/llp",
            "rr/m_runpath; LD_LIBRARY_PATH=rr/llp",
            "rr/m_runpath; ",
            "inherit/m_rpath; ",
            "inherit/m_runpath; ",
            "inherit/m_rpath_arun; ",
            "origin/link/m; ",
            "origin/real/bin/m; ",
            "nodeflib/m; ",
            "nodeflib/m; LD_LIBRARY_PATH=/lib/" + triplet,
            "wc/m; ",
            "wc/m; LD_LIBRARY_PATH=wc/w32",
            "pre/m; LD_PRELOAD=libpre.so",
            "pre/m; LD_PRELOAD=@/pre/dir/libpre.so",
            "pre/m; LD_PRELOAD=@/pre/libscript.so",
            "pre/m; LD_PRELOAD=libmissing.so:libpre.so",
            "pre/m; LD_PRELOAD=libc.so libc.so.6 @/wc/w32/libwc.so",
            "pre/m; LD_PRELOAD=/usr/lib/" + triplet + "/libc.so.6",
            "ver/m_v1; LD_PRELOAD=/usr/lib/" + triplet + "/libjemalloc.so.2 libtcmalloc_minimal.so.4",
            "secure/mq; ");
    }

    /** "EXE; NAME=VALUE" rows as (EXE, NAME=VALUE or null) arguments. */
    static Stream<Arguments> rows(List<String> common, String... more) {
        return Stream.concat(common.stream(), Stream.of(more)).map(r -> r.split(";", 2))
                .map(r -> Arguments.of(r[0].trim(), r[1].isBlank() ? null : r[1].trim()));
    }

    static Stream<Arguments> x86_64Cases() {
        return rows(bothClasses("x86_64-linux-gnu"),
            "nodeps/m; ",
            "nodeps/m; LD_PRELOAD=@/pre/dir/libpre.so",
            "nodeps/static-pie; ");
    }

    /**
     * The gcc -m32 build of the fixtures under i386 ld.so: also versions, $LIB in preloads (lib/i386-linux-gnu
     * for these programs), and the 64-bit copies it skips.
     */
    static Stream<Arguments> i386Cases() {
        return rows(bothClasses("i386-linux-gnu"),
            "nodeflib/m; LD_LIBRARY_PATH=/lib/x86_64-linux-gnu",
            "ver/m_v1; ",
            "ver/m_v2; ",
            "ver/m_nover; ",
            "pre/m; LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "ver/m_v1; LD_PRELOAD=/usr/$LIB/libjemalloc.so.2:/usr/${LIB}/libmimalloc.so.2",
            "ver/m_v1; LD_PRELOAD=/usr/$LIBX/libjemalloc.so.2 /usr/lib/$PLATFORM/libz.so.1");
    }

    /** Every case twice: as ldd starts the program (ld.so EXE) and as the kernel does. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("x86_64Cases")
    void agreesWithTheRealLoader(String exe, String envSpec) throws Exception {
        agrees(L, "/lib64/ld-linux-x86-64.so.2", exe, envSpec);
    }

    @ParameterizedTest(name = "i386 {0} {1}")
    @MethodSource("i386Cases")
    void agreesWithTheRealI386Loader(String exe, String envSpec) throws Exception {
        agrees(L32, "/lib/ld-linux.so.2", exe, envSpec);
    }

    private void agrees(Path dir, String ldSo, String exe, String envSpec) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (envSpec != null) {
            int eq = envSpec.indexOf('=');
            env.put(envSpec.substring(0, eq), envSpec.substring(eq + 1).replace("@", dir.toString())
                    .replaceAll("(^|[ :])(rr|wc)/", "$1" + dir + "/$2/"));
        }
        String path = dir.resolve(exe).toString();
        Outcome viaLdSo = real(List.of(ldSo, path), env, dir);
        assertEquals(viaLdSo, ours(path, env, true), "ld.so EXE");
        Outcome viaKernel = real(List.of(path), env, dir);
        assertEquals(viaKernel, ours(path, env, false), "exec EXE");
        assertTrue(!viaLdSo.lines().isEmpty() || !viaLdSo.preloadErrors().isEmpty());
    }

    /**
     * A set-user-ID copy run as nobody: ld.so ignores LD_LIBRARY_PATH and drops LD_PRELOAD paths. Secure
     * mode turns trace mode off, so the program runs (it only returns) and its error is compared.
     */
    @Test
    void setuidProgramIgnoresLibraryPath() throws Exception {
        Path dir = Files.createDirectories(L.resolve("secure/run"));
        Path exe = dir.resolve("m_suid");
        Files.copy(L.resolve("secure/m"), exe, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, new ProcessBuilder("chmod", "4755", exe.toString()).start().waitFor());
        String llp = L.resolve("secure/llp").toString();
        String preload = L.resolve("pre/dir/libpre.so").toString() + " libz.so.1";
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "env", "LD_LIBRARY_PATH=" + llp, "LD_PRELOAD=" + preload, exe.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        LoaderEnvironment env = LoaderEnvironment.system().withLibraryPath(llp).withPreload(preload)
                .withSecure(LoaderEnvironment.Secure.ON);
        LinkMap secure = LinkMap.load(env, exe.toString());
        String predicted = secure.missing().isEmpty() ? "" : secure.missing().get(0).name() + ": cannot open shared object file";
        assertEquals(127, p.exitValue(), out);
        assertTrue(!predicted.isEmpty() && out.contains(predicted), out + " vs " + predicted);
        // The path entry vanishes silently; the bare name skips the cache and is not set-user-ID: ignored.
        List<String> realIgnored = preloadErrors(out);
        List<String> ours = secure.ignoredPreloads().stream()
                .map(i -> i.entry() + " | " + i.source().label() + " | " + i.reason()).toList();
        assertEquals(List.of("libz.so.1 | LD_PRELOAD | cannot open shared object file"), realIgnored);
        assertEquals(realIgnored, ours);
        assertTrue(secure.loadOrder().stream().noneMatch(o -> o.name().endsWith("libpre.so")));

        // A DST in DT_NEEDED stops a secure program.
        Path mq = dir.resolve("mq_suid");
        Files.copy(L.resolve("secure/mq"), mq, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, new ProcessBuilder("chmod", "4755", mq.toString()).start().waitFor());
        Process d = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", mq.toString())
                .redirectErrorStream(true).start();
        String dout = new String(d.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(d.waitFor(30, TimeUnit.SECONDS));
        LinkMap dst = LinkMap.load(LoaderEnvironment.system().withSecure(LoaderEnvironment.Secure.ON), mq.toString());
        assertEquals(127, d.exitValue(), dout);
        assertTrue(dst.fatal().isPresent() && dout.contains("error while loading shared libraries: " + dst.fatal().get()),
                dout + " vs " + dst.fatal());

        // The same program as its owner is not secure: everything is found.
        LinkMap owner = LinkMap.load(env.withSecure(LoaderEnvironment.Secure.AUTO), exe.toString());
        Process q = new ProcessBuilder("env", "LD_LIBRARY_PATH=" + llp, exe.toString()).start();
        assertTrue(q.waitFor(30, TimeUnit.SECONDS));
        assertEquals(q.exitValue() == 0, owner.complete());
    }
}
