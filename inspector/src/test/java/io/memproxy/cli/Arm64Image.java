package io.memproxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The arm64 system image the test build makes (src/test/fixtures/arm64.mk) and the real arm64 loader run inside
 * it: qemu-aarch64-static is opened on this machine, the process chroots into the image, and the open file is
 * executed (fexecve). Every path the arm64 ld.so opens is then the image's, as on an arm64 machine; qemu's own
 * -L prefix falls back to this machine's files for names the image lacks, which would hide "not found".
 */
final class Arm64Image {
    static final String QEMU = "/usr/bin/qemu-aarch64-static";
    static final String LD_SO = "/lib/ld-linux-aarch64.so.1";

    record Output(int code, String out, String err) {}

    private Arm64Image() {}

    static Path dir() {
        String dir = System.getProperty("memproxy.fixtures");
        if (dir == null || dir.isEmpty()) {
            throw new IllegalStateException("memproxy.fixtures is not set; run the tests through Maven");
        }
        Path p = Path.of(dir, "arm64", "image");
        if (!Files.isRegularFile(p.resolve("etc/ld.so.cache"))) {
            throw new IllegalStateException("the arm64 image " + p + " was not built (src/test/fixtures/arm64.mk)");
        }
        return p;
    }

    /** Runs argv (paths inside the image) under qemu in the image with exactly this environment. */
    static Output run(List<String> argv, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c",
                "import os,sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                + "os.chroot(sys.argv[2]); os.chdir('/')\n"
                + "n = int(sys.argv[3])\n"
                + "env = dict(a.split('=', 1) for a in sys.argv[4 + n:])\n"
                + "os.execve(fd, ['qemu-aarch64-static'] + sys.argv[4:4 + n], env)\n",
                QEMU, dir().toString(), Integer.toString(argv.size())));
        cmd.addAll(argv);
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/bin:/bin");
            Path errFile = Files.createTempFile("memproxy-arm64", ".err");
            pb.redirectError(errFile.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + argv);
            }
            String err = Files.readString(errFile, StandardCharsets.ISO_8859_1);
            Files.delete(errFile);
            return new Output(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The arm64 loader's trace of a program: "NAME => PATH", "NAME => not found", "PATH", or "FATAL message" when
     * it stops; qemu's vDSO (a line with no name) is left out.
     */
    static List<String> trace(String exe, boolean kernel, Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("LD_TRACE_LOADED_OBJECTS", "1");
        Output o = run(kernel ? List.of(exe) : List.of(LD_SO, exe), env);
        List<String> lines = new ArrayList<>();
        int at = o.err().indexOf("error while loading shared libraries: ");
        if (o.code() != 0 && at >= 0) {
            lines.add("FATAL " + o.err().substring(at + 38).strip());
            return lines;
        }
        for (String l : o.out().split("\n")) {
            if (l.startsWith("\t") && !l.startsWith("\t (") && !l.startsWith("\tlinux-vdso.so.1")) {
                lines.add(l.substring(1).replaceFirst(" \\(0x[0-9a-f]+\\)$", ""));
            }
        }
        return lines;
    }
}
