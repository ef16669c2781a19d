package io.memproxy.trial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a preload chain adds to every program start: the project's probe (one malloc, one free) started
 * {@code runs} times without and with the chain, interleaved (without, with, without, with …) so that a
 * machine getting busier slows both alike, each pair giving one difference. Wall time of each start comes from
 * memproxy-run (fork to wait4), so the JVM's own process start is not in it. The doctor's chain.cost and
 * trial's start-up column are this measurement.
 *
 * @param differenceMillis the per-pair differences (with minus without), summarised
 * @param withoutMillis    the starts without the chain
 * @param withMillis       the starts with it
 */
public record StartCost(Spread differenceMillis, Spread withoutMillis, Spread withMillis, double signTestP) {
    /** Starts of each kind by default: enough for a median of a ~1 ms start on a busy two-core machine. */
    public static final int DEFAULT_RUNS = 30;

    public static StartCost measure(Runner runner, Path probe, Map<String, String> without, Map<String, String> with, int runs)
            throws IOException, InterruptedException {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        List<String> argv = List.of(probe.getFileName().toString());
        // One start of each first, uncounted: the page cache and the loader's cache warm up for both.
        runner.run(probe.toString(), argv, without, 10_000, 0);
        runner.run(probe.toString(), argv, with, 10_000, 0);
        for (int i = 0; i < runs; i++) {
            Measurement x = runner.run(probe.toString(), argv, without, 10_000, 0);
            Measurement y = runner.run(probe.toString(), argv, with, 10_000, 0);
            if (x.interrupted() || y.interrupted()) {
                throw new InterruptedException("interrupted");
            }
            if (x.timedOut() || y.timedOut() || x.signal() != 0 || y.signal() != 0) {
                throw new IOException(probe + ": the probe " + (x.signal() != 0 || x.timedOut() ? x.ending() : y.ending() + " under the chain")
                        + " while its start-up was measured");
            }
            a.add(x.wallMillis());
            b.add(y.wallMillis());
            d.add(y.wallMillis() - x.wallMillis());
        }
        int slower = (int) d.stream().filter(x -> x > 0).count();
        int faster = (int) d.stream().filter(x -> x < 0).count();
        return new StartCost(Spread.of(d), Spread.of(a), Spread.of(b), Verdict.signTest(faster, slower));
    }

    /** Whether the chain's starts were slower in so many pairs that chance is unlikely (sign test, p ≤ 0.05). */
    public boolean consistentlySlower() {
        return differenceMillis.median() > 0 && signTestP <= Verdict.ALPHA;
    }

    /** "+1.32 ms (0.90 to 2.10) per start, 1.10 → 2.45 ms" */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%+.2f ms per start (pairs %+.2f to %+.2f), median %.2f ms without, %.2f ms with",
                differenceMillis.median(), differenceMillis.min(), differenceMillis.max(), withoutMillis.median(), withMillis.median());
    }
}
