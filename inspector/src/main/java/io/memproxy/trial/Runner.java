package io.memproxy.trial;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command once through memproxy-run (inspector/runner/memproxy-run.c), which forks, execs and reads the
 * kernel's rusage of the finished child with wait4: Java cannot. stdin is /dev/null, stdout is hashed as it
 * streams (never stored whole), stderr is kept up to a bound.
 */
public final class Runner {
    /** Lines and bytes of a run's output kept for messages; the hash covers all of stdout. */
    static final int STDERR_LINES = 200;
    static final int LINE_CHARS = 400;
    static final int STDOUT_HEAD = 4096;

    private final Path program;
    private final Path workDir;
    private volatile Process current;
    private volatile boolean stopped;

    /**
     * @param program memproxy-run
     * @param workDir a private directory for the result files, which are deleted after each run
     */
    public Runner(Path program, Path workDir) {
        this.program = program;
        this.workDir = workDir;
    }

    /** Where memproxy-run is installed: next to the inspector's jar (or its classes), like the doctor's probe. */
    public static Path installed() {
        try {
            Path here = Path.of(Runner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().resolve("memproxy-run");
        } catch (Exception e) {
            return Path.of("memproxy-run");
        }
    }

    /** Why memproxy-run cannot be used, if it cannot. */
    public static Optional<String> unusable(Path program) {
        return Files.isExecutable(program) ? Optional.empty()
                : Optional.of(program + ": the measuring program memproxy-run is missing (build it with make)");
    }

    /**
     * Runs {@code exe} with {@code argv} (argv[0] first) and exactly {@code env}.
     *
     * @param timeoutMillis 0 for none
     * @param sampleMillis  0 for no RSS sampling
     */
    public Measurement run(String exe, List<String> argv, Map<String, String> env, long timeoutMillis, long sampleMillis)
            throws IOException, InterruptedException {
        if (stopped) {
            throw new InterruptedException("the trial was interrupted");
        }
        Path result = Files.createTempFile(workDir, "run", ".txt");
        try {
            List<String> cmd = new ArrayList<>(List.of(program.toString(), "-o", result.toString()));
            if (timeoutMillis > 0) {
                cmd.addAll(List.of("-t", Long.toString(timeoutMillis)));
            }
            if (sampleMillis > 0) {
                cmd.addAll(List.of("-s", Long.toString(sampleMillis)));
            }
            // The loader's and the shim's variables reach only the command: memproxy-run itself stays off the chain.
            Map<String, String> own = new java.util.HashMap<>(env);
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getKey().startsWith("LD_") || e.getKey().startsWith("MEMPROXY_")) {
                    cmd.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
                    own.remove(e.getKey());
                }
            }
            cmd.add(exe);
            cmd.addAll(argv);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(own);
            Process p = pb.start();
            current = p;
            StdoutDigest out = new StdoutDigest(p.getInputStream());
            StderrLines err = new StderrLines(p.getErrorStream());
            out.start();
            err.start();
            int status;
            try {
                status = p.waitFor();
                out.join();
                err.join();
            } catch (InterruptedException e) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                throw e;
            } finally {
                current = null;
            }
            if (status != 0) {
                throw new IOException("memproxy-run failed (status " + status + ")"
                        + err.lines.stream().findFirst().map(l -> ": " + l).orElse(""));
            }
            return parse(Files.readAllLines(result, StandardCharsets.UTF_8), exe, out, err.lines);
        } finally {
            Files.deleteIfExists(result);
        }
    }

    /** Kills the run in progress (memproxy-run kills the command's process group) and refuses further runs. */
    public void stop() {
        stopped = true;
        Process p = current;
        if (p != null) {
            p.destroy();
        }
    }

    public boolean stopped() {
        return stopped;
    }

    private static Measurement parse(List<String> lines, String exe, StdoutDigest out, List<String> stderr) throws IOException {
        Map<String, Long> v = new java.util.HashMap<>();
        List<long[]> samples = new ArrayList<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("sample")) {
                String[] w = value.split(" ");
                samples.add(new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])});
            } else {
                v.put(key, Long.parseLong(value.trim()));
            }
        }
        long errno = v.getOrDefault("exec_errno", -1L);
        if (errno < 0 || !v.containsKey("wall_ns")) {
            throw new IOException("memproxy-run wrote an incomplete result");
        }
        if (errno != 0) {
            throw new IOException(exe + ": cannot execute: " + errnoText(errno));
        }
        return new Measurement(v.get("wall_ns"), v.get("user_us"), v.get("sys_us"), v.get("max_rss_kb"), v.get("minor_faults"),
                v.get("major_faults"), v.get("voluntary_switches"), v.get("involuntary_switches"),
                v.containsKey("exit_status") ? v.get("exit_status").intValue() : -1, v.getOrDefault("signal", 0L).intValue(),
                v.getOrDefault("timed_out", 0L) == 1, v.getOrDefault("interrupted", 0L) == 1, samples,
                v.getOrDefault("sampled_peak_rss_kb", 0L), out.hex(), out.head(), stderr);
    }

    private static String errnoText(long errno) {
        return switch ((int) errno) {
            case 2 -> "no such file or directory";
            case 8 -> "exec format error (not a program this machine runs)";
            case 13 -> "permission denied";
            case 20 -> "a path component is not a directory";
            case 26 -> "text file busy";
            default -> "errno " + errno;
        };
    }

    /** Hashes stdout as it streams and keeps its head. */
    private static final class StdoutDigest extends Thread {
        private final InputStream in;
        private final MessageDigest sha;
        private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();

        StdoutDigest(InputStream in) {
            super("trial-stdout");
            setDaemon(true);
            this.in = in;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e); // every Java platform has SHA-256
            }
        }

        @Override
        public void run() {
            byte[] buf = new byte[64 * 1024];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    if (head.size() < STDOUT_HEAD) {
                        head.write(buf, 0, Math.min(n, STDOUT_HEAD - head.size()));
                    }
                }
            } catch (IOException e) {
                // The pipe closed under us: the run was killed; its ending says so.
            }
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }

        String head() {
            return head.toString(StandardCharsets.UTF_8);
        }
    }

    /** Keeps stderr's first lines and drains the rest, so a chatty command never blocks on a full pipe. */
    private static final class StderrLines extends Thread {
        private final InputStream in;
        final List<String> lines = new ArrayList<>();

        StderrLines(InputStream in) {
            super("trial-stderr");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            // Byte by byte through a buffer, each line cut at LINE_CHARS: a line without end cannot grow the heap.
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            boolean cut = false;
            byte[] buf = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            keep(line, cut);
                            line.reset();
                            cut = false;
                        } else if (line.size() < LINE_CHARS) {
                            line.write(buf[i]);
                        } else {
                            cut = true;
                        }
                    }
                }
                if (line.size() > 0) {
                    keep(line, cut);
                }
            } catch (IOException e) {
                // As above.
            }
        }

        private void keep(java.io.ByteArrayOutputStream line, boolean cut) {
            if (lines.size() < STDERR_LINES) {
                lines.add(line.toString(StandardCharsets.UTF_8) + (cut ? "…" : ""));
            }
        }
    }
}
