package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.shimmodel.MappedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The system route: glibc's own functions, which the shim looks up in libc.so.6 itself (shim/src/memproxy.c:
 * route_system), and what dlsym(RTLD_NEXT, …) from the shim would return instead (elf/dl-sym.c), for the
 * chain as it is ordered.
 */
public final class SystemRouteCheck implements Check {
    /** What the system route calls in libc (shim/src/memproxy.c: system_names). */
    static final List<String> SYSTEM_FUNCTIONS = List.of("malloc", "free", "calloc", "realloc", "memalign",
            "malloc_usable_size", "malloc_trim");

    @Override
    public String name() {
        return "system-route";
    }

    @Override
    public String title() {
        return "glibc behind the shim";
    }

    @Override
    public List<Finding> run(Inspection in) throws Exception {
        List<Finding> out = new ArrayList<>();
        Optional<String> exe = Optional.empty();
        for (String e : in.targets()) {
            if (in.routable(e) && in.shimPath(e).isPresent()) {
                exe = Optional.of(e);
                break;
            }
        }
        if (exe.isEmpty()) {
            return out;
        }
        Optional<LinkMapEntry> libc = Optional.empty();
        for (LinkMapEntry l : in.linkMap(exe.get()).loadOrder()) {
            if (l.found() && l.soname().orElse("").equals("libc.so.6")) {
                libc = Optional.of(l);
                break;
            }
        }
        if (libc.isEmpty()) {
            out.add(Finding.error("system-route.unreachable", exe.get(), exe.get() + " loads no libc.so.6: the shim has no system route",
                    "the shim is for glibc programs; exclude this one"));
            return out;
        }
        MappedObject glibc = in.object(libc.get());
        List<String> missing = new ArrayList<>();
        for (String f : SYSTEM_FUNCTIONS) {
            if (!glibc.shimFinds(f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            out.add(Finding.error("system-route.unreachable", glibc.path(),
                    glibc.path() + " does not define " + String.join(", ", missing) + ": the shim falls back to the __libc_* aliases,"
                            + " which tcmalloc and mimalloc also export, so excluded programs may reach the allocator",
                    "use the distribution's glibc"));
            return out;
        }
        String next = in.rtldNext(exe.get(), "malloc").orElse("nothing");
        boolean toGlibc = next.equals(glibc.path());
        out.add(Finding.info("system-route.reachable", glibc.path(),
                "the system route calls glibc's " + String.join(", ", SYSTEM_FUNCTIONS) + " in " + glibc.path()
                        + ", found in libc itself; dlsym(RTLD_NEXT, \"malloc\") from the shim gives " + next
                        + (toGlibc ? "" : " (not glibc, which is why the system route does not use RTLD_NEXT)")));
        return out;
    }
}
