package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What /proc/cpuinfo gives must be what ld.so --help reports as supported and searched. */
class HostCapabilitiesTest {
    @Test
    void matchesLdSoHelp() {
        var real = RealLoader.run(RealLoader.LD_SO, "--help");
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
        HostCapabilities host = HostCapabilities.detect();
        assertEquals(hwcaps, host.hwcapsSubdirs());
        assertEquals(platform, host.platform());
        assertEquals(legacy, host.legacyHwcaps());
    }
}
