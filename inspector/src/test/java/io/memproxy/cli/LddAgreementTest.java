package io.memproxy.cli;

import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * memproxy ldd against the real loader in trace mode, for every ELF program in /usr/bin (symlinks included), 64-bit
 * and 32-bit (Debian's i386 programs make deps installs): as ldd starts it ({@code ld.so EXE}, the ld.so of the
 * program's class) and as the kernel starts it ({@code EXE} with LD_TRACE_LOADED_OBJECTS, which also stops before
 * any code of the program runs).
 */
class LddAgreementTest {
    static final LoaderFiles FILES = new LoaderFiles(Root.host());

    /** ELF programs by kind; static non-PIE programs crash ld.so when it is asked to trace them, so they are counted apart. */
    record Programs(List<String> elf, List<String> staticExec, int nonElf) {}

    /** The loader profile of a program (the x86-64 one for files no profile loads). */
    static LoaderRules rules(String exe) {
        return FILES.rulesFor(exe).orElse(LoaderRules.DEBIAN_12_X86_64);
    }

    static Programs usrBin() throws IOException {
        List<String> elf = new ArrayList<>();
        List<String> staticExecs = new ArrayList<>();
        int nonElf = 0;
        try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
            for (Path p : s.sorted().toList()) {
                if (FILES.open(p.toString(), rules(p.toString())) instanceof LoaderFiles.Usable u) {
                    boolean staticExec = u.elf().header().interpreter().isEmpty() && !u.elf().header().hasDynamicSection();
                    (staticExec ? staticExecs : elf).add(p.toString());
                } else {
                    nonElf++;
                }
            }
        }
        return new Programs(elf, staticExecs, nonElf);
    }

    /** What the real loader says: the trace lines, or "FATAL <message>" when it stops. */
    static List<String> real(List<String> cmd, Map<String, String> extraEnv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("LD_TRACE_LOADED_OBJECTS", "1");
        pb.environment().putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path errFile = Files.createTempFile("memproxy-ldd", ".err");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return List.of("TIMEOUT");
        }
        String err = Files.readString(errFile, StandardCharsets.ISO_8859_1);
        Files.delete(errFile);
        List<String> lines = new ArrayList<>();
        int at = err.indexOf("error while loading shared libraries: ");
        if (p.exitValue() != 0 && at >= 0) {
            lines.add("FATAL " + err.substring(at + 38).strip());
            return lines;
        }
        for (String l : out.split("\n")) {
            if (l.startsWith("\t") && !l.startsWith("\tlinux-vdso.so.1") && !l.startsWith("\tlinux-gate.so.1")) {
                lines.add(l.substring(1).replaceFirst(" \\(0x[0-9a-f]+\\)$", ""));
            }
        }
        return lines;
    }

    /** memproxy ldd over all programs in one run, split per program. */
    static Map<String, List<String>> ours(List<String> exes, String... options) {
        List<String> args = new ArrayList<>(List.of("ldd", "--no-color"));
        args.addAll(List.of(options));
        args.addAll(exes);
        CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String l : r.out().split("\n")) {
            if (!l.startsWith("\t") && l.endsWith(":")) {
                current = new ArrayList<>();
                out.put(l.substring(0, l.length() - 1), current);
            } else if (l.startsWith("\t") && current != null) {
                current.add(l.substring(1));
            }
        }
        for (String l : r.err().split("\n")) {
            int at = l.indexOf(": error while loading shared libraries: ");
            if (l.startsWith("memproxy: ") && at >= 0) {
                out.get(l.substring(10, at)).add("FATAL " + l.substring(at + 40));
            }
        }
        return out;
    }

    static int compare(String label, List<String> exes, Map<String, List<String>> ours, Map<String, List<String>> real) {
        int agree = 0;
        List<String> diffs = new ArrayList<>();
        for (String exe : exes) {
            if (real.get(exe).equals(ours.get(exe))) {
                agree++;
            } else if (diffs.size() < 10) {
                diffs.add(exe + "\n  real: " + real.get(exe) + "\n  ours: " + ours.get(exe));
            }
        }
        System.out.printf("memproxy ldd %s: %d of %d ELF programs in /usr/bin agree with ld.so (%.1f%%)%n",
                label, agree, exes.size(), 100.0 * agree / Math.max(1, exes.size()));
        diffs.forEach(System.out::println);
        return agree;
    }

    static Map<String, List<String>> realAll(List<String> exes, boolean kernel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<List<String>>> futures = new LinkedHashMap<>();
            for (String exe : exes) {
                futures.put(exe, pool.submit(() -> real(kernel ? List.of(exe) : List.of(rules(exe).interpreter(), exe), Map.of())));
            }
            Map<String, List<String>> out = new HashMap<>();
            for (var e : futures.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyProgramAsLddStartsIt() throws Exception {
        Programs p = usrBin();
        long i386 = p.elf().stream().filter(e -> rules(e) == LoaderRules.DEBIAN_12_I386).count();
        System.out.printf("/usr/bin: %d dynamic ELF files (%d of them i386); skipped: %d static executables (ld.so crashes"
                + " tracing them), %d non-ELF files%n", p.elf().size(), i386, p.staticExec().size(), p.nonElf());
        assertTrue(p.elf().size() > 100, "too few programs found: " + p.elf().size());
        assertTrue(i386 >= 3, "make deps installs hello, tree and pigz for i386; found " + i386);
        int agree = compare("--as-ldd (ld.so EXE)", p.elf(), ours(p.elf(), "--as-ldd"), realAll(p.elf(), false));
        assertEquals(p.elf().size(), agree);
    }

    /**
     * Started by the kernel, ld.so is the program's interpreter; only programs whose interpreter is the system
     * ld.so, that are dynamically linked and not set-ID are started this way (others would run their own code).
     */
    @Test
    void everyProgramAsTheKernelStartsIt() throws Exception {
        Programs p = usrBin();
        List<String> dynamic = p.elf().stream().filter(e -> FILES.open(e, rules(e)) instanceof LoaderFiles.Usable u
                && u.elf().header().interpreter().map(rules(e).interpreter()::equals).orElse(false)
                && Files.isExecutable(Path.of(e)) && !u.elf().header().setuid() && !u.elf().header().setgid()).toList();
        System.out.printf("/usr/bin: %d dynamically linked programs with their class's system ld.so as interpreter; %d other"
                + " ELF files skipped (set-ID programs ignore trace mode in secure execution and would run)%n",
                dynamic.size(), p.elf().size() - dynamic.size());
        int agree = compare("(kernel start)", dynamic, ours(dynamic), realAll(dynamic, true));
        assertEquals(dynamic.size(), agree);
    }
}
