package io.memproxy.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** chain.cost's figures, written without java.util.Formatter, read exactly as the formatter wrote them. */
class ChainCostFiguresTest {
    @Test
    void sizesReadAsTheFormatterWroteThem() {
        List<Long> sizes = new ArrayList<>(List.of(0L, 1L, 1023L, 1024L, 1025L, 1024L * 1024 - 1, 1024L * 1024, 1024L * 1024 + 1,
                // Exact halves of a tenth (1.25 MiB, 2.75 MiB, 9.95 MiB), and one byte either side.
                1310720L, 1310719L, 1310721L, 2883584L, 10433331L, 10433332L, 104857600L, 2164260864L));
        Random r = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            sizes.add((long) r.nextInt(64 * 1024 * 1024));
        }
        for (long mib = 1; mib < 40; mib++) {
            for (long tenth = 0; tenth < 10; tenth++) {
                long b = mib * 1024 * 1024 + tenth * 1024 * 1024 / 10;
                sizes.addAll(List.of(b - 1, b, b + 1, b + 52428, b + 52429));
            }
        }
        for (long b : sizes) {
            String expected = b >= 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MiB", b / 1024.0 / 1024.0)
                    : String.format(Locale.ROOT, "%d KiB", (b + 1023) / 1024);
            assertEquals(expected, ChainCostCheck.size(b), "bytes " + b);
        }
    }

    @Test
    void countsAreGroupedAsTheFormatterGroupsThem() {
        List<Long> counts = new ArrayList<>(List.of(0L, 7L, 999L, 1000L, 6165L, 100_000L, 999_999L, 1_000_000L, -1L, -999L, -1000L,
                -123_456_789L, Long.MAX_VALUE, Long.MIN_VALUE));
        Random r = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            counts.add(r.nextLong() >> r.nextInt(64));
        }
        for (long n : counts) {
            assertEquals(String.format(Locale.ROOT, "%,d", n), ChainCostCheck.grouped(n), "count " + n);
        }
    }
}
