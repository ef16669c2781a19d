package io.memproxy.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What one route's runs gave, as they come in; the analysis reads it, complete or interrupted. */
public final class RouteRuns {
    private TrialRoute route;
    private final List<Measurement> warmups = new ArrayList<>();
    private final List<Measurement> counted = new ArrayList<>();
    private String check = "not checked (--warmup 0)";
    private Optional<StartCost> startup = Optional.empty();

    public RouteRuns(TrialRoute route) {
        this.route = route;
    }

    public TrialRoute route() {
        return route;
    }

    /** Uncounted runs, the route check included: their behaviour still counts. */
    public List<Measurement> warmups() {
        return List.copyOf(warmups);
    }

    /** The counted runs, in round order: the i-th ran in round i, next to the other routes' i-th. */
    public List<Measurement> counted() {
        return List.copyOf(counted);
    }

    /** What the shim said about the command on this route ("route=allocator allocator=jemalloc reason=…"). */
    public String check() {
        return check;
    }

    /** The extra start-up time of the route's chain, measured with the probe. */
    public Optional<StartCost> startup() {
        return startup;
    }

    void route(TrialRoute r) {
        route = r;
    }

    void addWarmup(Measurement m) {
        warmups.add(m);
    }

    void addCounted(Measurement m) {
        counted.add(m);
    }

    void check(String text) {
        check = text;
    }

    void startup(StartCost c) {
        startup = Optional.of(c);
    }
}
