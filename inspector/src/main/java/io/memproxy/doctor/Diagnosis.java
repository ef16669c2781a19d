package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
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
        List<Finding> out = new ArrayList<>();
        for (CheckResult c : checks) {
            out.addAll(c.findings());
        }
        return List.copyOf(out);
    }

    public long count(Severity severity) {
        long n = 0;
        for (Finding f : findings()) {
            n += f.severity() == severity ? 1 : 0;
        }
        return n;
    }

    public long crashedChecks() {
        long n = 0;
        for (CheckResult c : checks) {
            n += c.crash().isPresent() ? 1 : 0;
        }
        return n;
    }

    public long passedChecks() {
        long n = 0;
        for (CheckResult c : checks) {
            n += c.status() == CheckResult.Status.OK ? 1 : 0;
        }
        return n;
    }
}
