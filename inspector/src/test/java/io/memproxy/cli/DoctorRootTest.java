package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --root: the chain, the exclusion list and every library come from an offline image, not from this machine. */
class DoctorRootTest {
    static void copy(Path root, String path) throws Exception {
        Path to = root.resolve(path.substring(1));
        Files.createDirectories(to.getParent());
        Files.copy(Path.of(path).toRealPath(), to);
    }

    @Test
    void setUserIdTargetKeepsThePreloadFileAndStaysOnGlibc(@TempDir Path root) throws Exception {
        copy(root, "/bin/sh");
        copy(root, "/lib/x86_64-linux-gnu/libc.so.6");
        copy(root, "/lib64/ld-linux-x86-64.so.2");
        copy(root, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
        // jemalloc's own dependencies: without them the image's chain stops every process.
        for (String lib : List.of("libstdc++.so.6", "libm.so.6", "libgcc_s.so.1")) {
            copy(root, "/lib/x86_64-linux-gnu/" + lib);
        }
        Files.createDirectories(root.resolve("usr/local/lib"));
        Files.copy(ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so"), root.resolve("usr/local/lib/libmemproxy.so"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/ld.so.preload"), "/usr/local/lib/libmemproxy.so /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");
        Files.createDirectories(root.resolve(shimConfig().substring(1)).getParent());
        Files.writeString(root.resolve(shimConfig().substring(1)), "bash\n");
        Files.setPosixFilePermissions(root.resolve("bin/sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(root.resolve("bin/sh"), "unix:mode", 04755);
        CliTest.Run r = CliTest.Run.of("doctor", "--root", root.toString(), "--format", "json", "--exe", "/bin/sh",
                "--search-path", "/bin");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> ids = new ArrayList<>();
        doc.path("findings").forEach(f -> ids.add(f.path("id").asText()));
        assertTrue(ids.contains("secure.route"), r.out());
        assertTrue(!ids.contains("secure.preload-dropped"), r.out());
        assertEquals("secure-exec", doc.at("/routes/0/reason").asText(), r.out());
        assertEquals(ExitCodes.OK, r.code(), r.out());
    }

    @Test
    void imageChainAndListAreExamined(@TempDir Path root) throws Exception {
        copy(root, "/bin/sh");
        copy(root, "/lib/x86_64-linux-gnu/libc.so.6");
        copy(root, "/lib64/ld-linux-x86-64.so.2");
        copy(root, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
        Path shim = ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so");
        Files.createDirectories(root.resolve("usr/local/lib"));
        Files.copy(shim, root.resolve("usr/local/lib/libmemproxy.so"));
        Files.createDirectories(root.resolve("etc"));
        // The image's chain: the shim, jemalloc, and a library the image lacks.
        Files.writeString(root.resolve("etc/ld.so.preload"),
                "/usr/local/lib/libmemproxy.so /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n/usr/lib/libgone.so\n");
        // Where the shim reads its list: the path compiled into it, which the doctor reads from the shim too.
        Files.createDirectories(root.resolve(shimConfig().substring(1)).getParent());
        Files.writeString(root.resolve(shimConfig().substring(1)), "sh\r\n");
        CliTest.Run r = CliTest.Run.of("doctor", "--root", root.toString(), "--format", "json", "--exe", "/bin/sh",
                "--search-path", "/bin");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> ids = new ArrayList<>();
        doc.path("findings").forEach(f -> ids.add(f.path("id").asText()));
        assertTrue(ids.contains("preload.missing"), r.out());
        assertTrue(ids.contains("config.crlf"), r.out());
        assertEquals("/etc/ld.so.preload", doc.at("/chain/0/source").asText(), r.out());
        assertEquals("shim", doc.at("/chain/0/role").asText(), r.out());
        assertEquals("allocator:jemalloc", doc.at("/chain/1/role").asText(), r.out());
        // The image's /bin/sh is a file named sh (no link to dash), and its list names sh.
        assertEquals("system", doc.at("/routes/0/route").asText(), r.out());
        assertEquals("excluded", doc.at("/routes/0/reason").asText(), r.out());
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out());
    }

    /** The exclusion list path compiled into the built shim (its exported memproxy_config_path). */
    private static String shimConfig() throws Exception {
        return io.memproxy.elf.ElfImage.read(ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so"))
                .stringSymbol(io.memproxy.doctor.Inspection.CONFIG_PATH_SYMBOL).orElseThrow();
    }
}
