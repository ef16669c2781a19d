package io.memproxy.trial;

import java.util.Arrays;
import java.util.List;

/** Median, minimum and maximum of a sample: what every table shows, since means hide a noisy machine's outliers. */
public record Spread(double median, double min, double max, int count) {
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    public boolean empty() {
        return count == 0;
    }
}
