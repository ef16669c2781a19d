package io.memproxy.doctor;

import io.memproxy.config.AllocatorProfile;
import io.memproxy.config.Role;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.shimmodel.MappedObject;
import io.memproxy.shimmodel.ShimModel;
import io.memproxy.shimmodel.ShimReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which allocator the shim will detect in the chain, and what it lacks (shim/src/config.c: mp_decide). */
public final class AllocatorCheck implements Check {
    /** libstdc++'s operator new(size_t): an allocator exporting it could take C++ allocations past the shim. */
    static final String OPERATOR_NEW = "_Znwm";

    @Override
    public String name() {
        return "allocator";
    }

    @Override
    public String title() {
        return "Allocator";
    }

    @Override
    public List<Finding> run(Inspection in) throws MalformedElfException {
        List<Finding> out = new ArrayList<>();
        Optional<Link> shim = Optional.empty();
        for (Link l : in.chain()) {
            if (l.loaded() && l.kind() == Link.Role.SHIM) {
                shim = Optional.of(l);
                break;
            }
        }
        if (shim.isEmpty()) {
            return out;
        }
        List<MappedObject> loaded = new ArrayList<>();
        for (Link l : in.chain()) {
            if (l.loaded() && !l.object().get().isShim() && !l.object().get().isLibc()) {
                loaded.add(l.object().get());
            }
        }
        List<MappedObject> objects = List.copyOf(loaded);
        ShimModel.Decision d = ShimModel.decide(in.config(), "/nonexistent/not-listed", false, objects);
        if (d.provider().isEmpty()) {
            for (MappedObject o : objects) {
                for (AllocatorProfile p : AllocatorProfile.ALL) {
                    List<String> missing = missing(o, p);
                    if (missing.size() < Role.values().length - 1 && !missing.isEmpty()
                            && (p.marker().isEmpty() || o.shimFinds(p.marker().get()))) {
                        out.add(new Finding("allocator.missing-function", Severity.ERROR, List.of(o.path()),
                                o.fileName() + " looks like " + p.name() + " but lacks " + String.join(", ", missing)
                                        + ": the shim does not use it and every process stays on glibc",
                                "preload a complete " + p.name() + " build, or name its functions with '@allocator custom' and"
                                        + " '@symbol ROLE NAME' (memproxy.conf(5))"));
                    }
                }
            }
            if (d.reason() == ShimReason.ALLOCATOR_MISSING) {
                out.add(Finding.error("allocator.missing", in.config().path(),
                        "the exclusion list asks for '@allocator " + in.config().list().get().mode()
                                + "' but no object of the chain provides it: every process stays on glibc (reason allocator-missing)",
                        "preload that allocator after the shim, or use '@allocator auto'"));
            } else if (d.reason() == ShimReason.NO_ALLOCATOR && out.isEmpty()) {
                out.add(Finding.warning("allocator.none", in.chainText(),
                        "no supported allocator (jemalloc, tcmalloc, mimalloc) is in the chain: the shim keeps every process on glibc"
                                + " (reason no-allocator)",
                        "add the allocator after the shim, e.g. " + shim.get().entry()
                                + (shim.get().entry().contains("$LIB") ? ":/usr/$LIB/libjemalloc.so.2" : ":/usr/" + in.referenceMap().rules().dstLib() + "/libjemalloc.so.2")));
            }
            return out;
        }
        MappedObject o = (MappedObject) d.provider().get();
        if (d.allocator().equals(ShimModel.CUSTOM)) {
            out.add(Finding.info("allocator.detected", o.path(), "the exclusion list names the allocator's functions (@allocator custom)"));
            return out;
        }
        AllocatorProfile p = AllocatorProfile.named(d.allocator()).orElseThrow();
        out.add(Finding.info("allocator.detected", o.path(), "the shim will use " + p.name() + " from " + o.path()));
        String trim = p.symbol(Role.TRIM);
        if (!o.shimFinds(trim)) {
            out.add(Finding.warning("allocator.no-trim", o.path(),
                    o.fileName() + " has no " + trim + ": under the shim malloc_trim() returns 0 and releases nothing"
                            + " (the shim never calls through a missing function)",
                    "use a " + p.name() + " build that exports " + trim + ", or accept that malloc_trim() does nothing"));
        } else {
            out.add(Finding.info("allocator.trim", o.path(), "malloc_trim() " + p.trim()));
        }
        if (o.exports(OPERATOR_NEW)) {
            boolean shimHasNew = shim.get().object().get().exports(OPERATOR_NEW);
            out.add(shimHasNew
                    ? Finding.info("allocator.exports-new", o.path(), o.fileName() + " exports operator new; the shim exports it too and"
                            + " comes first, so C++ allocations of excluded programs still reach glibc")
                    : Finding.error("allocator.exports-new", o.path(), o.fileName() + " exports operator new and the shim does not:"
                            + " C++ allocations of excluded programs bypass the exclusion list",
                            "use a libmemproxy.so that exports the C++ operators (any release of this project)"));
        }
        return out;
    }

    private static List<String> missing(MappedObject o, AllocatorProfile p) throws MalformedElfException {
        List<String> m = new ArrayList<>();
        for (Role r : Role.values()) {
            if (r != Role.TRIM && !o.shimFinds(p.symbol(r))) {
                m.add(p.symbol(r));
            }
        }
        return m;
    }
}
