package io.memproxy.output;

import io.memproxy.ps.ProcessInfo;
import io.memproxy.ps.ProcessTable;
import io.memproxy.shimmodel.ShimRoute;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outputs of memproxy ps. */
public final class PsReports {
    private PsReports() {}

    /** The routes and flags every output counts, in this order (metric labels are taken from here). */
    public static final List<ShimRoute> ROUTES = List.of(ShimRoute.ALLOCATOR, ShimRoute.SYSTEM, ShimRoute.NONE);
    public static final List<String> FLAGS = List.of("started-before-install", "no-shim", "allocator-missing",
            "second-allocator", "config-changed", "exe-deleted");
    /** The flags that are memproxy problems (ps exits 1); the others qualify the prediction. */
    public static final List<String> PROBLEMS = FLAGS.subList(0, 4);

    public static void text(ProcessTable.Result r, PrintWriter out) {
        out.println(String.format("%7s  %-9s  %-9s  %-24s  %-4s  %s", "PID", "ROUTE", "ALLOCATOR", "REASON", "SHIM", "EXE"));
        for (ProcessInfo p : r.processes()) {
            String alloc = p.allocator().isEmpty() ? "-" : p.allocator();
            String line = String.format("%7d  %-9s  %-9s  %-24s  %-4s  %s", p.pid(), p.route().word(), alloc, p.reason(),
                    p.shim().isPresent() ? "yes" : "no", p.exe());
            if (!p.flags().isEmpty()) {
                line += "  [" + String.join(", ", p.flags()) + "]";
            }
            out.println(line);
        }
        out.println(summary(r));
        out.flush();
    }

    static String summary(ProcessTable.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(r.processes().size()).append(" processes: ")
                .append(r.count(ShimRoute.ALLOCATOR)).append(" on an allocator, ")
                .append(r.count(ShimRoute.SYSTEM)).append(" on glibc through the shim, ")
                .append(r.count(ShimRoute.NONE)).append(" without the shim");
        long before = r.flagged("started-before-install");
        if (before > 0) {
            b.append(" (").append(before).append(" started before memproxy was installed: restart them)");
        }
        b.append(r.installedAt().isPresent() ? "" : "; memproxy is not in /etc/ld.so.preload");
        if (r.unreadable() > 0) {
            b.append("; ").append(r.unreadable()).append(" could not be read, skipped (another user's without privilege, or gone mid-read)");
        }
        if (r.gone() > 0) {
            b.append("; ").append(r.gone()).append(" exited or not found");
        }
        b.append("; ").append(r.kernelThreads()).append(" kernel threads");
        return b.toString();
    }

    /** The version of ps's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    record Document(int schemaVersion, String memproxyVersion, Long installedAt, List<Process> processes, Totals summary)
            implements Json.Document {}

    record Process(long pid, String exe, long startedAt, String shim, List<String> allocatorLibraries, boolean secure,
            String route, String allocator, String reason, List<String> flags) {}

    /** Keys of {@code routes} and {@code flags} are the route and flag words. */
    record Totals(int processes, Map<String, Long> routes, Map<String, Long> flags, long unreadable, long gone, long kernelThreads) {}

    /** The JSON document (docs/json.md, "ps"). */
    public static void json(ProcessTable.Result r, String memproxyVersion, PrintWriter out) {
        Map<String, Long> routes = new LinkedHashMap<>();
        ROUTES.forEach(route -> routes.put(route.word(), r.count(route)));
        Map<String, Long> flags = new LinkedHashMap<>();
        FLAGS.forEach(f -> flags.put(f, r.flagged(f)));
        Json.write(new Document(SCHEMA_VERSION, memproxyVersion, r.installedAt().orElse(null),
                r.processes().stream().map(p -> new Process(p.pid(), p.exe(), p.startedAt(), p.shim().orElse(""), p.allocators(),
                        p.secure(), p.route().word(), p.allocator(), p.reason(), p.flags())).toList(),
                new Totals(r.processes().size(), routes, flags, r.unreadable(), r.gone(), r.kernelThreads())), out);
    }

    public static void prometheus(ProcessTable.Result r, long unixSeconds, PrintWriter out) {
        PrometheusText p = new PrometheusText(out);
        p.gauge("memproxy_ps_processes", "Running processes by the route their malloc takes (memproxy ps).");
        for (ShimRoute route : ROUTES) {
            p.sample("memproxy_ps_processes", r.count(route), "route", route.word());
        }
        p.gauge("memproxy_ps_allocator_processes", "Running processes routed to each allocator.");
        r.processes().stream().map(ProcessInfo::allocator).filter(a -> !a.isEmpty()).distinct().sorted()
                .forEach(a -> p.sample("memproxy_ps_allocator_processes",
                        r.processes().stream().filter(x -> x.allocator().equals(a)).count(), "allocator", a));
        p.gauge("memproxy_ps_flagged_processes", "Running processes that need attention, by flag.");
        for (String f : FLAGS) {
            p.sample("memproxy_ps_flagged_processes", r.flagged(f), "flag", f);
        }
        p.gauge("memproxy_ps_unreadable_processes", "Processes whose /proc files could not be read.");
        p.sample("memproxy_ps_unreadable_processes", r.unreadable());
        p.gauge("memproxy_ps_installed", "1 when /etc/ld.so.preload names libmemproxy.so.");
        p.sample("memproxy_ps_installed", r.installedAt().isPresent() ? 1 : 0);
        p.gauge("memproxy_ps_last_run_timestamp_seconds", "Unix time of this memproxy ps run.");
        p.sample("memproxy_ps_last_run_timestamp_seconds", unixSeconds);
        out.flush();
    }
}
