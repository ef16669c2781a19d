package io.memproxy.doctor;

import io.memproxy.loader.LoadOutcome;
import io.memproxy.shimmodel.MappedObject;
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
public record Link(String entry, String source, String path, LoadOutcome outcome, String reason, Optional<MappedObject> object,
        List<String> scriptInputs) {
    public boolean loaded() {
        return outcome == LoadOutcome.LOADED;
    }

    /** What an entry is to the shim. */
    public enum Role {
        SHIM, LIBC, ALLOCATOR, OTHER, IGNORED;

        /** The word the outputs show: {@code shim}, {@code libc}, {@code allocator}, {@code other}, {@code ignored}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the entry is to the shim: the shim itself, libc, an allocator it detects, something else, or ignored by ld.so. */
    public Role kind() {
        if (object.isEmpty()) {
            return Role.IGNORED;
        }
        MappedObject o = object.get();
        if (o.isShim()) {
            return Role.SHIM;
        }
        if (o.isLibc()) {
            return Role.LIBC;
        }
        return ShimModel.profileOf(o).isPresent() ? Role.ALLOCATOR : Role.OTHER;
    }

    /** shim, libc, allocator:NAME, other or ignored, as the outputs show it. */
    public String role() {
        Role r = kind();
        return r == Role.ALLOCATOR ? r.word() + ":" + ShimModel.profileOf(object.get()).orElseThrow().name() : r.word();
    }
}
