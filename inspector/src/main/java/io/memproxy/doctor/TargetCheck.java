package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Each examined executable: can a preloaded shim route it at all, and what will the shim decide for it?
 */
public final class TargetCheck implements Check {
    static final List<String> ALLOCATOR_LIBRARIES = List.of("libjemalloc", "libtcmalloc", "libmimalloc");

    @Override
    public String name() {
        return "targets";
    }

    @Override
    public String title() {
        return "Examined executables";
    }

    @Override
    public List<Finding> run(Inspection in) throws ElfException {
        List<Finding> out = new ArrayList<>();
        for (String exe : in.targets()) {
            ObjectFile o = in.object(exe);
            ElfHeader h = o.image().header();
            if (h.isStatic()) {
                out.add(Finding.warning("target.static", exe,
                        exe + " is statically linked: ld.so never runs for it, so no preload (and no shim) has any effect",
                        "nothing to do for memproxy; rebuild it dynamically if it must use the allocator"));
                continue;
            }
            String interp = h.interpreter().orElse("");
            if (!interp.isEmpty() && !interp.equals(Inspection.SYSTEM_INTERPRETER)) {
                out.add(Finding.warning("target.other-libc", exe,
                        exe + " uses another dynamic loader (" + interp + ", e.g. musl): glibc's preload chain does not apply to it",
                        "nothing to do for memproxy; that libc has its own allocator"));
                continue;
            }
            if (o.exports("malloc")) {
                out.add(Finding.warning("target.own-malloc", exe,
                        exe + " defines its own malloc: the executable comes first in the scope, so every object binds to it"
                                + " and the shim cannot route its allocations",
                        "add " + in.realName(exe) + " to the exclusion list to make the intent explicit, or rebuild it without"
                                + " its own allocator"));
            }
            for (String needed : o.image().dynamic().needed()) {
                if (ALLOCATOR_LIBRARIES.stream().anyMatch(needed::startsWith)) {
                    out.add(Finding.warning("target.needs-allocator", exe,
                            exe + " links " + needed + " itself (DT_NEEDED): the shim still comes first, but that allocator is"
                                    + " in the process whatever the route, and may be the one the shim detects",
                            "list " + in.realName(exe) + " in the exclusion list if it should keep its own allocator"));
                }
            }
        }
        return out;
    }
}
