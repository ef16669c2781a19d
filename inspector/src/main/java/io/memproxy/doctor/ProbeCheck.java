package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.shimmodel.DebugLine;
import io.memproxy.shimmodel.ShimRoute;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the project's own probe under the chain with MEMPROXY_DEBUG=1, once under a name the exclusion list
 * names and once under one it does not, and compares the shim's route line with the prediction. Only the
 * probe is ever executed, never a target.
 */
public final class ProbeCheck implements Check {
    static final String UNLISTED = "memproxy-probe";
    /** How long one probe run may take by default before it counts as hung. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;

    private final Path probe;
    private final int timeoutSeconds;

    /**
     * How a probe of another architecture runs here: qemu user-mode emulation with the image as the root of the
     * absolute paths the probe's ld.so opens ({@code qemu-aarch64-static -L IMAGE PROBE}; qemu falls back to this
     * machine's file for a path the image lacks, such as the probe's own copy and the config).
     *
     * @param qemu  the emulator program
     * @param root  the image
     * @param suffix the probe built for the image's architecture is memproxy-probe plus this ("-aarch64"), beside it
     */
    public record Emulator(Path qemu, Path root, String suffix) {
        /** qemu-aarch64-static or qemu-aarch64 on this machine, for an image of these rules' machine. */
        public static Optional<Emulator> find(io.memproxy.loader.LoaderRules rules, Path root) {
            if (rules.machine() != io.memproxy.elf.ElfHeader.EM_AARCH64) {
                return Optional.empty();
            }
            for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
                for (String name : List.of("qemu-aarch64-static", "qemu-aarch64")) {
                    Path q = Path.of(dir, name);
                    if (Files.isExecutable(q)) {
                        return Optional.of(new Emulator(q, root, "-aarch64"));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private final Optional<Emulator> emulator;

    /** @param timeoutSeconds how long each of the two probe runs may take before it is killed and reported */
    public ProbeCheck(Path probe, int timeoutSeconds) {
        this(probe, timeoutSeconds, Optional.empty());
    }

    public ProbeCheck(Path probe, int timeoutSeconds, Optional<Emulator> emulator) {
        this.emulator = emulator;
        this.probe = emulator.map(e -> probe.resolveSibling(probe.getFileName() + e.suffix())).orElse(probe);
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public String title() {
        return "Probe under the chain";
    }

    @Override
    public List<Finding> run(Inspection in) throws IOException, InterruptedException, ElfException {
        if (!Files.isExecutable(probe)) {
            throw new IOException(probe + ": the probe program is missing (build it with make)");
        }
        List<String> names = new ArrayList<>(List.of(UNLISTED));
        in.config().list().flatMap(l -> l.names().stream().filter(n -> !n.contains("/") && !n.equals(UNLISTED)).findFirst())
                .ifPresent(names::add);
        // Emulated, the copies live in the image's /tmp, where the prediction (under --root) and the probe's ld.so
        // (qemu -L) both find them; removed below like the host's.
        Path dir = emulator.isPresent() ? Files.createTempDirectory(emulator.get().root().resolve("tmp"), "memproxy-probe")
                : Files.createTempDirectory("memproxy-probe");
        try {
            List<Finding> out = new ArrayList<>();
            emulator.ifPresent(e -> out.add(Finding.info("probe.emulated", e.root().toString(), "the probe runs under "
                    + e.qemu() + " -L " + e.root() + " (the image's architecture is not this machine's); qemu does not model"
                    + " a weakly ordered CPU's memory order")));
            for (String name : names) {
                Path copy = dir.resolve(name);
                Files.copy(probe, copy, StandardCopyOption.COPY_ATTRIBUTES);
                out.add(compare(in, copy, name.equals(UNLISTED) ? "not listed" : "listed"));
            }
            return out;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Finding compare(Inspection in, Path copy, String how) throws IOException, InterruptedException, ElfException {
        String exe = emulator.map(e -> "/" + e.root().relativize(copy)).orElse(copy.toString());
        Route predicted = Routes.predict(in, exe);
        List<String> cmd = new ArrayList<>();
        emulator.ifPresent(e -> cmd.addAll(List.of(e.qemu().toString(), "-L", e.root().toString())));
        cmd.add(copy.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        in.preloadVariable().ifPresent(v -> env.put("LD_PRELOAD", v));
        env.put("MEMPROXY_DEBUG", "1");
        env.put("MEMPROXY_CONF", in.file(in.config().path()).toString());
        // stderr goes to a file, not a pipe: reading a pipe to its end would wait for a hung probe forever.
        Path errFile = copy.resolveSibling(copy.getFileName() + ".stderr");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // gone, as a rule, before its copy is deleted
            return Finding.error("probe.failed", exe, "the probe (" + how + ") did not finish within " + timeoutSeconds
                            + " s and was killed: every process may hang the same way under this chain"
                            + " (on a busy machine, try a longer --probe-timeout)",
                    "run '" + probe + "' with LD_PRELOAD set to the chain by hand to see what hangs");
        }
        byte[] err;
        try (InputStream e = Files.newInputStream(errFile)) {
            err = e.readNBytes(64 * 1024);
        }
        String stderr = new String(err, StandardCharsets.UTF_8);
        // The probe only allocates and exits 0: any other end is the chain's doing, and it would end every process.
        int status = p.exitValue();
        if (status != 0) {
            String first = stderr.lines().filter(l -> DebugLine.parse(l).isEmpty()).findFirst().orElse("");
            return Finding.error("probe.failed", exe, "the probe (" + how + ") "
                            + (status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status)
                            + " under the chain, as every process would" + (first.isEmpty() ? "" : "; it said: " + first),
                    "fix or remove the chain entry the message names before activating the chain");
        }
        Optional<DebugLine> m = DebugLine.find(stderr);
        String expected = DebugLine.words(predicted.route().word(), predicted.route() == ShimRoute.ALLOCATOR ? predicted.allocator() : "none",
                predicted.reason());
        if (m.isEmpty()) {
            if (predicted.route() == ShimRoute.NONE) {
                return Finding.info("probe.agrees", exe, "the probe (" + how + ") ran without the shim, as predicted ("
                        + predicted.reason() + ")");
            }
            String first = stderr.lines().findFirst().orElse("");
            return Finding.error("probe.silent", exe,
                    "the probe (" + how + ") printed no memproxy line although the shim should say " + expected
                            + (first.isEmpty() ? "" : "; it said: " + first),
                    "check that the shim in the chain is a memproxy build with MEMPROXY_DEBUG support");
        }
        String actual = m.get().words();
        if (actual.equals(expected)) {
            return Finding.info("probe.agrees", exe, "the probe (" + how + ") got " + actual + ", as predicted");
        }
        return new Finding("probe.mismatch", Severity.ERROR, List.of(exe),
                "the probe (" + how + ") got " + actual + " but the doctor predicted " + expected,
                "report this with 'memproxy report': the doctor and the shim disagree");
    }

    static Optional<Path> nextToCode(Class<?> c) {
        try {
            Path here = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Optional.of(here.getParent().resolve("memproxy-probe"));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
