package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LoadedObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Each examined executable: can a preloaded shim route it at all, and what will the shim decide for it?
 */
public final class TargetCheck implements Check {
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
            if (in.linkMap(exe).isStatic()) {
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
            LinkMap map = in.linkMap(exe);
            for (LoadedObject l : map.loadOrder()) {
                if (!l.found() || l.isPreload() || l == map.executable()) {
                    continue;
                }
                ObjectFile dep = in.object(l);
                // The shim never takes an allocator from itself or libc (shim/src/memproxy.c: decide).
                if (!dep.isShim() && !dep.isLibc() && l.foundBy() != io.memproxy.loader.FoundBy.INTERPRETER
                        && ShimModel.profileOf(dep).isPresent()) {
                    String by = l.neededBy().isEmpty() ? exe : l.neededBy().get(0).path().isEmpty() ? exe : l.neededBy().get(0).path();
                    out.add(Finding.warning("target.needs-allocator", exe,
                            exe + " loads " + l.path() + " itself (DT_NEEDED of " + by + "): that allocator is in the process"
                                    + " whatever the route, and the shim may detect it instead of the chain's",
                            "list " + in.realName(exe) + " in the exclusion list if it should keep its own allocator"));
                }
            }
        }
        return out;
    }
}
