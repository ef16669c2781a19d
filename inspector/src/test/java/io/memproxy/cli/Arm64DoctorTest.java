package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor, scan and install --dry-run on the arm64 image from this x86-64 machine: the same findings as on an
 * x86-64 image with the same files (this machine's libraries, copied), never this machine's architecture mixed
 * into the arm64 one; an x86-64 shim in the arm64 chain is preload.wrong-machine with the line the arm64 ld.so
 * prints under qemu.
 */
class Arm64DoctorTest {
    static final Path ARM64 = Arm64Image.dir();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAIN = "/opt/memproxy/$LIB/libmemproxy.so:/usr/$LIB/libjemalloc.so.2";

    @TempDir
    static Path tmp;
    static Path x86;

    /** An x86-64 image with what the arm64 one has for these checks: ld.so, libc, the C++ runtime, jemalloc, dash. */
    @BeforeAll
    static void images() throws Exception {
        Arm64BindingTest.installShim(ARM64, "aarch64");
        x86 = tmp.resolve("x86-64");
        for (String f : List.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
                "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libgcc_s.so.1",
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/bin/dash")) {
            Path to = x86.resolve(f.substring(1));
            Files.createDirectories(to.getParent());
            Files.copy(Path.of(f), to);
        }
        Files.createDirectories(x86.resolve("lib64"));
        Files.createSymbolicLink(x86.resolve("lib64/ld-linux-x86-64.so.2"), Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
        Files.createDirectories(x86.resolve("etc"));
        Files.writeString(x86.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
        Files.createDirectories(x86.resolve("etc/ld.so.conf.d"));
        Files.writeString(x86.resolve("etc/ld.so.conf.d/x86_64-linux-gnu.conf"), "/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n");
        Process p = new ProcessBuilder("ldconfig", "-r", x86.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "ldconfig -r");
        Arm64BindingTest.installShim(x86, "x86_64");
    }

    static JsonNode doctor(Path root, String chain, String config) throws IOException {
        Path conf = root.resolve("etc/memproxy-test.conf");
        Files.writeString(conf, config);
        try {
            CliTest.Run r = CliTest.Run.of("doctor", "--json", "--root", root.toString(), "--preload", chain, "--exe", "/bin/dash",
                    "--config", "/etc/memproxy-test.conf");
            return JSON.readTree(r.out());
        } finally {
            Files.delete(conf);
        }
    }

    /** The findings (id, severity) and routes of a doctor run, with the image's machine directory made neutral. */
    static List<String> verdict(JsonNode d) {
        List<String> out = new ArrayList<>();
        d.get("findings").forEach(f -> out.add(f.get("id").asText() + " " + f.get("severity").asText()));
        d.get("routes").forEach(r -> out.add("route " + r.get("exe").asText() + " " + r.get("route").asText() + " "
                + r.get("allocator").asText() + " " + r.get("reason").asText() + " "
                + r.get("malloc_from").asText().replace("aarch64-linux-gnu", "TRIPLET").replace("x86_64-linux-gnu", "TRIPLET")));
        out.add("glibc " + d.get("glibc_version").asText());
        return out;
    }

    @Test
    void sameFindingsAsOnAnX86Image() throws IOException {
        List<String> chains = List.of(CHAIN, "/opt/memproxy/$LIB/libmemproxy.so", "/usr/$LIB/libjemalloc.so.2",
                "/usr/$LIB/libjemalloc.so.2:/opt/memproxy/$LIB/libmemproxy.so", "/opt/memproxy/$LIB/libmissing.so:" + CHAIN);
        int n = 0;
        for (String chain : chains) {
            for (String config : List.of("", "dash\n", "@allocator none\n")) {
                List<String> a = verdict(doctor(ARM64, chain, config));
                List<String> x = verdict(doctor(x86, chain, config));
                assertEquals(x, a, "chain " + chain + ", config " + config.strip());
                assertTrue(a.contains("glibc 2.36"), a.toString());
                n++;
            }
        }
        System.out.printf("doctor on the arm64 image: %d of %d (chain, config) runs with the x86-64 image's findings and routes%n", n, n);
        // One with the shim routing dash to jemalloc, one with dash excluded.
        assertTrue(verdict(doctor(ARM64, CHAIN, "")).stream().anyMatch(s -> s.startsWith("route /bin/dash allocator jemalloc")));
        assertTrue(verdict(doctor(ARM64, CHAIN, "dash\n")).stream().anyMatch(s -> s.startsWith("route /bin/dash system  excluded")));
    }

    @Test
    void anX86ShimInTheArm64ChainIsWrongMachine() throws Exception {
        Path x86shim = ARM64.resolve("opt/memproxy/lib/x86_64-linux-gnu/libmemproxy.so");
        Files.createDirectories(x86shim.getParent());
        Files.copy(x86.resolve("opt/memproxy/lib/x86_64-linux-gnu/libmemproxy.so"), x86shim, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String entry = "/opt/memproxy/lib/x86_64-linux-gnu/libmemproxy.so";
        Arm64Image.Output real = Arm64Image.run(List.of(Arm64Image.LD_SO, "--list", "/bin/dash"), Map.of("LD_PRELOAD", entry));
        String line = "ERROR: ld.so: object '" + entry + "' from LD_PRELOAD cannot be preloaded (cannot open shared object file): ignored.";
        assertTrue(real.err().contains(line), real.err());
        JsonNode d = doctor(ARM64, entry + ":/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "");
        JsonNode wrong = null;
        for (JsonNode f : d.get("findings")) {
            if (f.get("id").asText().equals("preload.wrong-machine")) {
                wrong = f;
            }
        }
        assertTrue(wrong != null, d.toString());
        assertEquals("error", wrong.get("severity").asText());
        assertTrue(wrong.get("message").asText().contains("another machine than AArch64: ld.so prints \"" + line + "\""), wrong.toString());
        assertTrue(wrong.get("fix").asText().startsWith("use the AArch64 build of the library"), wrong.toString());
        // Named by $LIB, the same file is the right one for each machine: no error.
        assertTrue(verdict(doctor(ARM64, CHAIN, "")).stream().noneMatch(s -> s.contains("error")));
    }

    /**
     * --probe with the arm64 root runs the aarch64 probe under qemu with the image's loader, the aarch64 shim and
     * jemalloc, once listed and once not, and says that it did; the shim's own route lines equal the prediction.
     * An x86-64 image is refused: its probe would run this machine's libraries.
     */
    @Test
    void probeRunsUnderQemuForTheArm64Image() throws IOException {
        Path conf = ARM64.resolve("etc/memproxy-probe-test.conf");
        Files.writeString(conf, "memproxy-probe-listed\n");
        try {
            CliTest.Run r = CliTest.Run.of("doctor", "--json", "--root", ARM64.toString(), "--preload", CHAIN, "--exe", "/bin/dash",
                    "--config", "/etc/memproxy-probe-test.conf", "--probe");
            JsonNode d = JSON.readTree(r.out());
            List<String> probe = new ArrayList<>();
            d.get("findings").forEach(f -> {
                if (f.get("id").asText().startsWith("probe.")) {
                    probe.add(f.get("id").asText() + ": " + f.get("message").asText());
                }
            });
            assertEquals(3, probe.size(), probe.toString());
            assertTrue(probe.get(0).startsWith("probe.emulated: the probe runs under /usr/bin/qemu-aarch64-static -L " + ARM64), probe.toString());
            assertTrue(probe.contains("probe.agrees: the probe (not listed) got route=allocator allocator=jemalloc reason=not-excluded, as predicted"), probe.toString());
            assertTrue(probe.contains("probe.agrees: the probe (listed) got route=system allocator=none reason=excluded, as predicted"), probe.toString());
        } finally {
            Files.delete(conf);
        }
        try (var s = Files.list(ARM64.resolve("tmp"))) {
            assertEquals(0, s.count(), "the probe's copies are removed from the image's /tmp");
        }
        CliTest.Run x = CliTest.Run.of("doctor", "--root", x86.toString(), "--preload", CHAIN, "--exe", "/bin/dash", "--probe");
        assertEquals(2, x.code());
        assertTrue(x.err().contains("cannot be combined with --root, except for an image of another architecture"), x.err());
    }

    @Test
    void scanReportsEachProgramsMachine() throws IOException {
        CliTest.Run r = CliTest.Run.of("scan", "--json", "--root", ARM64.toString(), "/usr/bin", "/bin");
        JsonNode d = JSON.readTree(r.out());
        int arm = 0;
        for (JsonNode f : d.get("files")) {
            if (f.get("kind").asText().equals("executable")) {
                assertEquals("AArch64", f.get("machine").asText(), f.toString());
                arm++;
            }
        }
        assertTrue(arm >= 10, "executables: " + arm);
        CliTest.Run text = CliTest.Run.of("scan", "--root", ARM64.toString(), "/usr/bin", "/bin");
        assertTrue(text.out().contains("executables by machine: " + arm + " AArch64"), text.out());
        CliTest.Run host = CliTest.Run.of("scan", "--root", x86.toString(), "/bin");
        assertTrue(host.out().contains("executables by machine: 1 x86-64"), host.out());
    }

    @Test
    void installDryRunUsesTheImagesOwnDirectories() throws IOException {
        Path shim = ARM64.resolve("usr/local/lib/aarch64-linux-gnu/libmemproxy.so");
        Files.createDirectories(shim.getParent());
        Files.copy(ARM64.resolve("opt/memproxy/lib/aarch64-linux-gnu/libmemproxy.so"), shim, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            CliTest.Run r = CliTest.Run.of("install", "--root", ARM64.toString(), "--dry-run");
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("  + /usr/local/lib/aarch64-linux-gnu/libmemproxy.so\n  + /usr/lib/aarch64-linux-gnu/libjemalloc.so.2\n"), r.out());
            assertTrue(!Files.exists(ARM64.resolve("etc/ld.so.preload")), "a dry run writes nothing");
        } finally {
            Files.delete(shim);
        }
    }
}
