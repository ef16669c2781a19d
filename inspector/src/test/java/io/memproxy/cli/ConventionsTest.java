package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The conventions every command shares (docs/cli.md). */
class ConventionsTest {
    private static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";

    /** A command line for each command that prints a document, run with --format json and with --json. */
    private static final List<List<String>> JSON_RUNS = List.of(
            List.of("elf", LIBC),
            List.of("ldd", "/bin/true"),
            List.of("bind", "/bin/true", "malloc"),
            List.of("doctor", "--preload", LIBC, "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
            List.of("check", "--preload", LIBC, "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
            List.of("scan", "--no-progress", "/usr/sbin"),
            List.of("ps", "1"),
            List.of("report", "--preload", LIBC, "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
            List.of("install", "--dry-run", "--shim", LIBC, "--allocator", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
            List.of("uninstall", "--dry-run"));

    @Test
    void everyDocumentCommandTakesFormatJsonAndJsonAndCarriesSchemaVersion() throws Exception {
        for (List<String> run : JSON_RUNS) {
            for (String opt : new String[] {"--format=json", "--json"}) {
                List<String> args = new java.util.ArrayList<>(run);
                args.add(1, opt);
                CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
                assertTrue(r.code() <= ExitCodes.PROBLEM, args + ": " + r.err());
                JsonNode doc = new ObjectMapper().readTree(r.out());
                assertTrue(doc.path("schema_version").isInt(), args + " has no schema_version:\n" + r.out());
            }
        }
    }

    @Test
    void installAndUninstallSayWhatHappenedInJson(@TempDir Path root) throws Exception {
        CliTest.Run r = CliTest.Run.of("uninstall", "--root", root.toString(), "--format", "json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("not-installed", doc.get("outcome").asText());
        assertEquals(root.toString(), doc.get("root").asText());
        CliTest.Run i = CliTest.Run.of("install", "--dry-run", "--json", "--shim", LIBC,
                "--allocator", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
        JsonNode plan = new ObjectMapper().readTree(i.out());
        assertTrue(plan.get("outcome").asText().matches("would-install|already-installed|refused"), i.out());
        assertEquals(1, plan.get("check").get("schema_version").asInt());
    }

    @Test
    void formatsACommandDoesNotOfferAreUsageErrorsNamingTheChoices() {
        CliTest.Run r = CliTest.Run.of("ldd", "--format", "markdown", "/bin/true");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("expected one of: text, json"), r.err());
        assertEquals(ExitCodes.USAGE, CliTest.Run.of("scan", "--format", "markdown").code());
    }

    @Test
    void everyCommandOfTheTreeHasFormatJsonAndNoColor() {
        CommandLine full = CommandLines.full();
        for (Map.Entry<String, CommandLine> c : full.getSubcommands().entrySet()) {
            if (c.getKey().equals("help")) {
                continue;
            }
            for (String option : new String[] {"--format", "--json", "--no-color"}) {
                assertTrue(c.getValue().getCommandSpec().findOption(option) != null, c.getKey() + " lacks " + option);
            }
        }
    }

    /** Help comes from the picocli model; the man page is written by hand, so it is held to the model here. */
    @Test
    void theManPageNamesEveryCommandAndOptionOfTheModel() throws Exception {
        String man = Files.readString(ChainScenarioTest.TOP.resolve("inspector/man/memproxy.1")).replace("\\-", "-");
        List<String> missing = new java.util.ArrayList<>();
        for (Map.Entry<String, CommandLine> c : CommandLines.full().getSubcommands().entrySet()) {
            if (!man.contains(".BI \"" + c.getKey() + " ") && !c.getKey().equals("help")) {
                missing.add(c.getKey());
            }
            for (CommandLine.Model.OptionSpec o : c.getValue().getCommandSpec().options()) {
                for (String name : o.names()) {
                    if (name.startsWith("--") && !man.contains(name)) {
                        missing.add(c.getKey() + " " + name);
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "inspector/man/memproxy.1 lacks these");
    }

    @Test
    void helpSummariesAreCompleteSentencesOnOneLine() {
        String help = CliTest.Run.of("--help").out();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:"));
        List<String> lines = commands.lines().skip(1).filter(l -> !l.isBlank()).toList();
        assertEquals(MemproxyCommand.SUBCOMMANDS.size(), lines.size(), "a summary wraps:\n" + commands);
        for (String l : lines) {
            assertTrue(l.matches("  \\S+ +[A-Z].*\\.$"), "not one complete sentence: '" + l + "'");
        }
    }

    @Test
    void typosGetSuggestions() {
        CliTest.Run r = CliTest.Run.of("doktor");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("memproxy: unknown command 'doktor'; did you mean 'doctor'?", r.err().lines().findFirst().orElse(""));
        CliTest.Run o = CliTest.Run.of("ldd", "--tre", "/bin/true");
        assertEquals(ExitCodes.USAGE, o.code());
        assertTrue(o.err().startsWith("memproxy: unknown option '--tre'; did you mean '--tree'?"), o.err());
        CliTest.Run help = CliTest.Run.of("help", "doktor");
        assertEquals(ExitCodes.USAGE, help.code());
        assertEquals("memproxy: unknown command 'doktor'; did you mean 'doctor'?", help.err().lines().findFirst().orElse(""));
        CliTest.Run far = CliTest.Run.of("xyzzy");
        assertEquals("memproxy: unknown command 'xyzzy'", far.err().lines().findFirst().orElse(""));
    }

    @Test
    void bindSaysWhenNothingReferencesASymbol() {
        CliTest.Run r = CliTest.Run.of("bind", "/bin/true", "mallocc");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.err().startsWith("memproxy: no object references or defines 'mallocc'; did you mean 'malloc'"), r.err());
        CliTest.Run known = CliTest.Run.of("bind", "/bin/true", "malloc");
        assertEquals(ExitCodes.OK, known.code(), known.err());
        assertEquals("", known.err());
    }

    @Test
    void oneWordingPerFileProblem(@TempDir Path tmp) throws Exception {
        String missing = tmp.resolve("none").toString();
        for (String[] args : new String[][] {{"elf", missing}, {"ldd", missing}, {"bind", missing}, {"doctor", "--exe", missing}}) {
            String err = CliTest.Run.of(args).err();
            assertTrue(err.startsWith("memproxy: " + missing + ": no such file"), String.join(" ", args) + ": " + err);
        }
        String dir = tmp.toString();
        for (String[] args : new String[][] {{"elf", dir}, {"ldd", dir}, {"bind", dir}, {"doctor", "--exe", dir}}) {
            String err = CliTest.Run.of(args).err();
            assertTrue(err.startsWith("memproxy: " + dir + ": is a directory"), String.join(" ", args) + ": " + err);
        }
        String env = CliTest.Run.of("ldd", "--env-file", missing, "/bin/true").err();
        assertTrue(env.startsWith("memproxy: " + missing + ": no such file (--env-file)"), env);
    }

    @Test
    void theCallersLoaderVariablesCountUnlessIgnored(@TempDir Path tmp) throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Files.copy(Path.of(LIBC), lib.resolve("libc.so.6"));
        CallerEnvironment caller = CallerEnvironment.from(Map.of("MEMPROXY_CALLER_LD_LIBRARY_PATH", lib.toString(),
                "LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"));
        String out = run(caller, "ldd", "/bin/true");
        assertTrue(out.contains("libc.so.6 => " + lib + "/libc.so.6"), out);
        assertTrue(out.contains("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), out);
        String ignored = run(caller, "ldd", "-i", "/bin/true");
        assertFalse(ignored.contains(lib.toString()), ignored);
        assertFalse(ignored.contains("libjemalloc"), ignored);
        Path envFile = Files.writeString(tmp.resolve("env"), "LD_LIBRARY_PATH=/nonexistent\n");
        String overridden = run(caller, "ldd", "--env-file", envFile.toString(), "/bin/true");
        assertFalse(overridden.contains(lib.toString()), overridden);
        assertTrue(overridden.contains("libjemalloc"), overridden);
        String doctor = run(caller, "doctor", "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf");
        assertTrue(doctor.contains("libjemalloc.so.2  [allocator:jemalloc]"), doctor);
    }

    @Test
    void asciiMarksAndTreeLinesOutsideUtf8() {
        assertFalse(Terminal.utf8Locale(Map.of("LC_ALL", "C", "LANG", "en_US.UTF-8")));
        assertTrue(Terminal.utf8Locale(Map.of("LANG", "C.UTF-8")));
        assertTrue(Terminal.utf8Locale(Map.of("LC_CTYPE", "de_DE.utf8")));
        assertFalse(Terminal.utf8Locale(Map.of()));
        Terminal ascii = new Terminal(false, false, false);
        String tree = CliTest.Run.with(ascii, "ldd", "--tree", "/bin/true").out();
        assertTrue(tree.contains("`-- "), tree);
        assertTrue(tree.chars().allMatch(c -> c < 128), tree);
        String doctor = CliTest.Run.with(ascii, "doctor", "--preload", LIBC, "--exe", "/bin/true",
                "--config", "/nonexistent/memproxy.conf").out();
        assertTrue(doctor.contains("\nok "), doctor);
        assertTrue(doctor.chars().allMatch(c -> c < 128), doctor);
    }

    private static String run(CallerEnvironment caller, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLines.execute(new PrintWriter(out, true), new PrintWriter(err, true), Terminal.none(), caller, args);
        return out + err.toString();
    }
}
