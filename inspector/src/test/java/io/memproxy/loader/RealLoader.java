package io.memproxy.loader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the machine's real tools (ld.so in trace mode, ldconfig) for tests to compare with. */
final class RealLoader {
    static final String LD_SO = "/lib64/ld-linux-x86-64.so.2";

    record Output(int code, String out, String err) {}

    /** The ld.so of the program's class (i386 programs have /lib/ld-linux.so.2), as ldd picks it. */
    static String ldSoFor(String exe) {
        return new LoaderFiles(Root.host()).rulesFor(exe).orElse(LoaderRules.DEBIAN_12_X86_64).interpreter();
    }

    private RealLoader() {}

    /** Runs a command with exactly this environment (plus nothing inherited). */
    static Output run(List<String> cmd, Map<String, String> env, Path cwd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
            pb.environment().putAll(env);
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            // stderr goes to a file: LD_DEBUG writes more than a pipe holds while stdout is being read.
            Path errFile = Files.createTempFile("memproxy-ld", ".err");
            pb.redirectError(errFile.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            var out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            var err = Files.readAllBytes(errFile);
            Files.delete(errFile);
            return new Output(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1), new String(err, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Output run(String... cmd) {
        return run(List.of(cmd), Map.of(), null);
    }

    /** LD_TRACE_LOADED_OBJECTS through the explicit loader, as ldd does. */
    static Output trace(String exe, Map<String, String> env, Path cwd) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("LD_TRACE_LOADED_OBJECTS", "1");
        return run(List.of(LD_SO, exe), e, cwd);
    }

    /** The same inside a chroot; python3 does the chroot so that the environment reaches only ld.so. */
    static Output traceInRoot(Path root, String exe, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c",
                "import os,sys\n"
                + "os.chroot(sys.argv[1]); os.chdir('/')\n"
                + "env = dict(a.split('=', 1) for a in sys.argv[3:])\n"
                + "env['LD_TRACE_LOADED_OBJECTS'] = '1'\n"
                + "os.execve('" + LD_SO + "', ['" + LD_SO + "', sys.argv[2]], env)\n"));
        cmd.add(root.toString());
        cmd.add(exe);
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        return run(cmd, Map.of(), null);
    }

    /**
     * The lines of a trace, without addresses and without the vDSO: "NAME => PATH", "NAME => not found",
     * or "PATH" for objects loaded by path.
     */
    static List<String> traceLines(String out) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.startsWith("\t") || l.startsWith("\tlinux-vdso.so.1")) {
                continue;
            }
            String s = l.substring(1).replaceFirst(" \\(0x[0-9a-f]+\\)$", "");
            lines.add(s);
        }
        return lines;
    }

    /** The "cannot be preloaded" lines: entry and source. */
    static List<String> preloadErrors(String err) {
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("ERROR: ld\\.so: object '(.*?)' from (\\S+) cannot be preloaded \\((.*?)\\): ignored\\.",
                java.util.regex.Pattern.DOTALL).matcher(err);
        while (m.find()) {
            out.add(m.group(1) + " | " + m.group(2) + " | " + m.group(3));
        }
        return out;
    }
}
