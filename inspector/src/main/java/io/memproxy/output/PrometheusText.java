package io.memproxy.output;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The Prometheus text exposition format as node_exporter's textfile collector reads it: a HELP and a
 * TYPE line per metric, then its samples; no timestamps (the collector rejects them), so the time of a
 * run is a gauge of its own. Metric names are a public interface (docs/ps-and-prometheus.md).
 */
public final class PrometheusText {
    private final PrintWriter out;

    public PrometheusText(PrintWriter out) {
        this.out = out;
    }

    /** Starts a gauge: its HELP and TYPE lines. */
    public PrometheusText gauge(String name, String help) {
        out.print("# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n");
        out.print("# TYPE " + name + " gauge\n");
        return this;
    }

    /** One sample; {@code labels} alternate names and values. */
    public PrometheusText sample(String name, double value, String... labels) {
        StringBuilder b = new StringBuilder(name);
        if (labels.length > 0) {
            b.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            b.append('}');
        }
        b.append(' ').append(format(value)).append('\n');
        out.print(b);
        return this;
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
