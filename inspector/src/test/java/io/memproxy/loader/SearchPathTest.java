package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path lists, DSTs and the per-directory candidates, against the search path LD_DEBUG=libs prints. */
class SearchPathTest {
    private static final Pattern SEARCH = Pattern.compile("search path=(.*)\t\t\\(LD_LIBRARY_PATH\\)");

    @ParameterizedTest
    @ValueSource(strings = {"/nx1:/nx2//:;$ORIGIN/x:${LIB}/y:/p/$PLATFORM:$LIBX:/nx1/", "rel/dir::/a;/b", "$ORIGIN:$$:${ORIGIN}/../l:$ORIGINAL/z",
        "/q/${PLATFORM}x/${LIB}:/", "${ORIGIN/x:$ORIGIN_/y:$LIB-z:/w/$PLATFORM5"})
    void libraryPathCandidatesMatchLdSo(String llp) {
        var real = RealLoader.run(List.of(RealLoader.LD_SO, "/usr/bin/true"),
                Map.of("LD_DEBUG", "libs", "LD_LIBRARY_PATH", llp, "LD_PRELOAD", "libnx-search.so"), null);
        Matcher m = SEARCH.matcher(real.err());
        assertTrue(m.find(), real.err());
        List<String> expected = new ArrayList<>(new LinkedHashSet<>(List.of(m.group(1).split(":", -1))));

        HostCapabilities host = HostCapabilities.detect();
        var ctx = new SearchPath.DstContext("/usr/bin", host.platform(), false, true);
        List<String> actual = new ArrayList<>();
        for (String dir : SearchPath.parseList(llp, ":;", ctx)) {
            for (String c : SearchPath.candidates(dir, "", host)) {
                actual.add(c.length() > 1 && c.endsWith("/") ? c.substring(0, c.length() - 1) : c);
            }
        }
        assertEquals(expected, new ArrayList<>(new LinkedHashSet<>(actual)));
    }
}
