package io.memproxy.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that decide when a difference is claimed: a winner only outside the noise. */
class VerdictTest {
    static List<Double> repeat(double... v) {
        List<Double> out = new ArrayList<>();
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    @Test
    void signTestMatchesTheBinomialTail() {
        assertEquals(2.0 / 64, Verdict.signTest(0, 6), 1e-12);
        assertEquals(2.0 * (1 + 10) / 1024, Verdict.signTest(1, 9), 1e-12);
        assertEquals(1.0, Verdict.signTest(5, 5), 1e-12);
        assertEquals(1.0, Verdict.signTest(0, 0), 1e-12);
    }

    @Test
    void aConsistentDifferenceIsClaimedInItsDirection() {
        List<Double> glibc = repeat(10, 11, 10.5, 12, 10, 10.2, 10.8, 11.1);
        List<Double> faster = glibc.stream().map(x -> x * 0.8).toList();
        Verdict v = Verdict.of(faster, glibc);
        assertEquals(Verdict.Outcome.LOWER, v.outcome());
        assertEquals(0.8, v.ratio().median(), 1e-9);
        assertEquals(Verdict.Outcome.HIGHER, Verdict.of(glibc.stream().map(x -> x * 1.3).toList(), glibc).outcome());
    }

    @Test
    void noWinnerInsideTheNoise() {
        List<Double> glibc = repeat(10, 10, 10, 10, 10, 10, 10, 10);
        List<Double> mixed = repeat(9, 11, 9.5, 10.5, 9.2, 10.8, 9.6, 10.4);
        Verdict v = Verdict.of(mixed, glibc);
        assertEquals(Verdict.Outcome.NOISE, v.outcome());
        assertTrue(v.describe("faster", "slower").startsWith("within the noise"), v.describe("faster", "slower"));
        Verdict wide = Verdict.of(repeat(3, 20, 4, 25, 5, 18), repeat(10, 10, 10, 10, 10, 10));
        assertTrue(wide.describe("faster", "slower").startsWith("spread too wide to conclude"), wide.describe("faster", "slower"));
    }

    @Test
    void aTinyConsistentDifferenceIsNotWorthActingOn() {
        List<Double> glibc = repeat(10, 10, 10, 10, 10, 10, 10, 10);
        assertEquals(Verdict.Outcome.SAME, Verdict.of(glibc.stream().map(x -> x * 1.01).toList(), glibc).outcome());
    }

    @Test
    void fewerThanSixPairsNeverDecide() {
        List<Double> glibc = repeat(10, 10, 10, 10, 10);
        assertEquals(Verdict.Outcome.TOO_FEW, Verdict.of(glibc.stream().map(x -> x * 2).toList(), glibc).outcome());
        // A pair with a run that did not end normally (NaN) is left out.
        assertEquals(Verdict.Outcome.TOO_FEW, Verdict.of(repeat(5, 5, 5, 5, 5, Double.NaN), repeat(10, 10, 10, 10, 10, 10)).outcome());
    }

    @Test
    void spreadIsOrderedAndTheMedianOfAnEvenSampleIsTheMiddlePairsMean() {
        Spread s = Spread.of(repeat(4, 1, 3, 2));
        assertEquals(2.5, s.median());
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertTrue(Spread.of(List.of()).empty());
    }
}
