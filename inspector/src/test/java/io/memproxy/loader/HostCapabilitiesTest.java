package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What /proc/cpuinfo gives must be what ld.so --help reports as supported and searched. */
class HostCapabilitiesTest {
    @Test
    void matchesLdSoHelp() {
        check(LoaderRules.DEBIAN_12_X86_64);
    }

    /** The i386 ld.so on the same CPU: no glibc-hwcaps subdirectories, sse2, platform i686. */
    @Test
    void matchesTheI386LdSoHelp() {
        check(LoaderRules.DEBIAN_12_I386);
    }

    /** The flags split by hand are the words the regular expression gave, for the machine's own line and odd ones. */
    @Test
    void flagsAreTheWordsOfTheLine() throws Exception {
        String cpuinfo = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
        List<String> lines = new ArrayList<>(List.of("", " ", "fpu", " fpu  vme\tde ", "\u0001fpu\u000b sse\u0002", "a\fb\rc\u00a0d"));
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                lines.add(line.substring(line.indexOf(':') + 1));
            }
        }
        for (String line : lines) {
            assertEquals(List.of(line.trim().split("\\s+")), HostCapabilities.words(line), line);
        }
        // Only the first CPU's lines count: the same with the rest of the file cut off.
        int second = cpuinfo.indexOf("\n\n");
        assertEquals(HostCapabilities.fromCpuinfo(cpuinfo), HostCapabilities.fromCpuinfo(second < 0 ? cpuinfo : cpuinfo.substring(0, second)));
    }

    private static void check(LoaderRules rules) {
        var real = RealLoader.run(rules.interpreter(), "--help");
        List<String> hwcaps = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        String platform = null;
        String section = "";
        for (String line : real.out().split("\n")) {
            if (!line.startsWith("  ")) {
                section = line;
                continue;
            }
            String s = line.trim();
            if (!s.contains("supported, searched")) {
                continue;
            }
            String name = s.substring(0, s.indexOf(' '));
            if (section.startsWith("Subdirectories of glibc-hwcaps")) {
                hwcaps.add(name);
            } else if (section.startsWith("Legacy HWCAP")) {
                if (s.contains("AT_PLATFORM")) {
                    platform = name;
                } else if (!name.equals("tls")) {
                    legacy.add(name);
                }
            }
        }
        // --help prints the legacy names from the highest hwcap bit down (elf/dl-usage.c); ld.so builds its
        // search list from the lowest up (elf/dl-hwcaps.c), which is the order HostCapabilities keeps.
        java.util.Collections.reverse(legacy);
        HostCapabilities host = rules.capabilitiesHere();
        assertEquals(rules.interpreter(), real.out().lines().filter(l -> l.contains("self-identifies as: "))
                .map(l -> l.substring(l.indexOf("as: ") + 4)).findFirst().orElse(""));
        // The profile's default directories are the ones ld.so lists as its system search path.
        assertEquals(rules.systemDirs(), real.out().lines().filter(l -> l.endsWith(" (system search path)"))
                .map(l -> l.trim().substring(0, l.trim().indexOf(' ')) + "/").toList());
        assertEquals(hwcaps, host.hwcapsSubdirs());
        assertEquals(platform, host.platform());
        assertEquals(legacy, host.legacyHwcaps());
    }
}
