package io.memproxy.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Splitting is checked against the names the real ld.so reports as missing, in its order. */
class PreloadChainTest {
    @TempDir
    static Path root;

    /** A minimal image: ld.so, libc and true, so /etc/ld.so.preload can be written without touching the host. */
    @BeforeAll
    static void buildRoot() throws IOException {
        FakeRoot.copyInto(root, "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nx-a.so nx-b.so:nx-c.so", "nx-a.so\tnx-b.so", "nx-a.so\nnx-b.so", "::nx-a.so  nx-b.so::",
        " nx-a.so;nx-b.so ", "nx-a.so,nx-b.so\rnx-c.so"})
    void environmentSplitsLikeLdSo(String value) {
        var real = RealLoader.trace("/usr/bin/true", Map.of("LD_PRELOAD", value), null);
        List<String> expected = RealLoader.preloadErrors(real.err()).stream().map(e -> e.split(" \\| ")[0]).toList();
        assertFalse(expected.isEmpty(), real.err());
        assertEquals(expected, PreloadChain.splitEnvironment(value));
    }

    /** The split by hand gives the tokens the pattern it replaces gave, edge cases included. */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", ":", "a", "a:", ":a", "a b", "a::b", " : a : b : ", "a\tb:c d", "/usr/$LIB/x.so:/y.so"})
    void environmentSplitIsThePatternsSplit(String value) {
        List<String> expected = java.util.Arrays.stream(value.split("[ :]")).filter(t -> !t.isEmpty()).toList();
        assertEquals(expected, PreloadChain.splitEnvironment(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nx-a.so\tnx-b.so\nnx-c.so", "# c\nnx-a.so # t\n# another\nnx-b.so\n", "nx-a.so #c1\nnx-b.so #c2\n",
        "nx-a.so\r\nnx-b.so\r\n", "nx-a.so:nx-b.so nx-c.so", "nx-last.so", "#only\nnx-x.so #c\n#d", "nx-a.so\n#\n#x#y\nnx-b.so # q # r\n"})
    void fileSplitsLikeLdSo(String content) throws IOException {
        Files.writeString(root.resolve("etc/ld.so.preload"), content, StandardCharsets.ISO_8859_1);
        var real = RealLoader.traceInRoot(root, "/usr/bin/true", Map.of());
        List<String> expected = RealLoader.preloadErrors(real.err()).stream().map(e -> e.split(" \\| ")[0]).toList();
        assertEquals(expected, PreloadChain.splitFile(content.getBytes(StandardCharsets.ISO_8859_1), PreloadChain.MAX_ENTRIES), real.err());
    }

    @Test
    void environmentComesFirst() {
        var chain = PreloadChain.of("a.so", "b.so".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of(new PreloadChain.Entry("a.so", PreloadChain.Source.LD_PRELOAD),
                new PreloadChain.Entry("b.so", PreloadChain.Source.PRELOAD_FILE)), chain);
    }
}
