package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One image shared by threads (as the loader's cache shares them) answers as it does for one thread. */
class ConcurrencyTest {
    @Test
    void sharedImageGivesTheSameAnswers() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        List<String> names = ElfImage.read(libc).dynamicSymbols().stream()
                .filter(DynamicSymbol::isDefined).map(DynamicSymbol::name).distinct().limit(400).toList();
        List<Integer> expected = names.stream().map(n -> lookupCount(libc, n)).toList();
        for (int round = 0; round < 5; round++) {
            ElfImage shared = ElfImage.read(libc);
            List<Integer> actual = IntStream.range(0, names.size()).parallel()
                    .mapToObj(i -> count(shared, names.get(i))).toList();
            assertEquals(expected, actual);
        }
    }

    private static int lookupCount(Path file, String name) {
        try {
            return ElfImage.read(file).definitions(name).size();
        } catch (ElfException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    private static int count(ElfImage image, String name) {
        try {
            return image.definitions(name).size();
        } catch (ElfException e) {
            throw new AssertionError(e.getMessage());
        }
    }
}
