package io.memproxy.doctor;

import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Set-user-ID and set-group-ID targets run in secure mode (AT_SECURE): ld.so drops LD_PRELOAD entries
 * with a '/', loads bare names only from set-user-ID files outside the cache (elf/rtld.c,
 * dso_name_valid_for_suid; elf/dl-load.c: open_path), and the shim keeps them on glibc unless the list
 * says '@secure allocator'.
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
            ElfHeader h = in.object(exe).image().header();
            if (!h.setuid() && !h.setgid()) {
                continue;
            }
            String kind = h.setuid() ? "set-user-ID" : "set-group-ID";
            List<String> dropped = new ArrayList<>();
            List<String> bare = new ArrayList<>();
            for (Link l : in.chain()) {
                if (!l.source().equals("/etc/ld.so.preload") && l.entry().contains("/")) {
                    dropped.add(l.entry());
                } else if (!l.entry().contains("/")) {
                    bare.add(l.entry());
                }
            }
            if (!dropped.isEmpty()) {
                boolean proposed = in.inputs().proposedChain().isPresent();
                out.add(new Finding("secure.preload-dropped", proposed ? Severity.INFO : Severity.WARNING, List.of(exe),
                        exe + " is " + kind + ": ld.so silently drops " + String.join(", ", dropped) + " when "
                                + (proposed ? "the chain is given in LD_PRELOAD; from /etc/ld.so.preload it loads them"
                                        : "they come from LD_PRELOAD, so this program runs without the shim"),
                        proposed ? "" : "install the chain in /etc/ld.so.preload to cover " + kind + " programs"));
            }
            if (!bare.isEmpty()) {
                out.add(Finding.warning("secure.bare-name", exe,
                        exe + " is " + kind + ": ld.so skips ld.so.cache for the bare names " + String.join(", ", bare)
                                + " and loads them only from set-user-ID files, so they are ignored for it",
                        "write full paths in the chain"));
            }
            boolean allocator = in.config().list().map(l -> l.secureAllocator()).orElse(false);
            out.add(Finding.info("secure.route", exe, allocator
                    ? exe + " is " + kind + " and the list says '@secure allocator': it uses the allocator"
                    : exe + " is " + kind + ": the shim keeps it on glibc (reason secure-exec) and ignores MEMPROXY_CONF"));
        }
        return out;
    }
}
