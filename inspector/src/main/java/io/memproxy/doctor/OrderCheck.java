package io.memproxy.doctor;

import io.memproxy.elf.MalformedElfException;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order of the loaded entries. Preloads come right after the executable in the global scope
 * (elf/rtld.c), so the first entry that defines malloc provides it to every program.
 */
public final class OrderCheck implements Check {
    @Override
    public String name() {
        return "order";
    }

    @Override
    public String title() {
        return "Order of the chain";
    }

    @Override
    public List<Finding> run(Inspection in) throws MalformedElfException {
        List<Link> loaded = new ArrayList<>();
        for (Link l : in.chain()) {
            if (l.loaded()) {
                loaded.add(l);
            }
        }
        List<Finding> out = new ArrayList<>();
        int shim = indexOf(loaded, Link.Role.SHIM);
        Optional<Link> firstMalloc = Optional.empty();
        for (Link l : loaded) {
            if (l.object().get().exports("malloc")) {
                firstMalloc = Optional.of(l);
                break;
            }
        }
        String provider = firstMalloc.isPresent() ? firstMalloc.get().path() : "glibc (libc.so.6)";
        // Who provides malloc, as the binder resolves it for the first program examined.
        Optional<String> exe = Optional.empty();
        for (String e : in.targets()) {
            if (in.routable(e)) {
                exe = Optional.of(e);
                break;
            }
        }
        if (exe.isPresent() && !in.mallocProvider(exe.get()).isEmpty()) {
            provider = in.mallocProvider(exe.get()) + " (in " + exe.get() + ")";
        }
        if (shim < 0) {
            out.add(new Finding("chain.no-shim", Severity.ERROR, List.of(in.chainText()),
                    "no libmemproxy.so is loaded from the chain, so nothing is proxied: malloc comes from "
                            + provider + " and the exclusion list has no effect",
                    "put the shim first, e.g. --preload /usr/local/" + in.referenceMap().rules().dstLib() + "/libmemproxy.so:/usr/"
                            + in.referenceMap().rules().dstLib() + "/libjemalloc.so.2"));
            return out;
        }
        Link shimLink = loaded.get(shim);
        for (int i = 0; i < shim; i++) {
            Link l = loaded.get(i);
            if (l.object().get().exports("malloc")) {
                out.add(new Finding("chain.order", Severity.ERROR, List.of(l.entry(), shimLink.entry()),
                        l.entry() + " comes before " + shimLink.entry() + ", so malloc comes from " + provider
                                + ", not from the shim, which is bypassed: the exclusion list has no effect",
                        "put " + shimLink.entry() + " first in " + l.source()));
                return out;
            }
        }
        int libc = indexOf(loaded, Link.Role.LIBC);
        int allocator = indexOf(loaded, Link.Role.ALLOCATOR);
        if (libc >= 0 && allocator >= 0 && allocator < libc) {
            out.add(new Finding("chain.libc-order", Severity.INFO, List.of(loaded.get(allocator).entry(), loaded.get(libc).entry()),
                    loaded.get(allocator).entry() + " comes before libc.so.6: dlsym(RTLD_NEXT, \"malloc\") from the shim reaches the"
                            + " allocator, not glibc. memproxy does not depend on it (it reads glibc's own symbol table);"
                            + " the old three-part chain did", ""));
        }
        return out;
    }

    private static int indexOf(List<Link> loaded, Link.Role role) {
        for (int i = 0; i < loaded.size(); i++) {
            if (loaded.get(i).kind() == role) {
                return i;
            }
        }
        return -1;
    }
}
