package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, errors, JSON and colour of memproxy ldd and memproxy bind. */
class LoaderCommandsTest {
    @Test
    void nonElfTargetIsOneLineAndExitOne() {
        CliTest.Run r = CliTest.Run.of("ldd", "/usr/bin/ldd");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertEquals("memproxy: /usr/bin/ldd: invalid ELF header\n", r.err());
        CliTest.Run b = CliTest.Run.of("bind", "/nonexistent/prog");
        assertEquals(ExitCodes.PROBLEM, b.code());
        assertEquals(1, b.err().lines().count(), b.err());
        assertTrue(b.err().startsWith("memproxy: /nonexistent/prog: "), b.err());
    }

    @Test
    void usageErrors(@TempDir Path tmp) throws Exception {
        assertEquals(ExitCodes.USAGE, CliTest.Run.of("ldd").code());
        assertEquals(ExitCodes.USAGE, CliTest.Run.of("ldd", "--root", tmp.resolve("none").toString(), "/usr/bin/ls").code());
        Path bad = Files.writeString(tmp.resolve("env"), "LD_PRELOAD\n");
        CliTest.Run r = CliTest.Run.of("ldd", "--env-file", bad.toString(), "/usr/bin/ls");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains(bad + ":1: expected KEY=VALUE"), r.err());
        assertEquals(ExitCodes.USAGE, CliTest.Run.of("bind", "/usr/bin/ls", "--next", "libnothere.so", "malloc").code());
        assertFalse(CliTest.Run.of("bind", "/usr/bin/ls", "--next", "libc.so.6").err().contains("\tat "));
    }

    @Test
    void missingLibraryIsExitOneWithTheListStillPrinted(@TempDir Path tmp) throws Exception {
        Path env = Files.writeString(tmp.resolve("env"), "LD_PRELOAD='libnothere.so'\n");
        CliTest.Run r = CliTest.Run.of("ldd", "--env-file", env.toString(), "/usr/bin/java", "--as-ldd");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.out().contains("\tlibjli.so => not found\n"), r.out());
        assertTrue(r.err().contains("object 'libnothere.so' from LD_PRELOAD cannot be preloaded (cannot open shared object file)"), r.err());
        assertEquals(ExitCodes.OK, CliTest.Run.of("ldd", "/usr/bin/java").code());
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        CliTest.Run r = CliTest.Run.of("ldd", "--json", "--preload", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 libc.so", "/usr/bin/ls");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("/usr/bin/ls", j.get("executable").asText());
        JsonNode first = j.get("objects").get(0);
        assertEquals("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", first.get("path").asText());
        assertEquals("preload", first.get("found_by").asText());
        assertTrue(j.get("missing").isArray());
        assertEquals("libc.so", j.get("ignored_preloads").get(0).get("entry").asText());
        assertEquals("invalid ELF header", j.get("ignored_preloads").get(0).get("reason").asText());

        CliTest.Run b = CliTest.Run.of("bind", "--json", "/usr/bin/ls", "malloc", "--next", "/usr/bin/ls", "malloc");
        JsonNode bj = new ObjectMapper().readTree(b.out());
        assertTrue(bj.get("bindings").size() > 0);
        assertEquals("/lib/x86_64-linux-gnu/libc.so.6", bj.get("next").get("to").asText());
    }

    /** Every line bind prints for ls is a binding the real loader prints (and the other way round). */
    @Test
    void bindLinesAreTheLoadersBindings() throws Exception {
        CliTest.Run r = CliTest.Run.of("bind", "/usr/bin/ls", "--as-ldd");
        assertEquals(0, r.code(), r.err());
        Set<String> ours = new TreeSet<>(r.out().lines().toList());
        Map<String, String> env = new HashMap<>(Map.of("LD_TRACE_LOADED_OBJECTS", "1", "LD_WARN", "yes", "LD_BIND_NOW", "1", "LD_DEBUG", "bindings"));
        ProcessBuilder pb = new ProcessBuilder("/lib64/ld-linux-x86-64.so.2", "/usr/bin/ls");
        pb.environment().clear();
        pb.environment().putAll(env);
        Path err = Files.createTempFile("memproxy-bind", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Pattern line = Pattern.compile("binding file (.*) \\[0\\] to (.*) \\[0\\]: normal symbol `([^']*)'(?: \\[([^\\]]*)\\])?$");
        Set<String> real = new TreeSet<>();
        for (String l : Files.readAllLines(err)) {
            Matcher m = line.matcher(l);
            if (m.find() && io.memproxy.loader.AllocatorSymbols.ALL.contains(m.group(3))) {
                real.add(m.group(1) + " -> " + m.group(2) + "  " + m.group(3) + (m.group(4) == null ? "" : "@" + m.group(4)));
            }
        }
        Files.delete(err);
        assertFalse(real.isEmpty());
        assertEquals(real, ours);
    }

    @Test
    void colourOnlyOnATerminalWithoutNoColor() {
        CliTest.Run tty = CliTest.Run.with(new Terminal(true, false), "ldd", "--tree", "/usr/bin/ls");
        assertTrue(tty.out().contains("\u001b["), tty.out());
        for (CliTest.Run plain : List.of(CliTest.Run.with(new Terminal(true, false), "ldd", "--tree", "--no-color", "/usr/bin/ls"),
                CliTest.Run.with(new Terminal(true, true), "ldd", "--tree", "/usr/bin/ls"), CliTest.Run.of("ldd", "--tree", "/usr/bin/ls"))) {
            assertFalse(plain.out().contains("\u001b["), plain.out());
            assertTrue(plain.out().contains("libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 [ld.so.cache]"), plain.out());
        }
    }
}
