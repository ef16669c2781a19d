package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Runs every scenario of inspector/src/test/chains/ (one per finding id) and checks the id, severity and exit code. */
class ChainScenarioTest {
    static final Path TOP = Path.of(System.getProperty("user.dir")).getParent();
    static final Path CHAINS = TOP.resolve("inspector/src/test/chains");

    @TempDir
    Path tmp;

    /** One scenario file: its keys and values, in order. */
    record Scenario(String name, Map<String, String> values) {
        static Scenario load(Path file) throws IOException {
            Map<String, String> v = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("\\s+", 2);
                v.putIfAbsent(kv[0], kv.length > 1 ? kv[1].trim() : "");
            }
            return new Scenario(file.getFileName().toString().replace(".scenario", ""), v);
        }

        String subst(String s) {
            return s.replace("@SHIM@", TOP.resolve("shim/build/libmemproxy.so").toString())
                    .replace("@FIXTURES@", System.getProperty("memproxy.fixtures", ""));
        }

        /** The doctor's arguments, with the config copied into {@code tmp} with the scenario's mode and owner. */
        List<String> args(Path tmp) throws IOException {
            List<String> a = new ArrayList<>(List.of("doctor", "--format", "json", "--preload", subst(values.getOrDefault("preload", ""))));
            if (values.containsKey("config")) {
                String[] c = values.get("config").split("\\s+");
                Path conf = tmp.resolve("memproxy.conf");
                Files.copy(CHAINS.resolve("conf").resolve(c[0]), conf);
                Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString(rwx(Integer.parseInt(c[1], 8))));
                if (c.length > 2) {
                    Files.setAttribute(conf, "unix:uid", Integer.parseInt(c[2]));
                }
                a.addAll(List.of("--config", conf.toString()));
            }
            if (values.containsKey("config-path")) {
                a.addAll(List.of("--config", values.get("config-path")));
            }
            if (values.containsKey("search-path")) {
                a.addAll(List.of("--search-path", values.get("search-path")));
            }
            if (values.getOrDefault("probe", "").equals("yes")) {
                a.add("--probe");
            }
            if (values.containsKey("exe")) {
                a.add("--exe");
                a.addAll(Arrays.asList(subst(values.get("exe")).split("\\s+")));
            }
            return a;
        }
    }

    static String rwx(int mode) {
        StringBuilder s = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int m = mode >> shift;
            s.append((m & 4) != 0 ? 'r' : '-').append((m & 2) != 0 ? 'w' : '-').append((m & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyScenario() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CHAINS)) {
            files = s.filter(p -> p.toString().endsWith(".scenario")).sorted().toList();
        }
        assertTrue(files.size() > 10, "scenarios in " + CHAINS);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(Scenario.load(f))));
    }

    void check(Scenario s) throws IOException {
        String[] expect = s.values().get("expect").split("\\s+");
        Path dir = Files.createTempDirectory(tmp, s.name());
        CliTest.Run r = CliTest.Run.of(s.args(dir).toArray(String[]::new));
        String context = s.name() + "\n" + r.out() + r.err();
        assertEquals(Integer.parseInt(expect[2]), r.code(), context);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> found = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            // chain.cost belongs to the allocator chosen (ChainCostTest), not to what a scenario isolates.
            if (!f.path("id").asText().equals("chain.cost")) {
                found.add(f.path("id").asText() + " " + f.path("severity").asText());
            }
        }
        if (expect[0].equals("none")) {
            assertFalse(found.stream().anyMatch(f -> f.endsWith(" error") || f.endsWith(" warning")), context);
        } else {
            assertTrue(found.contains(expect[0] + " " + expect[1]), context);
            // The scenario isolates its finding: nothing else is wrong in it but what it says it also shows.
            List<String> also = Arrays.asList(s.values().getOrDefault("also", "").split("\\s+"));
            assertTrue(found.stream().filter(f -> f.endsWith(" error") || f.endsWith(" warning"))
                    .allMatch(f -> f.startsWith(expect[0] + " ") || also.contains(f.split(" ")[0])), context);
        }
    }
}
