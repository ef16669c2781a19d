package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For each target, where its references to the malloc family and to operator new/delete bind, answered by
 * the loader's binder (elf/dl-lookup.c): every one the shim exports must bind to the shim.
 */
public final class BindingCheck implements Check {
    @Override
    public String name() {
        return "binding";
    }

    @Override
    public String title() {
        return "Who provides malloc";
    }

    @Override
    public List<Finding> run(Inspection in) throws Exception {
        List<Finding> out = new ArrayList<>();
        for (String exe : in.targets()) {
            if (!in.routable(exe)) {
                continue;
            }
            Map<String, List<String>> elsewhere = new LinkedHashMap<>();
            for (AllocatorBinding b : in.bindings(exe)) {
                // Definitions in the program itself are target.own-malloc's subject.
                if (b.to().equals(in.shimPath(exe).orElse("")) || b.to().equals(exe) || !in.shimExports(exe, b.symbol())) {
                    continue;
                }
                elsewhere.computeIfAbsent(b.to(), k -> new ArrayList<>()).add(b.symbol());
            }
            for (Map.Entry<String, List<String>> e : elsewhere.entrySet()) {
                String to = e.getKey().isEmpty() ? "nothing (undefined)" : e.getKey();
                out.add(new Finding("binding.not-shim", Severity.ERROR, List.of(exe, e.getKey()),
                        exe + " binds " + String.join(", ", e.getValue()) + " to " + to + ", not to the shim: those calls bypass"
                                + " the route the shim decides",
                        "put libmemproxy.so first in the chain"));
            }
        }
        return out;
    }
}
