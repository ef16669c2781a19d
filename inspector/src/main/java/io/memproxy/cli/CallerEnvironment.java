package io.memproxy.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loader variables of the environment memproxy was started in: by default they describe the
 * examined program's environment, as for ldd. The launcher (bin/memproxy) renames each to
 * MEMPROXY_CALLER_&lt;NAME&gt; and unsets it, so that an exported LD_PRELOAD shapes the examined
 * program and not the JVM that examines it; started as plain {@code java -jar}, the names are read as they are.
 */
public record CallerEnvironment(Map<String, String> loaderVariables) {
    /** What ld.so reads from the environment and memproxy emulates. */
    public static final List<String> NAMES = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_DYNAMIC_WEAK", "LD_BIND_NOW");
    /** The prefix the launcher passes them under (one home for the name: bin/memproxy uses the same). */
    public static final String PREFIX = "MEMPROXY_CALLER_";

    public static CallerEnvironment detect() {
        return from(System.getenv());
    }

    /** No loader variables: what tests start from, and what --ignore-env asks for. */
    public static CallerEnvironment none() {
        return new CallerEnvironment(Map.of());
    }

    static CallerEnvironment from(Map<String, String> env) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String name : NAMES) {
            String v = env.containsKey(PREFIX + name) ? env.get(PREFIX + name) : env.get(name);
            if (v != null) {
                vars.put(name, v);
            }
        }
        return new CallerEnvironment(Map.copyOf(vars));
    }
}
