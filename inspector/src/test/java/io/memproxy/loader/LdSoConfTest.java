package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory list must be the one ldconfig -v prints, with the file and line that named each. */
class LdSoConfTest {
    static List<String> ldconfigDirs(String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ldconfig", "-v", "-N", "-X"));
        cmd.addAll(List.of(extra));
        var real = RealLoader.run(cmd, java.util.Map.of(), null);
        List<String> dirs = new ArrayList<>();
        for (String l : real.out().split("\n")) {
            if (!l.startsWith("\t") && l.contains(": (from ")) {
                dirs.add(l.replace("<builtin>:0", "null:0"));
            }
        }
        return dirs;
    }

    /** ldconfig -r prints paths inside the root, as the loader names them; so do we. */
    static List<String> ours(LdSoConf.Result r) {
        return r.dirs().stream().map(d -> d.path() + ": (from " + d.file() + ":" + d.line() + ")").toList();
    }

    @Test
    void hostConfiguration() {
        assertEquals(ldconfigDirs(), ours(LdSoConf.read(Root.host())));
    }

    @Test
    void includesCommentsHwcapAndDuplicates(@TempDir Path root) throws IOException {
        for (String d : List.of("opt/a", "opt/b", "opt/c", "opt/d", "lib/x86_64-linux-gnu", "usr/lib", "etc/ld.so.conf.d", "etc/more")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("etc/ld.so.conf"), "  # comment\n/opt/a # trailing\ninclude ld.so.conf.d/*.conf\n"
                + "HWCAP nosegneg\n/opt/missing\ninclude\t/etc/more/x.conf /etc/none/*.conf\n/opt/b/=libc6\n/opt/a\n");
        Files.writeString(root.resolve("etc/ld.so.conf.d/20-c.conf"), "/opt/c\t \n");
        Files.writeString(root.resolve("etc/ld.so.conf.d/10-d.conf"), "/opt/d///\n");
        Files.writeString(root.resolve("etc/more/x.conf"), "include ../ld.so.conf.d/10-d.conf\n/usr/lib\n");
        LdSoConf.Result r = LdSoConf.read(Root.at(root));
        assertEquals(ldconfigDirs("-r", root.toString()), ours(r));
        assertTrue(r.warnings().stream().anyMatch(w -> w.message().equals("hwcap directive ignored") && w.line() == 4), r.warnings().toString());
    }
}
