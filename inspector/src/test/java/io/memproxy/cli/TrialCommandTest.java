package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * memproxy trial on real programs under the real shim and Debian's allocators: the numbers' consistency (never
 * their values), behaviour differences found where they are and nowhere else, and the bad inputs.
 */
class TrialCommandTest {
    static final Path FIXTURES = Path.of(System.getProperty("memproxy.fixtures"));
    static final List<String> ROUTES = List.of("glibc", "system", "jemalloc", "tcmalloc", "mimalloc");
    /** Few runs: these tests check what the trial reports, not how fast anything is. */
    static final String[] QUICK = {"trial", "--runs", "3"};

    @TempDir
    Path tmp;

    /** Few runs, and a start-up column from few starts, unless the test says otherwise. */
    static String[] trial(String... rest) {
        List<String> a = new ArrayList<>(List.of(QUICK));
        if (!List.of(rest).contains("--startup-runs")) {
            a.addAll(List.of("--startup-runs", "2"));
        }
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    /** Every summary is ordered, every route ran, every run ended as the command really ends. */
    static JsonNode consistent(CliTest.Run r, int exitStatus) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(1, doc.path("schema_version").asInt(), r.out());
        List<String> names = new ArrayList<>();
        for (JsonNode route : doc.path("routes")) {
            names.add(route.path("name").asText());
            assertEquals(3, route.path("runs").asInt(), route.toString());
            for (String q : List.of("wall_ms", "cpu_ms", "max_rss_kib", "minor_faults", "voluntary_switches")) {
                JsonNode s = route.path(q);
                assertTrue(s.path("min").asDouble() <= s.path("median").asDouble() && s.path("median").asDouble() <= s.path("max").asDouble(),
                        q + " of " + route.path("name") + ": " + s);
            }
            assertTrue(route.path("max_rss_kib").path("min").asDouble() > 0, route.toString());
            assertEquals(3, route.path("runs_detail").size());
            for (JsonNode run : route.path("runs_detail")) {
                assertEquals(exitStatus, run.path("exit_status").asInt(), run.toString());
                assertEquals(0, run.path("signal").asInt());
                assertTrue(run.path("wall_ms").asDouble() > 0, run.toString());
            }
            if (!route.path("name").asText().equals("glibc")) {
                assertTrue(route.path("route_check").asText().startsWith("the shim said"), route.toString());
                JsonNode d = route.path("startup").path("difference_ms");
                assertTrue(d.path("min").asDouble() <= d.path("median").asDouble() && d.path("median").asDouble() <= d.path("max").asDouble(),
                        d.toString());
                JsonNode ratio = route.path("time").path("ratio");
                assertTrue(ratio.path("min").asDouble() <= ratio.path("max").asDouble(), ratio.toString());
                // Three rounds can never clear the sign test: no winner is declared inside the noise.
                assertEquals("too-few", route.path("time").path("verdict").asText(), route.toString());
            }
        }
        assertEquals(ROUTES, names, r.out());
        return doc;
    }

    static void chartHasOneBarPerRoute(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(svg)));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        for (String kind : List.of("time", "memory")) {
            List<String> bars = new ArrayList<>();
            NodeList rects = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
            for (int i = 0; i < rects.getLength(); i++) {
                Element e = (Element) rects.item(i);
                if (e.getAttribute("class").equals("bar " + kind)) {
                    bars.add(e.getAttribute("data-route"));
                    assertTrue(Double.parseDouble(e.getAttribute("width")) > 0, kind + " bar of " + e.getAttribute("data-route"));
                }
            }
            assertEquals(ROUTES, bars, kind);
        }
    }

    /**
     * The command through every output: JSON (checked for consistency) with the chart, the text table and
     * the Markdown table, each with one row per route and the command's real ending.
     */
    JsonNode everyFormat(String name, int exitStatus, String... command) throws Exception {
        Path svg = tmp.resolve(name + ".svg");
        List<String> json = new ArrayList<>(List.of("--format", "json", "--sample-rss", "5", "--chart", svg.toString(), "--"));
        json.addAll(List.of(command));
        CliTest.Run j = CliTest.Run.of(trial(json.toArray(String[]::new)));
        assertEquals(ExitCodes.OK, j.code(), j.err() + j.out());
        JsonNode doc = consistent(j, exitStatus);
        assertEquals(0, doc.path("findings").size(), j.out());
        chartHasOneBarPerRoute(svg);

        List<String> text = new ArrayList<>(List.of("--"));
        text.addAll(List.of(command));
        CliTest.Run t = CliTest.Run.of(trial(text.toArray(String[]::new)));
        assertEquals(ExitCodes.OK, t.code(), t.err());
        for (String route : ROUTES) {
            assertTrue(t.out().lines().anyMatch(l -> l.startsWith(route + " ") && l.endsWith("exit " + exitStatus + " ×3")),
                    route + ":\n" + t.out());
        }
        assertTrue(t.out().contains("Advice:"), t.out());

        List<String> markdown = new ArrayList<>(List.of("--format", "markdown", "--"));
        markdown.addAll(List.of(command));
        CliTest.Run m = CliTest.Run.of(trial(markdown.toArray(String[]::new)));
        assertEquals(ExitCodes.OK, m.code(), m.err());
        assertTrue(m.out().startsWith("## memproxy trial: `" + command[0]), m.out());
        for (String route : ROUTES) {
            assertTrue(m.out().lines().anyMatch(l -> l.startsWith("| " + route + " | 3 |") && l.endsWith("| exit " + exitStatus + " ×3 |")),
                    route + ":\n" + m.out());
        }
        return doc;
    }

    @Test
    void pythonGivesATableJsonMarkdownAndAChart() throws Exception {
        // Characters XML must escape, in the command that the chart's title shows.
        String script = "import sys; d = {i: str(i) * 4 for i in range(100000)}; print(len(d), '<&>\"'); sys.exit(3)";
        JsonNode doc = everyFormat("python", 3, "/usr/bin/python3", "-c", script);
        assertTrue(doc.path("executable").asText().matches("/usr/bin/python3\\.\\d+"), doc.path("executable").asText());
    }

    @Test
    void theThreadedSampleGivesEveryOutputWithRssSamples() throws Exception {
        JsonNode doc = everyFormat("threads", 0, FIXTURES.resolve("trial/threads").toString(), "4", "20000");
        for (JsonNode route : doc.path("routes")) {
            // Samples come in time order, while the command runs, with a resident set.
            for (JsonNode run : route.path("runs_detail")) {
                long last = -1;
                for (JsonNode s : run.path("rss_samples")) {
                    assertTrue(s.path("ms").asLong() >= last && s.path("ms").asDouble() <= run.path("wall_ms").asDouble() + 1, run.toString());
                    assertTrue(s.path("rss_kib").asLong() > 0, run.toString());
                    last = s.path("ms").asLong();
                }
            }
            JsonNode sampled = route.path("sampled_peak_rss_kib");
            assertTrue(sampled.path("min").asDouble() <= sampled.path("max").asDouble(), route.toString());
        }
    }

    @Test
    void aRealDebianProgramGivesEveryOutput() throws Exception {
        Path words = tmp.resolve("words");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50000; i++) {
            b.append(Integer.toHexString(i * 7919)).append('\n');
        }
        Files.writeString(words, b);
        JsonNode doc = everyFormat("sort", 0, "/usr/bin/sort", words.toString());
        assertEquals("/usr/bin/sort", doc.path("executable").asText());
    }

    @Test
    void theTableIsColouredOnATerminalOnly() {
        String[] quick = {"trial", "--runs", "1", "--warmup", "0", "--startup-runs", "0", "--allocator", "mimalloc", "--", "/bin/true"};
        CliTest.Run colour = CliTest.Run.with(new Terminal(true, false), quick);
        assertEquals(ExitCodes.OK, colour.code(), colour.err());
        assertTrue(colour.out().contains("\u001b["), colour.out());
        CliTest.Run plain = CliTest.Run.with(new Terminal(true, true), quick);
        assertFalse(plain.out().contains("\u001b["), plain.out());
        assertTrue(plain.out().contains("same behaviour"), plain.out());
    }

    /** usable-slack writes past malloc(140) into the room glibc's rounding leaves: tcmalloc's 144-byte class has none. */
    @Test
    void aProgramThatCrashesOnlyUnderTcmallocDiffersOnThatRouteAlone() throws Exception {
        CliTest.Run r = CliTest.Run.of(trial("--format", "json", "--startup-runs", "0", "--",
                FIXTURES.resolve("trial/usable-slack").toString()));
        assertEquals(ExitCodes.PROBLEM, r.code(), r.err() + r.out());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> differ = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            assertEquals("trial.behaviour-differs", f.path("id").asText(), f.toString());
            differ.add(f.path("subjects").get(0).asText());
            assertTrue(f.path("message").asText().contains("signal 11 (SIGSEGV)"), f.toString());
            assertTrue(f.path("fix").asText().contains("'usable-slack'"), f.toString());
        }
        assertEquals(List.of("tcmalloc"), differ, r.out());
        for (JsonNode route : doc.path("routes")) {
            boolean tc = route.path("name").asText().equals("tcmalloc");
            assertEquals(!tc, route.path("same_behaviour").asBoolean(), route.toString());
        }
        CliTest.Run text = CliTest.Run.of(trial("--startup-runs", "0", "--", FIXTURES.resolve("trial/usable-slack").toString()));
        assertTrue(text.out().contains("do not route it to tcmalloc"), text.out());
    }

    /**
     * jemalloc reads MALLOC_CONF when it initialises and complains on stderr about a bad one: the routes that
     * load jemalloc (the system route loads it too, unused) print a new line, the others do not.
     */
    @Test
    @Timeout(120)
    void aNewAllocatorMessageOnStderrIsABehaviourDifference() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChainScenarioTest.TOP.resolve("bin/memproxy").toString(), "trial", "--runs", "2",
                "--startup-runs", "0", "--format", "json", "--", "/usr/bin/sort", "/etc/hostname");
        pb.environment().put("MALLOC_CONF", "memproxy_test_bogus:1");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.PROBLEM, p.waitFor(), out);
        JsonNode doc = new ObjectMapper().readTree(out);
        List<String> differ = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            assertEquals("trial.behaviour-differs", f.path("id").asText(), f.toString());
            assertTrue(f.path("message").asText().contains("new stderr line <jemalloc>: Invalid conf pair: memproxy_test_bogus:1"),
                    f.toString());
            differ.add(f.path("subjects").get(0).asText());
        }
        assertEquals(List.of("system", "jemalloc"), differ, out);
    }

    @Test
    void aCommandThatDoesNotExistIsNotExecutableOrIsStaticIsRefused() throws Exception {
        CliTest.Run missing = CliTest.Run.of("trial", "--", "memproxy-no-such-command");
        assertEquals(ExitCodes.COULD_NOT_RUN, missing.code());
        assertEquals("memproxy: memproxy-no-such-command: command not found on PATH\n", missing.err());

        Path plain = Files.writeString(tmp.resolve("data.txt"), "not a program\n");
        CliTest.Run notExec = CliTest.Run.of("trial", "--", plain.toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, notExec.code());
        assertEquals("memproxy: " + plain + ": not executable (no x permission for this user)\n", notExec.err());

        CliTest.Run statik = CliTest.Run.of("trial", "--", FIXTURES.resolve("static").toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, statik.code());
        assertTrue(statik.err().contains("is statically linked; preloading has no effect"), statik.err());
        assertEquals(1, statik.err().lines().count(), statik.err());

        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliTest.Run notElf = CliTest.Run.of("trial", "--", plain.toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, notElf.code());
        assertTrue(notElf.err().startsWith("memproxy: " + plain), notElf.err());

        // A chart that cannot be written is refused before the runs, not after them.
        Path nowhere = tmp.resolve("no/such/dir/x.svg");
        CliTest.Run badChart = CliTest.Run.of("trial", "--chart", nowhere.toString(), "--", "/bin/true");
        assertEquals(ExitCodes.COULD_NOT_RUN, badChart.code());
        assertEquals("memproxy: " + nowhere + ": cannot write the chart: no directory " + nowhere.getParent() + "\n", badChart.err());
        assertEquals("", badChart.out());

        CliTest.Run usage = CliTest.Run.of("trial");
        assertEquals(ExitCodes.USAGE, usage.code());
        CliTest.Run badAllocator = CliTest.Run.of("trial", "--allocator", "hoard", "--", "/bin/true");
        assertEquals(ExitCodes.COULD_NOT_RUN, badAllocator.code());
        assertTrue(badAllocator.err().contains("hoard: not a supported allocator"), badAllocator.err());
    }

    @Test
    void aScriptIsMeasuredAndTheOutputNamesTheProgramTheShimSees() throws Exception {
        Path script = tmp.resolve("count.sh");
        Files.writeString(script, "#!/bin/sh\nseq 1 2000 | sort -n | tail -1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Through env, as many scripts start: the shim sees env, then the interpreter env finds on PATH.
        Path viaEnv = tmp.resolve("via-env.sh");
        Files.writeString(viaEnv, "#!/usr/bin/env sh\necho hi\n");
        Files.setPosixFilePermissions(viaEnv, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliTest.Run env = CliTest.Run.of(trial("--allocator", "jemalloc", "--startup-runs", "0", "--format", "json", "--",
                viaEnv.toString()));
        assertEquals(ExitCodes.OK, env.code(), env.err() + env.out());
        JsonNode envDoc = new ObjectMapper().readTree(env.out());
        assertTrue(envDoc.path("notes").toString().contains("only the programs that run it (env, then dash)"), env.out());
        assertTrue(envDoc.path("routes").get(2).path("route_check").asText().matches(".*for env, dash.*"), env.out());
        CliTest.Run r = CliTest.Run.of(trial("--allocator", "jemalloc", "--startup-runs", "0", "--format", "json", "--", script.toString()));
        assertEquals(ExitCodes.OK, r.code(), r.err() + r.out());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("/usr/bin/dash", doc.path("executable").asText());
        assertTrue(doc.path("notes").toString().contains(script + " is a script: the shim never sees it, only the programs that run it"
                + " (dash)"), doc.toString());
        // The programs the script execs decide by their own names, and the route check saw them.
        JsonNode jemalloc = doc.path("routes").get(2);
        assertTrue(jemalloc.path("route_check").asText().contains("sort"), jemalloc.toString());
    }

    @Test
    @Timeout(120)
    void aHungRunIsKilledAtTheTimeoutAndReported() throws Exception {
        CliTest.Run r = CliTest.Run.of("trial", "--runs", "1", "--warmup", "0", "--startup-runs", "0", "--allocator", "mimalloc",
                "--timeout", "0.3", "--format", "json", "--", "/bin/sleep", "30");
        assertEquals(ExitCodes.PROBLEM, r.code(), r.err() + r.out());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        for (JsonNode route : doc.path("routes")) {
            JsonNode run = route.path("runs_detail").get(0);
            assertTrue(run.path("timed_out").asBoolean(), run.toString());
            assertEquals(9, run.path("signal").asInt(), run.toString());
            assertTrue(run.path("wall_ms").asDouble() < 10_000, run.toString());
        }
        Set<String> ids = new TreeSet<>();
        doc.path("findings").forEach(f -> ids.add(f.path("id").asText()));
        assertEquals(Set.of("trial.timed-out"), ids, r.out());
        assertTrue(sleepers("30").isEmpty(), "no sleep 30 is left running");
    }

    /** Processes whose command line is exactly sleep ARG. */
    static List<Long> sleepers(String arg) throws Exception {
        List<Long> out = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.equals("/bin/sleep\0" + arg + "\0")) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException e) {
                    // Gone meanwhile.
                }
            }
        }
        return out;
    }

    /** The launcher in a real process: SIGINT (Ctrl-C) kills the running child, prints the partial results, leaves no files. */
    @Test
    @Timeout(120)
    void ctrlCKillsTheChildPrintsPartialResultsAndLeavesNoTemporaryFiles() throws Exception {
        Path top = ChainScenarioTest.TOP;
        Path temp = Files.createDirectory(tmp.resolve("java-tmp"));
        ProcessBuilder pb = new ProcessBuilder(top.resolve("bin/memproxy").toString(), "trial", "--runs", "200", "--startup-runs", "0",
                "--allocator", "jemalloc", "--", "/bin/sleep", "0.41");
        pb.environment().put("MEMPROXY_JAVA_OPTS", "-Djava.io.tmpdir=" + temp);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        // Wait until the counted runs are under way (warm-up: 3 routes of 0.41 s each), then Ctrl-C.
        // 200 runs of 3 routes take over 4 minutes, so even on a loaded machine the trial is still
        // running when the signal arrives.
        long deadline = System.currentTimeMillis() + 60_000;
        while (sleepers("0.41").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(5000);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the trial ends after Ctrl-C");
        String text = Files.readString(out);
        assertEquals(TrialCommandIds.INTERRUPTED, p.exitValue(), text + Files.readString(err));
        assertTrue(text.contains("interrupted after"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("jemalloc ")), text);
        assertTrue(sleepers("0.41").isEmpty(), "the child was killed");
        try (var s = Files.list(temp)) {
            assertEquals(List.of(), s.toList(), "no temporary files left");
        }
        assertFalse(text.contains("\tat "), text);
    }

    /** TrialCommand's constants, visible to this test. */
    static final class TrialCommandIds {
        static final int INTERRUPTED = TrialCommand.INTERRUPTED;
    }
}
