package io.memproxy.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit reader against systemd itself: systemd-analyze verify --root loads the same unit files and dumps
 * the environment it parsed (SYSTEMD_LOG_LEVEL=debug), which must equal ours, assignment for assignment.
 */
class UnitSyntaxAgreementTest {
    @TempDir
    Path root;

    static void write(Path root, String systemPath, String text) throws IOException {
        Path f = root.resolve(systemPath.substring(1));
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    static List<String> parseDump(String out) {
        List<String> env = new ArrayList<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("Environment: ")) {
                env.add(l.substring("Environment: ".length()));
            }
        }
        return env;
    }

    /** The unit's Environment= as systemd's manager parsed it, in order (its debug dump). */
    static List<String> debugDump(Path root, String unit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, unit).redirectErrorStream(true);
        pb.environment().put("SYSTEMD_LOG_LEVEL", "debug");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return parseDump(out);
    }

    @Test
    void environmentQuotingEscapesContinuationsSpecifiersAndResetsAgreeWithSystemd() throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/usr/bin/dash"), root.resolve("bin/sh"));
        write(root, "/usr/lib/systemd/system/web@blue-x.service", "");
        write(root, "/usr/lib/systemd/system/web@.service", String.join("\n",
                "[Unit]",
                "Description=agreement",
                "DefaultDependencies=no",
                "# a comment",
                "; another",
                "[Service]",
                "ExecStart=/bin/sh -c true",
                "Environment=DROPPED=1",
                "Environment=",
                "Environment=\"A=two words\" B=%n C=%i D=%I E=%p F=%%",
                "Environment=G='single \"quoted\"' H=\\x41\\t|",
                "Environment=I=one\\",
                "# a comment inside a continuation",
                "   J=joined",
                "Environment=K=ends-in-backslash\\\\",
                "Environment=LD_PRELOAD=/usr/local/lib/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                ""));
        write(root, "/etc/systemd/system/web@.service.d/10-more.conf", "[Service]\nEnvironment=L=from-template-drop-in\n");
        write(root, "/etc/systemd/system/web@blue-x.service.d/20-last.conf", "[Service]\nEnvironment=\"A=overridden later\"\n");
        Files.delete(root.resolve("usr/lib/systemd/system/web@blue-x.service"));

        SystemdUnit unit = SystemdUnit.load(Root.at(root), UnitName.of("web@blue-x.service"));
        Service s = Service.of(unit, Root.at(root), Root.at(root));
        List<String> ours = new ArrayList<>();
        for (Map.Entry<String, Service.Variable> e : s.environment().entrySet()) {
            ours.add(e.getKey() + "=" + e.getValue().value());
        }
        List<String> theirs = debugDump(root, "web@blue-x.service");
        assertEquals(sorted(theirs), sorted(ours), "systemd's dump: " + theirs);
        assertEquals("web@blue-x.service", s.variable("B").orElseThrow());
        assertEquals("blue/x", s.variable("D").orElseThrow());
        assertEquals("overridden later", s.variable("A").orElseThrow());
        assertEquals("/bin/sh", s.program().orElseThrow());
    }

    private static List<String> sorted(List<String> l) {
        // systemd's dump lists each assignment; the resulting environment keeps the last of each name.
        Map<String, String> last = new java.util.TreeMap<>();
        for (String a : l) {
            last.put(a.substring(0, a.indexOf('=')), a);
        }
        return new ArrayList<>(last.values());
    }

    @Test
    void environmentFileFormat() {
        Map<String, String> env = EnvironmentFile.parse(String.join("\n",
                "# comment", "; comment", "PLAIN=a b  ", "SQ='x  y'", "DQ=\"q \\\" \\$ \\n\"", "ESC=a\\ ", "CONT=one\\",
                "two", "  SPACED = v", "9BAD=1", "EMPTY=", ""));
        assertEquals("a b", env.get("PLAIN"));
        assertEquals("x  y", env.get("SQ"));
        assertEquals("q \" $ \\n", env.get("DQ"));
        assertEquals("a ", env.get("ESC"));
        assertEquals("onetwo", env.get("CONT"));
        assertEquals("v", env.get("SPACED"));
        assertEquals("", env.get("EMPTY"));
        assertEquals(false, env.containsKey("9BAD"));
    }
}
