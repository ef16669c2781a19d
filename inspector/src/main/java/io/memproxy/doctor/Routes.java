package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.VersionDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The shim's predicted decision for one executable, and who provides its malloc. */
final class Routes {
    static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";

    private Routes() {}

    static Route predict(Inspection in, String exe) throws ElfException {
        ObjectFile target = in.object(exe);
        ElfHeader h = target.image().header();
        if (h.isStatic()) {
            return new Route(exe, "none", "", "static executable", exe);
        }
        if (!h.interpreter().orElse(Inspection.SYSTEM_INTERPRETER).equals(Inspection.SYSTEM_INTERPRETER)) {
            return new Route(exe, "none", "", "other libc", "");
        }
        // Scope order: the executable, the preloads, then its needs (elf/dl-deps.c); the shim skips itself and libc.
        List<ObjectFile> scope = new ArrayList<>();
        scope.add(target);
        boolean secure = h.setuid() || h.setgid();
        for (Link l : in.chain()) {
            boolean droppedForSecure = secure && l.entry().contains("/") && !l.source().equals("/etc/ld.so.preload");
            if (l.loaded() && !droppedForSecure) {
                scope.add(l.object().get());
            }
        }
        for (String needed : target.image().dynamic().needed()) {
            Optional<String> p = PreloadText.searchDefault(in, needed);
            if (p.isPresent()) {
                try {
                    scope.add(in.object(p.get()));
                } catch (ElfException e) {
                    // ld.so would stop here; TargetCheck is not the place to report it.
                }
            }
        }
        String mallocFrom = "";
        for (ObjectFile o : scope) {
            if (o.exports("malloc")) {
                mallocFrom = o.path();
                break;
            }
        }
        if (mallocFrom.isEmpty()) {
            mallocFrom = LIBC;
        }
        if (scope.stream().noneMatch(ObjectFile::isShim)) {
            return new Route(exe, "none", "", "no shim in the chain", mallocFrom);
        }
        List<ObjectFile> objects = scope.stream().filter(o -> !o.isShim() && !o.isLibc()).toList();
        ShimModel.Decision d = ShimModel.decide(in.config(), in.realPath(exe).orElse(exe), secure, objects);
        return new Route(exe, d.route(), d.route().equals("allocator") ? d.allocator() : "", d.reason(), mallocFrom);
    }

    /** The newest GLIBC_x.y version libc defines (its version definitions), or "" when libc cannot be read. */
    static String glibcVersion(Inspection in) {
        try {
            String best = "";
            for (VersionDefinition v : in.object(LIBC).image().versionDefinitions()) {
                String n = v.name();
                if (n.startsWith("GLIBC_2.") && compare(n.substring(6), best) > 0) {
                    best = n.substring(6);
                }
            }
            return best;
        } catch (ElfException e) {
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
