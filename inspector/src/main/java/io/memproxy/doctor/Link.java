package io.memproxy.doctor;

import io.memproxy.loader.LoadOutcome;
import io.memproxy.shimmodel.ObjectFile;
import io.memproxy.shimmodel.ShimModel;
import java.util.List;
import java.util.Optional;

/**
 * One preload entry and what ld.so will make of it.
 *
 * @param entry   the entry as written
 * @param source  LD_PRELOAD, /etc/ld.so.preload or --preload
 * @param path    the file ld.so opens for it, or "" when none is found
 * @param outcome whether ld.so loads it and, if not, why
 * @param reason  ld.so's words for an ignored entry ("invalid ELF header"), or ""
 * @param object  the loaded object
 * @param scriptInputs for a GNU ld script, the files it names
 */
public record Link(String entry, String source, String path, LoadOutcome outcome, String reason, Optional<ObjectFile> object,
        List<String> scriptInputs) {
    public boolean loaded() {
        return outcome == LoadOutcome.LOADED;
    }

    /** shim, libc, allocator:NAME or other, as the outputs show it. */
    public String role() {
        if (object.isEmpty()) {
            return "ignored";
        }
        ObjectFile o = object.get();
        if (o.isShim()) {
            return "shim";
        }
        if (o.isLibc()) {
            return "libc";
        }
        return ShimModel.profileOf(o).map(p -> "allocator:" + p.name()).orElse("other");
    }
}
