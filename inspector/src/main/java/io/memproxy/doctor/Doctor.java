package io.memproxy.doctor;

import io.memproxy.shimmodel.ShimRoute;
import java.util.ArrayList;
import java.util.List;

/** Runs every check on one inspection; a check that throws is recorded as crashed and the run goes on. */
public final class Doctor {
    private final List<Check> checks;

    public Doctor(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The checks of a full doctor run, in the order they are reported. */
    public static Doctor standard() {
        return new Doctor(List.of(new ChainCheck(), new ClassCheck(), new OrderCheck(), new AllocatorCheck(), new BindingCheck(),
                new SystemRouteCheck(), new TargetCheck(), new SecureCheck(), new ConfigCheck(), new ChainCostCheck(java.util.Optional.empty())));
    }

    /** The standard checks and the probe, which runs {@code probe} under the chain for at most {@code timeoutSeconds} a run. */
    public static Doctor withProbe(java.nio.file.Path probe, int timeoutSeconds) {
        return withProbe(probe, timeoutSeconds, java.util.Optional.empty());
    }

    /** The same, the probe run under an emulator for an image of another architecture. */
    public static Doctor withProbe(java.nio.file.Path probe, int timeoutSeconds, java.util.Optional<ProbeCheck.Emulator> emulator) {
        List<Check> all = new ArrayList<>();
        for (Check c : standard().checks) {
            // With the probe, the chain's start-up cost is measured too (memproxy-run sits beside the probe).
            all.add(c instanceof ChainCostCheck ? new ChainCostCheck(java.util.Optional.of(new ChainCostCheck.Measure(probe,
                    probe.resolveSibling("memproxy-run"), io.memproxy.trial.StartCost.DEFAULT_RUNS))) : c);
        }
        all.add(new ProbeCheck(probe, timeoutSeconds, emulator));
        return new Doctor(all);
    }

    /** Where the probe program is installed: next to the inspector's jar (or its classes). */
    public static java.nio.file.Path probeProgram() {
        return ProbeCheck.nextToCode(Doctor.class).orElse(java.nio.file.Path.of("memproxy-probe"));
    }

    /** Runs the checks and gathers what the outputs show besides the findings. */
    public Diagnosis diagnose(Inspection inspection, String memproxyVersion) {
        inspection.prepare();
        List<CheckResult> results = run(inspection);
        List<ChainEntry> chain = new ArrayList<>();
        for (Link l : inspection.chain()) {
            chain.add(new ChainEntry(l.entry(), l.source(), l.path(), l.role(), l.reason()));
        }
        chain = List.copyOf(chain);
        List<Route> routes = new ArrayList<>();
        for (String exe : inspection.targets()) {
            try {
                routes.add(Routes.predict(inspection, exe));
            } catch (Exception e) {
                routes.add(new Route(exe, ShimRoute.NONE, "", "unreadable: " + e.getMessage(), ""));
            }
        }
        List<AllocatorBinding> bindings = new ArrayList<>();
        for (String exe : inspection.targets()) {
            try {
                if (inspection.routable(exe)) {
                    bindings.addAll(inspection.bindings(exe));
                }
            } catch (Exception e) {
                // An unreadable target has no binding table; its checks say why.
            }
        }
        return new Diagnosis(memproxyVersion, Routes.glibcVersion(inspection), inspection.configSource().path(), chain, routes,
                bindings, results);
    }

    public List<CheckResult> run(Inspection inspection) {
        List<CheckResult> results = new ArrayList<>();
        for (Check check : checks) {
            try {
                results.add(new CheckResult(check.name(), check.title(), check.run(inspection), java.util.Optional.empty()));
            } catch (Exception | LinkageError | StackOverflowError | OutOfMemoryError e) {
                results.add(CheckResult.crashed(check, e));
            }
        }
        return results;
    }
}
