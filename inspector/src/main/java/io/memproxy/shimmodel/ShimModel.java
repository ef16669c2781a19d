package io.memproxy.shimmodel;

import io.memproxy.config.AllocatorProfile;
import io.memproxy.config.ConfigFile;
import io.memproxy.config.ConfigGrammar;
import io.memproxy.config.ExclusionList;
import io.memproxy.config.Role;
import io.memproxy.elf.MalformedElfException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The shim's decision, predicted from files: a port of shim/src/config.c (mp_decide) over ELF symbol tables. */
public final class ShimModel {
    private ShimModel() {}

    /** What the shim will decide for one process, and the object holding the allocator if any. */
    public record Decision(String route, String allocator, String reason, Optional<Exports> provider) {}

    /** The shim's view of one loaded object: whether its lookup finds a function there (shim/src/elfsym.c). */
    public interface Exports {
        boolean shimFinds(String name) throws MalformedElfException;
    }

    /** The first profile (in the shim's order) the object provides: its marker and every role but trim. */
    public static Optional<AllocatorProfile> profileOf(ObjectFile o) {
        for (AllocatorProfile p : AllocatorProfile.ALL) {
            if (provides(o, p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static boolean provides(Exports o, AllocatorProfile p) {
        try {
            if (p.marker().isPresent() && !o.shimFinds(p.marker().get())) {
                return false;
            }
            for (Role r : Role.values()) {
                if (r != Role.TRIM && !o.shimFinds(p.symbol(r))) {
                    return false;
                }
            }
            return true;
        } catch (MalformedElfException e) {
            return false;
        }
    }

    /**
     * @param config  the exclusion list as the shim would read it
     * @param exePath the executable with links resolved (/proc/self/exe), or "" when unknown
     * @param secure  AT_SECURE: set-user-ID, set-group-ID or file capabilities
     * @param objects the process's objects in load order, without the shim and libc
     */
    public static Decision decide(ConfigFile config, String exePath, boolean secure, List<? extends Exports> objects) {
        return decide(config, exePath, secure, objects, false);
    }

    /**
     * @param libcMissing libc.so.6 is not among the process's objects: the shim has no system route, so the
     *                    first allocator in the chain serves the process whatever the list says (reason
     *                    libc-missing), and with none the shim stops the process (shim/src/config.c: libc_missing)
     */
    public static Decision decide(ConfigFile config, String exePath, boolean secure, List<? extends Exports> objects,
            boolean libcMissing) {
        ExclusionList list = config.list().orElse(ConfigGrammar.parse(new byte[0]));
        if (libcMissing) {
            for (Exports o : objects) {
                for (AllocatorProfile p : AllocatorProfile.ALL) {
                    if (provides(o, p)) {
                        return new Decision("allocator", p.name(), "libc-missing", Optional.of(o));
                    }
                }
            }
            return system("libc-missing");
        }
        switch (config.state()) {
            case UNREADABLE -> { return system("config-unreadable"); }
            case NOT_REGULAR -> { return system("config-not-regular"); }
            case TOO_LARGE -> { return system("config-too-large"); }
            default -> { }
        }
        if (!list.bad().isEmpty()) {
            return system("bad-config");
        }
        if (secure && !list.secureAllocator()) {
            return system("secure-exec");
        }
        if (exePath.isEmpty()) {
            return system("exe-unknown");
        }
        if (config.state() == ConfigFile.State.READ && list.lists(exePath)) {
            return system("excluded");
        }
        if (list.mode().equals("none")) {
            return system("forced");
        }
        String ok = config.state() == ConfigFile.State.MISSING ? "no-config" : "not-excluded";
        if (list.mode().equals("custom")) {
            for (String symbol : list.custom().values()) {
                if (objects.stream().noneMatch(o -> finds(o, symbol))) {
                    return system("allocator-missing");
                }
            }
            Optional<Exports> first = objects.stream().filter(o -> finds(o, list.custom().get(Role.MALLOC))).findFirst().map(o -> o);
            return new Decision("allocator", "custom", ok, first);
        }
        Optional<AllocatorProfile> named = list.namedProfile();
        for (Exports o : objects) {
            for (AllocatorProfile p : AllocatorProfile.ALL) {
                if (named.isPresent() && !named.get().name().equals(p.name())) {
                    continue;
                }
                if (provides(o, p)) {
                    return new Decision("allocator", p.name(), ok, Optional.of(o));
                }
            }
        }
        return system(named.isPresent() ? "allocator-missing" : "no-allocator");
    }

    private static Decision system(String reason) {
        return new Decision("system", "none", reason, Optional.empty());
    }

    private static boolean finds(Exports o, String symbol) {
        try {
            return o.shimFinds(symbol);
        } catch (MalformedElfException e) {
            throw new UncheckedIOException(new java.io.IOException(e.getMessage()));
        }
    }
}
