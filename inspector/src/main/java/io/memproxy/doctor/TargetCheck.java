package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.finding.Finding;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each examined executable: can a preloaded shim route it at all, and what will the shim decide for it?
 * The classes are the scan's ({@link ExecutableProfile}), so the doctor and the scan agree on every file.
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
            ExecutableProfile p = in.profile(exe);
            if (p.is(ExecutableClass.STATIC)) {
                out.add(Finding.warning("target.static", exe,
                        exe + " is statically linked: ld.so never runs for it, so no preload (and no shim) has any effect",
                        "nothing to do for memproxy; rebuild it dynamically if it must use the allocator"));
                continue;
            }
            if (p.is(ExecutableClass.OTHER_LIBC)) {
                out.add(Finding.warning("target.other-libc", exe,
                        exe + " uses another dynamic loader (" + p.interpreter().orElse("") + ", e.g. musl): glibc's preload chain"
                                + " does not apply to it",
                        "nothing to do for memproxy; that libc has its own allocator"));
                continue;
            }
            if (p.is(ExecutableClass.OWN_MALLOC)) {
                out.add(Finding.warning("target.own-malloc", exe,
                        exe + " defines its own malloc family (" + String.join(", ", p.ownMalloc()) + "): the executable comes"
                                + " first in the scope, so every object binds to it and the shim cannot route its allocations",
                        "add " + in.realName(exe) + " to the exclusion list to make the intent explicit, or rebuild it without"
                                + " its own allocator"));
            }
            LinkMap map = in.linkMap(exe);
            for (String needed : p.allocators()) {
                String path = map.loadOrder().stream().filter(l -> l.found() && (l.requestName().equals(needed) || l.soname().map(needed::equals).orElse(false)))
                        .map(LinkMapEntry::path).findFirst().orElse(needed);
                Optional<String> chainEntry = in.chain().stream().filter(l -> l.path().equals(path)).map(Link::entry).findFirst();
                out.add(Finding.warning("target.needs-allocator", exe,
                        exe + " loads " + path + " itself (DT_NEEDED of " + exe + "): that allocator is in the process"
                                + " whatever the route" + (chainEntry.isPresent() ? " (it is also the chain's " + chainEntry.get()
                                + "), even when the list sends " + in.realName(exe) + " to glibc"
                                : ", and the shim may detect it instead of the chain's"),
                        "list " + in.realName(exe) + " in the exclusion list if it should keep its own allocator"));
            }
        }
        return out;
    }
}
