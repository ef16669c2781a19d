package io.memproxy.output;

import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Route;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.shimmodel.ShimRoute;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A doctor or check run as node_exporter textfile-collector metrics (docs/ps-and-prometheus.md), so that
 * a fleet can alert on a broken chain: every severity, every check status and route is always present
 * (zero included), and each finding id that occurred gets its own sample.
 */
public final class DoctorPrometheus {
    private DoctorPrometheus() {}

    public static void write(Diagnosis d, long unixSeconds, PrintWriter out) {
        PrometheusText p = new PrometheusText(out);
        p.gauge("memproxy_doctor_healthy", "1 when the pre-install check found no error and every check ran.");
        p.sample("memproxy_doctor_healthy", d.count(Severity.ERROR) == 0 && d.crashedChecks() == 0 ? 1 : 0);
        p.gauge("memproxy_doctor_findings", "Findings of the doctor, by severity.");
        for (Severity s : Severity.values()) {
            p.sample("memproxy_doctor_findings", d.count(s), "severity", s.label());
        }
        p.gauge("memproxy_doctor_finding", "Findings of the doctor, by stable id (only ids that occurred).");
        Map<String, long[]> byId = new TreeMap<>();
        Map<String, String> severity = new TreeMap<>();
        for (Finding f : d.findings()) {
            byId.computeIfAbsent(f.id(), k -> new long[1])[0]++;
            severity.put(f.id(), f.severity().label());
        }
        byId.forEach((id, n) -> p.sample("memproxy_doctor_finding", n[0], "id", id, "severity", severity.get(id)));
        p.gauge("memproxy_doctor_checks", "Checks of the doctor, by outcome.");
        for (CheckResult.Status s : CheckResult.Status.values()) {
            p.sample("memproxy_doctor_checks", d.checks().stream().filter(c -> c.status() == s).count(), "status", s.label());
        }
        p.gauge("memproxy_doctor_routes", "Examined executables by the route the shim is predicted to take.");
        for (ShimRoute route : ShimRoute.values()) {
            p.sample("memproxy_doctor_routes", d.routes().stream().filter(r -> r.route() == route).count(), "route", route.word());
        }
        p.gauge("memproxy_doctor_last_run_timestamp_seconds", "Unix time of this run.");
        p.sample("memproxy_doctor_last_run_timestamp_seconds", unixSeconds);
        out.flush();
    }
}
