package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.image.TestImages;
import io.memproxy.install.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One JSON style (README "Command-line conventions"): every document of every command, built by the real
 * commands from real inputs, carries an integer schema_version and spells every key in snake_case. The runs
 * reach the optional parts of each document (errors, missing libraries, ignored preloads, --next, symbols,
 * the support report's system object, a real install, RSS samples), so a camelCase key anywhere fails.
 */
class JsonNamingTest {
    private static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
    private static final String JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern CAMEL_CASE = Pattern.compile("[a-z0-9][A-Z]");

    /**
     * Objects whose keys are values, not names: executable classes and route and flag words (as the shim and
     * the text output spell them), loader variables. Their keys are checked only for camelCase.
     */
    private static final Set<String> KEYED_BY_VALUE = Set.of("/summary/classes", "/summary/routes", "/summary/flags",
            "/system/loader_variables");

    @TempDir
    Path tmp;

    @Test
    void everyDocumentIsSnakeCaseWithSchemaVersion() throws Exception {
        Path root = Sandbox.make(tmp.resolve("root"), true);
        Path env = Files.writeString(tmp.resolve("env"), "LD_PRELOAD='libnothere.so'\n");
        List<List<String>> runs = new ArrayList<>(List.of(
                List.of("elf", "--symbols", "malloc*", LIBC, "/usr/lib/x86_64-linux-gnu/libc.so", "/nonexistent/file"),
                List.of("ldd", "/usr/bin/ls"),
                List.of("ldd", "--env-file", env.toString(), "--as-ldd", "/usr/bin/java", "/usr/bin/ls", "/nonexistent/prog"),
                List.of("bind", "--preload", Sandbox.builtShim() + ":" + JEMALLOC, "--next", "libmemproxy.so", "malloc", "/bin/sh"),
                List.of("doctor", "--preload", JEMALLOC + ":libnothere.so", "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
                List.of("check", "--preload", LIBC, "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
                List.of("report", "--preload", JEMALLOC, "--exe", "/bin/true", "--config", "/nonexistent/memproxy.conf"),
                List.of("scan", "--no-progress", "/usr/sbin"),
                List.of("ps", "1", String.valueOf(ProcessHandle.current().pid())),
                List.of("install", "--root", root.toString()),
                List.of("install", "--dry-run", "--shim", LIBC, "--allocator", JEMALLOC),
                List.of("uninstall", "--dry-run", "--root", root.toString()),
                List.of("uninstall", "--root", root.toString()),
                List.of("trial", "--runs", "1", "--startup-runs", "1", "--sample-rss", "2", "--no-progress",
                        "--", "/bin/true"),
                List.of("image-advice", image().toString(), "--shim", Sandbox.builtShim().toString())));
        List<String> problems = new ArrayList<>();
        for (List<String> run : runs) {
            List<String> args = new ArrayList<>(run);
            args.add(1, "--json");
            CliTest.Run r = CliTest.Run.of(args.toArray(String[]::new));
            assertTrue(r.code() <= ExitCodes.PROBLEM, args + ": " + r.err());
            JsonNode doc = new ObjectMapper().readTree(r.out());
            assertTrue(doc.path("schema_version").isInt(), args + " has no schema_version:\n" + r.out());
            walk(doc, "", run.get(0), problems);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theWalkFindsCamelCaseAndKeysThatAreNotSnakeCase() throws Exception {
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(
                "{\"schema_version\": 1, \"files\": [{\"elf\": {\"osAbi\": 3, \"build-id\": \"x\"}}],"
                        + " \"summary\": {\"classes\": {\"own-malloc\": 1, \"ownMalloc\": 1}}}");
        List<String> problems = new ArrayList<>();
        walk(doc, "", "test", problems);
        assertEquals(List.of("test: /files/elf/osAbi", "test: /files/elf/build-id", "test: /summary/classes/ownMalloc"), problems);
    }

    private static void walk(JsonNode node, String path, String command, List<String> problems) {
        if (node.isArray()) {
            node.forEach(e -> walk(e, path, command, problems));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        boolean byValue = KEYED_BY_VALUE.contains(path);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (byValue ? CAMEL_CASE.matcher(key).find() : !SNAKE_CASE.matcher(key).matches()) {
                problems.add(command + ": " + path + "/" + key);
            }
            walk(e.getValue(), path + "/" + key, command, problems);
        }
    }

    /** An OCI image with a base system and jemalloc, for image-advice. */
    private Path image() throws Exception {
        TestImages.Layer alloc = new TestImages.Layer().file(TestImages.JEMALLOC.substring(1), Path.of(TestImages.JEMALLOC).toRealPath());
        return TestImages.layout(tmp.resolve("image"), TestImages.config("amd64", Map.of(), ImageAdviceTest.ENTRYPOINT, List.of()),
                List.of(TestImages.base(), alloc));
    }
}
