package io.memproxy.trial;

import java.util.List;

/**
 * Everything a trial ran, complete or not.
 *
 * @param rounds      counted rounds completed by every route
 * @param interrupted whether the trial was stopped before its end
 * @param programs    the file names of the programs the shim decided for in the command (the command's first),
 *                    as the allocator routes' checks saw them: what an exclusion list must name
 */
public record TrialResult(Target target, Trial.Plan plan, List<RouteRuns> routes, int rounds, boolean interrupted,
        List<String> programs) {
    public TrialResult {
        routes = List.copyOf(routes);
        programs = List.copyOf(programs);
    }
}
