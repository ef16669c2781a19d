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

    /** The allocator name of {@code @allocator custom}: the functions the exclusion list names. */
    public static final String CUSTOM = "custom";

    /**
     * What the shim will decide for one process, and the object holding the allocator if any.
     *
     * @param allocator the profile's name ({@code jemalloc}, …), {@code custom}, or {@code none} on the system route
     */
    public record Decision(ShimRoute route, String allocator, ShimReason reason, Optional<Exports> provider) {}

    /** The shim's view of one loaded object: whether its lookup finds a function there (shim/src/elfsym.c). */
    public interface Exports {
        boolean shimFinds(String name) throws MalformedElfException;
    }

    /** The first profile (in the shim's order) the object provides: its marker and every role but trim. */
    public static Optional<AllocatorProfile> profileOf(MappedObject o) {
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
     * @param exePath the executable with links resolved (/proc/self/exe), or "" when unknown (which matters only
     *                when the list names a program)
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
                        return new Decision(ShimRoute.ALLOCATOR, p.name(), ShimReason.LIBC_MISSING, Optional.of(o));
                    }
                }
            }
            return system(ShimReason.LIBC_MISSING);
        }
        switch (config.state()) {
            case UNREADABLE -> { return system(ShimReason.CONFIG_UNREADABLE); }
            case NOT_REGULAR -> { return system(ShimReason.CONFIG_NOT_REGULAR); }
            case TOO_LARGE -> { return system(ShimReason.CONFIG_TOO_LARGE); }
            default -> { }
        }
        if (!list.bad().isEmpty()) {
            return system(ShimReason.BAD_CONFIG);
        }
        if (secure && !list.secureAllocator()) {
            return system(ShimReason.SECURE_EXEC);
        }
        // A list that names no program (the installed one) needs no name: the shim does not read /proc/self/exe.
        boolean namesPrograms = !list.names().isEmpty();
        if (namesPrograms && exePath.isEmpty()) {
            return system(ShimReason.EXE_UNKNOWN);
        }
        if (namesPrograms && list.lists(exePath)) {
            return system(ShimReason.EXCLUDED);
        }
        if (list.mode().equals("none")) {
            return system(ShimReason.FORCED);
        }
        ShimReason ok = config.state() == ConfigFile.State.MISSING ? ShimReason.NO_CONFIG : ShimReason.NOT_EXCLUDED;
        if (list.mode().equals("custom")) {
            for (String symbol : list.custom().values()) {
                if (objects.stream().noneMatch(o -> finds(o, symbol))) {
                    return system(ShimReason.ALLOCATOR_MISSING);
                }
            }
            Optional<Exports> first = objects.stream().filter(o -> finds(o, list.custom().get(Role.MALLOC))).findFirst().map(o -> o);
            return new Decision(ShimRoute.ALLOCATOR, CUSTOM, ok, first);
        }
        Optional<AllocatorProfile> named = list.namedProfile();
        for (Exports o : objects) {
            for (AllocatorProfile p : AllocatorProfile.ALL) {
                if (named.isPresent() && !named.get().name().equals(p.name())) {
                    continue;
                }
                if (provides(o, p)) {
                    return new Decision(ShimRoute.ALLOCATOR, p.name(), ok, Optional.of(o));
                }
            }
        }
        return system(named.isPresent() ? ShimReason.ALLOCATOR_MISSING : ShimReason.NO_ALLOCATOR);
    }

    private static Decision system(ShimReason reason) {
        return new Decision(ShimRoute.SYSTEM, "none", reason, Optional.empty());
    }

    private static boolean finds(Exports o, String symbol) {
        try {
            return o.shimFinds(symbol);
        } catch (MalformedElfException e) {
            throw new UncheckedIOException(new java.io.IOException(e.getMessage()));
        }
    }
}
