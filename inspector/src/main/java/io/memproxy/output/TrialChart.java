package io.memproxy.output;

import io.memproxy.trial.Analysis;
import io.memproxy.trial.Spread;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The trial as an SVG picture: wall time and peak RSS per route, a bar for the median and a whisker from
 * the fastest to the slowest run, glibc in grey, a route whose behaviour differs in red. Written by hand:
 * a few dozen elements do not need a graphics library, and the test parses the result as XML.
 */
public final class TrialChart {
    private TrialChart() {}

    static final int WIDTH = 760;
    static final int LABEL = 110;
    static final int BAR = 22;
    static final int GAP = 12;

    public static String svg(Analysis.Report r) {
        List<Analysis.RouteReport> routes = r.routes();
        int panel = 40 + routes.size() * (BAR + GAP) + 20;
        int height = 50 + 2 * panel;
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"13\">%n", WIDTH, height, WIDTH, height));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        String command = TrialReports.commandLine(r.result().target().argv());
        // The picture is a fixed width: a long command line is cut, the JSON and the text keep it whole.
        command = command.length() > 80 ? command.substring(0, 79) + "…" : command;
        text(b, 12, 24, "memproxy trial: " + command, "font-size=\"15\" font-weight=\"bold\"");
        panel(b, routes, 50, "Wall time, ms (bar: median, line: fastest to slowest run)", "time", Analysis.RouteReport::wallMillis, 1);
        panel(b, routes, 50 + panel, "Peak RSS, MiB (bar: median, line: smallest to largest run)", "memory", Analysis.RouteReport::maxRssKb,
                1024);
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, List<Analysis.RouteReport> routes, int top, String title, String kind,
            Function<Analysis.RouteReport, Spread> value, double unit) {
        b.append("<g class=\"panel ").append(kind).append("\">\n");
        text(b, 12, top + 18, title, "font-weight=\"bold\"");
        double max = routes.stream().map(value).filter(s -> !s.empty()).mapToDouble(Spread::max).max().orElse(1) / unit;
        max = max <= 0 ? 1 : max * 1.15;
        int plot = WIDTH - LABEL - 90;
        int y = top + 34;
        for (Analysis.RouteReport a : routes) {
            Spread s = value.apply(a);
            String colour = a.route().isGlibc() ? "#8a8a8a" : !a.differences().isEmpty() ? "#c0392b" : "#2c6fbb";
            text(b, 12, y + BAR - 6, a.route().name(), "");
            double median = s.empty() ? 0 : s.median() / unit;
            double w = median / max * plot;
            b.append(String.format(Locale.ROOT, "<rect class=\"bar %s\" data-route=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>%s: %s</title></rect>%n", kind, esc(a.route().name()), LABEL, y, w, BAR, colour,
                    esc(a.route().name()), s.empty() ? "no runs" : String.format(Locale.ROOT, "median %.2f, min %.2f, max %.2f",
                            median, s.min() / unit, s.max() / unit)));
            if (!s.empty()) {
                double x1 = LABEL + s.min() / unit / max * plot;
                double x2 = LABEL + s.max() / unit / max * plot;
                int mid = y + BAR / 2;
                b.append(String.format(Locale.ROOT, "<path class=\"range\" d=\"M%.1f %dH%.1fM%.1f %dV%dM%.1f %dV%d\" stroke=\"black\""
                        + " stroke-width=\"1.5\" fill=\"none\"/>%n", x1, mid, x2, x1, mid - 6, mid + 6, x2, mid - 6, mid + 6));
                text(b, (int) Math.round(Math.max(x2, LABEL + w)) + 8, y + BAR - 6, String.format(Locale.ROOT, "%.1f", median), "");
            }
            y += BAR + GAP;
        }
        b.append("</g>\n");
    }

    private static void text(StringBuilder b, int x, int y, String s, String attributes) {
        b.append("<text x=\"").append(x).append("\" y=\"").append(y).append('"')
                .append(attributes.isEmpty() ? "" : " " + attributes).append('>').append(esc(s)).append("</text>\n");
    }

    /** XML text and attribute escaping; characters XML 1.0 cannot hold at all are dropped. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c > 0xFFFF) {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }
}
