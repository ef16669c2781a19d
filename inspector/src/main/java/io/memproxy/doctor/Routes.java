package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.VersionDefinition;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.shimmodel.MappedObject;
import io.memproxy.shimmodel.ShimModel;
import io.memproxy.shimmodel.ShimRoute;
import java.util.ArrayList;
import java.util.List;

/** The shim's predicted decision for one executable, and who provides its malloc. */
final class Routes {

    private Routes() {}

    static Route predict(Inspection in, String exe) throws ElfException {
        ExecutableProfile target = in.profile(exe);
        if (target.is(ExecutableClass.STATIC)) {
            return new Route(exe, ShimRoute.NONE, "", "static executable", exe);
        }
        if (target.is(ExecutableClass.OTHER_LIBC)) {
            return new Route(exe, ShimRoute.NONE, "", "other libc", "");
        }
        String mallocFrom = in.mallocProvider(exe);
        List<MappedObject> process = in.loadOrder(exe);
        boolean shim = false;
        boolean shimProvides = false;
        boolean libc = false;
        // The shim walks the process's objects in load order and skips itself and libc (shim/src/memproxy.c: decide).
        List<MappedObject> objects = new ArrayList<>();
        for (MappedObject o : process) {
            shim |= o.isShim();
            shimProvides |= o.isShim() && o.path().equals(mallocFrom);
            libc |= o.isLibc();
            if (!o.isShim() && !o.isLibc()) {
                objects.add(o);
            }
        }
        if (!shim) {
            return new Route(exe, ShimRoute.NONE, "", "no shim in the process", mallocFrom);
        }
        if (!shimProvides) {
            // Nothing calls the shim's malloc, so it never decides.
            return new Route(exe, ShimRoute.NONE, "", "shim bypassed", mallocFrom);
        }
        ShimModel.Decision d = ShimModel.decide(in.config(), in.realPath(exe).orElse(exe), in.secure(exe), List.copyOf(objects), !libc);
        return new Route(exe, d.route(), d.route() == ShimRoute.ALLOCATOR ? d.allocator() : "", d.reason().word(), mallocFrom);
    }

    /** The newest GLIBC_x.y version libc defines (its version definitions), or "" when libc cannot be read. */
    static String glibcVersion(Inspection in) {
        try {
            String best = "";
            String libc = "/lib/" + in.referenceMap().rules().dstLib().substring(4) + "/libc.so.6";
            for (VersionDefinition v : in.object(libc).image().versionDefinitions()) {
                String n = v.name();
                if (n.startsWith("GLIBC_2.") && compare(n.substring(6), best) > 0) {
                    best = n.substring(6);
                }
            }
            return best;
        } catch (ElfException | RuntimeException e) {
            return "";
        }
    }

    private static int compare(String a, String b) {
        if (b.isEmpty()) {
            return 1;
        }
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
