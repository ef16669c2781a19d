package io.memproxy.trial;

import java.util.Optional;

/**
 * One way of running the command: plain glibc without any preload, glibc through the shim (the program on a
 * temporary exclusion list), or one allocator through the shim.
 *
 * @param name      "glibc", "system" or the allocator's name; the label in every output
 * @param chain     the LD_PRELOAD value; empty for glibc
 * @param allocator the allocator loaded (for the system route, the one loaded but not used); "" for glibc
 * @param config    the temporary exclusion list's text, given to the shim through MEMPROXY_CONF
 */
public record TrialRoute(String name, Optional<String> chain, String allocator, String config) {
    public static final String GLIBC = "glibc";
    public static final String SYSTEM = "system";

    public static TrialRoute glibc() {
        return new TrialRoute(GLIBC, Optional.empty(), "", "");
    }

    /** The programs are on the exclusion list: they stay on glibc with the shim and the allocator loaded. */
    public static TrialRoute system(String shim, String allocatorName, String allocatorPath, java.util.Collection<String> excluded) {
        return new TrialRoute(SYSTEM, Optional.of(shim + ":" + allocatorPath), allocatorName, exclusionList(excluded));
    }

    /** The system route's exclusion list: one line per program name (the shim compares file names). */
    static String exclusionList(java.util.Collection<String> names) {
        return "# memproxy trial: the system route\n" + String.join("\n", names) + "\n";
    }

    public TrialRoute withConfig(String text) {
        return new TrialRoute(name, chain, allocator, text);
    }

    public static TrialRoute allocator(String shim, String allocatorName, String allocatorPath) {
        return new TrialRoute(allocatorName, Optional.of(shim + ":" + allocatorPath), allocatorName,
                "# memproxy trial: the " + allocatorName + " route\n@allocator " + allocatorName + "\n");
    }

    public boolean isGlibc() {
        return chain.isEmpty();
    }

    public boolean isAllocator() {
        return !isGlibc() && !name.equals(SYSTEM);
    }

    /** What the shim's MEMPROXY_DEBUG line must say for the command's executable on this route. */
    public String expectedRoute() {
        return isAllocator() ? "route=allocator allocator=" + allocator : "route=system";
    }

    /** For people: "glibc, no preload", "glibc through the shim (excluded; jemalloc loaded)", "jemalloc through the shim". */
    public String description() {
        if (isGlibc()) {
            return "glibc, no preload";
        }
        return isAllocator() ? allocator + " through the shim" : "glibc through the shim (program excluded, " + allocator + " loaded)";
    }
}
