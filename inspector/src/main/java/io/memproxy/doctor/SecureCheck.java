package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Set-user-ID, set-group-ID and file-capability targets run in secure mode (AT_SECURE): ld.so drops LD_PRELOAD entries
 * with a '/' silently, loads bare names only from set-user-ID files outside the cache (elf/rtld.c:
 * dso_name_valid_for_suid; elf/dl-load.c: open_path), and the shim keeps such programs on glibc unless
 * the list says '@secure allocator'.
 */
public final class SecureCheck implements Check {
    @Override
    public String name() {
        return "secure";
    }

    @Override
    public String title() {
        return "Secure-execution targets";
    }

    @Override
    public List<Finding> run(Inspection in) throws ElfException {
        List<Finding> out = new ArrayList<>();
        for (String exe : in.targets()) {
            ExecutableProfile profile = in.profile(exe);
            if (!profile.is(ExecutableClass.SECURE_EXECUTION) || profile.is(ExecutableClass.STATIC)) {
                continue;
            }
            String kind = profile.secureKind();
            String is = exe + " " + profile.secureState();
            LinkMap secure = in.linkMap(exe);
            List<String> loaded = secure.loadOrder().stream().filter(LinkMapEntry::isPreload).map(LinkMapEntry::requestName).toList();
            List<String> dropped = new ArrayList<>();
            boolean shimDropped = false;
            for (Link l : in.chain()) {
                if (!l.loaded() || loaded.contains(l.entry())) {
                    continue;
                }
                Optional<String> reason = secure.ignoredPreloads().stream().filter(i -> i.entry().equals(l.entry()))
                        .map(LinkMap.IgnoredPreload::reason).findFirst();
                if (reason.isPresent()) {
                    out.add(Finding.warning("secure.bare-name", exe,
                            is + ": ld.so skips ld.so.cache for the bare name " + l.entry()
                                    + " and accepts only set-user-ID files, so it is ignored (" + reason.get() + ")",
                            "write the full path of " + l.entry() + " in the chain"));
                } else {
                    dropped.add(l.entry());
                }
                shimDropped |= l.kind() == Link.Role.SHIM;
            }
            if (!dropped.isEmpty()) {
                out.add(new Finding("secure.preload-dropped", shimDropped ? Severity.WARNING : Severity.INFO, List.of(exe),
                        is + ": ld.so silently drops the LD_PRELOAD entries with a '/' (" + String.join(", ", dropped)
                                + ")" + (shimDropped ? ", so it runs without the shim" : ""),
                        shimDropped ? "install the chain in /etc/ld.so.preload, whose entries ld.so keeps for " + kind + " programs" : ""));
            }
            if (shimDropped || secure.loadOrder().stream().noneMatch(o -> o.found() && in.object(o).isShim())) {
                continue;
            }
            boolean allocator = in.config().list().map(l -> l.secureAllocator()).orElse(false);
            out.add(Finding.info("secure.route", exe, allocator
                    ? is + " and the list says '@secure allocator': the shim routes it like any program"
                    : is + ": the shim keeps it on glibc (reason secure-exec) and ignores MEMPROXY_CONF"));
        }
        return out;
    }
}
