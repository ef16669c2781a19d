package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The places a missing library was looked for, against the search LD_DEBUG=libs reports. */
class TriedPlacesTest {
    static final Path L = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader").toAbsolutePath();

    /** From "find library=NAME" on: each search path's directories (the last candidate of each 11) and the cache. */
    static List<String> real(String exe, String name) {
        var out = RealLoader.run(List.of(RealLoader.LD_SO, exe), Map.of("LD_DEBUG", "libs", "LD_TRACE_LOADED_OBJECTS", "1"), null);
        List<String> tried = new ArrayList<>();
        boolean in = false;
        int perDir = 1 + HostCapabilities.detect().hwcapsSubdirs().size() + HostCapabilities.detect().legacySubdirs().size();
        for (String l : out.err().split("\n")) {
            String s = l.replaceFirst("^ *\\d+:\\t", "");
            if (s.startsWith("find library=" + name + " ")) {
                in = true;
            } else if (in && s.startsWith(" search path=")) {
                String[] parts = s.substring(13).split("\t\t");
                String kind = parts[1].startsWith("(RPATH") ? "rpath" : parts[1].startsWith("(RUNPATH") ? "runpath"
                        : parts[1].startsWith("(LD_LIBRARY_PATH") ? "LD_LIBRARY_PATH" : "default dir";
                String[] candidates = parts[0].split(":", -1);
                for (int i = perDir - 1; i < candidates.length; i += perDir) {
                    tried.add(kind + " " + candidates[i] + "/");
                }
            } else if (in && s.startsWith(" search cache=")) {
                tried.add("ld.so.cache");
            } else if (in && s.isEmpty()) {
                break;
            }
        }
        return tried;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"inherit/m_runpath,libgc.so", "inherit/m_rpath_arun,libgc.so", "origin/link/m,libo.so", "nodeflib/m,libc.so.6"})
    void triedPlacesMatch(String exe, String name) {
        String path = L.resolve(exe).toString();
        List<String> real = real(path, name);
        LinkMap m = LinkMap.load(LoaderEnvironment.system().withStart(LoaderEnvironment.Start.LOADER_COMMAND), path);
        List<String> ours = m.missing().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow().tried();
        assertFalse(real.isEmpty());
        assertEquals(real, ours);
    }
}
