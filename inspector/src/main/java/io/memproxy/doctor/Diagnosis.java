package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.List;

/**
 * Everything one doctor run established: the facts it looked at and what each check found.
 *
 * @param memproxyVersion the inspector's version
 * @param glibcVersion    the newest GLIBC_x.y version libc defines, or "" when libc was not read
 * @param config          the exclusion list that was examined
 */
public record Diagnosis(String memproxyVersion, String glibcVersion, String config, List<ChainEntry> chain,
        List<Route> routes, List<AllocatorBinding> bindings, List<CheckResult> checks) {
    public Diagnosis {
        chain = List.copyOf(chain);
        routes = List.copyOf(routes);
        bindings = List.copyOf(bindings);
        checks = List.copyOf(checks);
    }

    public List<Finding> findings() {
        return checks.stream().flatMap(c -> c.findings().stream()).toList();
    }

    public long count(Severity severity) {
        return findings().stream().filter(f -> f.severity() == severity).count();
    }

    public long crashedChecks() {
        return checks.stream().filter(c -> c.crash().isPresent()).count();
    }

    public long passedChecks() {
        return checks.stream().filter(c -> c.status() == CheckResult.Status.OK).count();
    }
}
