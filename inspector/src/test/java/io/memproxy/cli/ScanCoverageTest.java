package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.install.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scan counts the 32-bit programs of an image and says whether its /etc/ld.so.preload reaches them. */
class ScanCoverageTest {
    @TempDir
    Path root;

    JsonNode bits32(String preload) throws Exception {
        if (preload != null) {
            Files.writeString(root.resolve("etc/ld.so.preload"), preload);
        }
        CliTest.Run r = CliTest.Run.of("scan", "--json", "--root", root.toString(), "/usr/bin", "/bin");
        return new ObjectMapper().readTree(r.out()).path("summary").path("bits_32");
    }

    @Test
    void coverageFollowsTheChain() throws Exception {
        Sandbox.addI386(Sandbox.make(root, true), true);
        JsonNode none = bits32(null);
        assertEquals(1, none.path("executables").asInt(), none.toString());
        assertTrue(none.path("loader_installed").asBoolean());
        assertFalse(none.path("preload_covers").asBoolean());

        JsonNode plain = bits32(Sandbox.SHIM + "\n" + Sandbox.JEMALLOC + "\n");
        assertFalse(plain.path("preload_covers").asBoolean(), plain.toString());
        assertEquals(Sandbox.SHIM + " (wrong ELF class: ELFCLASS64)", plain.path("ignored_entries").get(0).asText(), plain.toString());
        CliTest.Run text = CliTest.Run.of("scan", "--root", root.toString(), "/usr/bin", "/bin");
        assertTrue(text.out().contains("1 32-bit (i386) executable; /etc/ld.so.preload does not cover them: ld.so prints an error for "
                + Sandbox.SHIM + " (wrong ELF class: ELFCLASS64)"), text.out());

        JsonNode lib = bits32("/usr/local/$LIB/libmemproxy.so /usr/$LIB/libjemalloc.so.2\n");
        assertTrue(lib.path("preload_covers").asBoolean(), lib.toString());
        assertEquals("/usr/local/lib/i386-linux-gnu/libmemproxy.so", lib.path("shim").asText());
        assertEquals(0, lib.path("ignored_entries").size(), lib.toString());

        Files.delete(root.resolve("usr/lib/i386-linux-gnu/libjemalloc.so.2"));
        JsonNode partial = bits32(null);
        assertTrue(partial.path("preload_covers").asBoolean(), partial.toString());
        assertEquals("/usr/$LIB/libjemalloc.so.2 (cannot open shared object file)", partial.path("ignored_entries").get(0).asText());
    }
}
