package io.memproxy.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a route differs from glibc on one quantity, from the ratios of runs made side by side (route / glibc
 * in the same round). A direction is declared only when a sign test over the pairs says chance is unlikely
 * (p ≤ 0.05: at least 6 pairs, nearly all on the same side) and the median ratio is at least 3 % from 1;
 * anything else is "within the noise", never a winner.
 *
 * @param outcome what can be said
 * @param ratio   the paired ratios, summarised
 * @param p       the sign test's two-sided p-value
 */
public record Verdict(Outcome outcome, Spread ratio, double p) {
    public enum Outcome { LOWER, HIGHER, SAME, NOISE, TOO_FEW }

    static final int MIN_PAIRS = 6;
    static final double ALPHA = 0.05;
    static final double MIN_EFFECT = 0.03;
    /** Ratios spreading wider than this (max / min) on an undecided test: the machine is too noisy. */
    static final double WIDE = 1.5;

    public static Verdict of(List<Double> routeValues, List<Double> glibcValues) {
        List<Double> ratios = new ArrayList<>();
        int lower = 0;
        int higher = 0;
        for (int i = 0; i < Math.min(routeValues.size(), glibcValues.size()); i++) {
            double a = routeValues.get(i);
            double b = glibcValues.get(i);
            if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
                continue;
            }
            ratios.add(a / b);
            lower += a < b ? 1 : 0;
            higher += a > b ? 1 : 0;
        }
        Spread r = Spread.of(ratios);
        double p = signTest(lower, higher);
        if (ratios.size() < MIN_PAIRS) {
            return new Verdict(Outcome.TOO_FEW, r, p);
        }
        if (p <= ALPHA && Math.abs(r.median() - 1) >= MIN_EFFECT) {
            return new Verdict(r.median() < 1 ? Outcome.LOWER : Outcome.HIGHER, r, p);
        }
        return new Verdict(p <= ALPHA ? Outcome.SAME : Outcome.NOISE, r, p);
    }

    /** Two-sided sign test: the chance of a split at least this uneven if each pair were a coin toss. */
    static double signTest(int lower, int higher) {
        int n = lower + higher;
        if (n == 0) {
            return 1;
        }
        int k = Math.min(lower, higher);
        double tail = 0;
        double c = 1; // C(n, i)
        for (int i = 0; i <= k; i++) {
            tail += c;
            c = c * (n - i) / (i + 1);
        }
        return Math.min(1, 2 * tail / Math.pow(2, n));
    }

    public boolean decided() {
        return outcome == Outcome.LOWER || outcome == Outcome.HIGHER;
    }

    /** The median ratio as a signed percentage: "-12 %". */
    public String percent() {
        return String.format(Locale.ROOT, "%+.0f %%", (ratio.median() - 1) * 100);
    }

    /** What can be said, with the words for this quantity ("faster"/"slower", "less"/"more memory"). */
    public String describe(String lowerWord, String higherWord) {
        String range = String.format(Locale.ROOT, "%.2f–%.2f", ratio.min(), ratio.max());
        return switch (outcome) {
            case LOWER -> lowerWord + " (" + percent() + ", paired ratios " + range + ")";
            case HIGHER -> higherWord + " (" + percent() + ", paired ratios " + range + ")";
            case SAME -> "no difference worth acting on (" + percent() + ", under 3 %)";
            case TOO_FEW -> ratio.count() == 0 ? "not compared (no round where both ended normally)"
                    : "too few runs to tell (" + ratio.count() + " pairs; at least " + MIN_PAIRS + " needed)";
            case NOISE -> ratio.max() / ratio.min() > WIDE
                    ? "spread too wide to conclude (paired ratios " + range + "): more --runs, or a quieter machine"
                    : "within the noise (paired ratios " + range + ")";
        };
    }
}
