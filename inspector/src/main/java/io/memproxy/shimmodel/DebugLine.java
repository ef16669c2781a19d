package io.memproxy.shimmodel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the shim prints on stderr under {@code MEMPROXY_DEBUG=1} (shim/src/memproxy.c: debug_line):
 * {@code memproxy: pid=N exe=PATH route=R allocator=A reason=W}. Kept as the shim's words: a line from
 * another build may carry a word this inspector does not know.
 */
public record DebugLine(String exe, String route, String allocator, String reason) {
    private static final Pattern LINE = Pattern.compile(
            "^memproxy: pid=\\d+ exe=(\\S*) route=(\\S+) allocator=(\\S+) reason=(\\S+)$", Pattern.MULTILINE);

    /** The line, if {@code line} is one. */
    public static Optional<DebugLine> parse(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches() ? Optional.of(of(m)) : Optional.empty();
    }

    /** The first such line in a program's stderr. */
    public static Optional<DebugLine> find(String stderr) {
        Matcher m = LINE.matcher(stderr);
        return m.find() ? Optional.of(of(m)) : Optional.empty();
    }

    private static DebugLine of(Matcher m) {
        return new DebugLine(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    /** {@code route=R allocator=A reason=W}, as the line says it. */
    public String words() {
        return words(route, allocator, reason);
    }

    /** The decision's words as the shim prints them. */
    public static String words(String route, String allocator, String reason) {
        return "route=" + route + " allocator=" + allocator + " reason=" + reason;
    }
}
