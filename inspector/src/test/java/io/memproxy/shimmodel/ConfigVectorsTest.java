package io.memproxy.shimmodel;

import io.memproxy.config.AllocatorProfile;
import io.memproxy.config.ConfigFile;
import io.memproxy.config.ConfigGrammar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shim's own test vectors (shim/tests/config-vectors.tsv, also run by shim/tests/vectors.c): the
 * inspector's grammar and decision must give the shim's route, allocator and reason for every one.
 */
class ConfigVectorsTest {
    static final Path VECTORS = Path.of(System.getProperty("user.dir")).getParent().resolve("shim/tests/config-vectors.tsv");

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(VECTORS, StandardCharsets.ISO_8859_1)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertEquals(8, f.length, line);
            tests.add(DynamicTest.dynamicTest(f[0], () -> check(f)));
        }
        assertTrue(tests.size() >= 40, "vectors in " + VECTORS);
        return tests.stream();
    }

    static void check(String[] f) {
        ConfigFile config = config(f[1]);
        String exe = f[2].equals("-") ? "" : f[2];
        boolean noLibc = f[4].startsWith(NO_LIBC);
        String objects = noLibc ? f[4].substring(NO_LIBC.length()).replaceFirst("^;", "") : f[4];
        ShimModel.Decision d = ShimModel.decide(config, exe, f[3].equals("1"), chain(objects.isEmpty() ? "-" : objects), noLibc);
        assertEquals(f[5] + " " + f[6] + " " + f[7], d.route().word() + " " + d.allocator() + " " + d.reason().word(), f[0]);
    }

    /** Leads the chain field when libc.so.6's malloc family was not found. */
    static final String NO_LIBC = "!no-libc";

    static ConfigFile config(String field) {
        return switch (field) {
            case "!missing" -> new ConfigFile("/etc/memproxy.conf", ConfigFile.State.MISSING, "", -1, 0, Optional.empty());
            case "!unreadable" -> new ConfigFile("/etc/memproxy.conf", ConfigFile.State.UNREADABLE, "permission denied", 0, 0644,
                    Optional.empty());
            case "!not-regular" -> new ConfigFile("/etc/memproxy.conf", ConfigFile.State.NOT_REGULAR, "a directory", 0, 0755,
                    Optional.empty());
            case "!too-large" -> new ConfigFile("/etc/memproxy.conf", ConfigFile.State.TOO_LARGE, "too large", 0, 0644,
                    Optional.empty());
            default -> new ConfigFile("/etc/memproxy.conf", ConfigFile.State.READ, "", 0, 0644,
                    Optional.of(ConfigGrammar.parse(unescape(field))));
        };
    }

    /** \n \r \t \0 \\ \xHH, as the vector file's header defines them. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return out.toByteArray();
    }

    static List<ShimModel.Exports> chain(String field) {
        List<ShimModel.Exports> out = new ArrayList<>();
        if (field.equals("-")) {
            return out;
        }
        for (String object : field.split(";")) {
            Set<String> names = new HashSet<>();
            for (String fn : object.split(",")) {
                if (fn.startsWith("@")) {
                    AllocatorProfile p = AllocatorProfile.named(fn.substring(1)).orElseThrow();
                    names.addAll(p.symbols());
                    p.marker().ifPresent(names::add);
                } else {
                    names.add(fn);
                }
            }
            out.add(names::contains);
        }
        return out;
    }
}
