package io.memproxy.elf;

import java.util.ArrayList;
import java.util.List;

/** Display names of DT_FLAGS and DT_FLAGS_1 bits, as readelf spells them. */
final class FlagNames {
    private FlagNames() {}

    private static final String[] FLAGS = {"ORIGIN", "SYMBOLIC", "TEXTREL", "BIND_NOW", "STATIC_TLS"};
    private static final String[] FLAGS_1 = {
        "NOW", "GLOBAL", "GROUP", "NODELETE", "LOADFLTR", "INITFIRST", "NOOPEN", "ORIGIN", "DIRECT", "TRANS",
        "INTERPOSE", "NODEFLIB", "NODUMP", "CONFALT", "ENDFILTEE", "DISPRELDNE", "DISPRELPND", "NODIRECT",
        "IGNMULDEF", "NOKSYMS", "NOHDR", "EDITED", "NORELOC", "SYMINTPOSE", "GLOBAUDIT", "SINGLETON", "STUB", "PIE",
        "KMOD", "WEAKFILTER", "NOCOMMON"
    };

    static List<String> flags(long value) {
        return names(value, FLAGS);
    }

    static List<String> flags1(long value) {
        return names(value, FLAGS_1);
    }

    private static List<String> names(long value, String[] names) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((value & (1L << bit)) != 0) {
                out.add(bit < names.length ? names[bit] : String.format("0x%x", 1L << bit));
            }
        }
        return out;
    }
}
