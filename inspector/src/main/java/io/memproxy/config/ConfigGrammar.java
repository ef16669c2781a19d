package io.memproxy.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The exclusion list's grammar, exactly as the shim reads it (memproxy.conf(5), shim/src/config.c):
 * lines end at LF; space, tab and CR around a line are blanks and trimmed; an empty line or one starting
 * with '#' or ';' is a comment; '@' starts a directive ({@code @allocator}, {@code @secure},
 * {@code @symbol}), and one bad directive makes the shim reject the whole file; any other line names a
 * program. Bytes are kept as they are (ISO-8859-1), so names compare like the shim's memcmp.
 */
public final class ConfigGrammar {
    /** Larger files are not read at all (shim/src/memproxy.h: MP_CONF_MAX). */
    public static final int MAX_BYTES = 64 * 1024;

    private ConfigGrammar() {}

    public static ExclusionList parse(byte[] content) {
        List<ConfigLine> lines = new ArrayList<>();
        String mode = "auto";
        boolean secure = false;
        Map<Role, String> custom = new EnumMap<>(Role.class);
        String bad = "";
        int start = 0;
        int number = 1;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            ConfigLine line = line(number++, content, start, end);
            start = end + 1;
            if (line.kind() == ConfigLine.Kind.DIRECTIVE) {
                String[] w = words(line.value().substring(1));
                switch (w[0]) {
                    case "allocator" -> mode = w[1];
                    case "secure" -> secure = w[1].equals("allocator");
                    default -> custom.put(Role.ofWord(w[1]).orElseThrow(), w[2]);
                }
            } else if (line.kind() == ConfigLine.Kind.BAD_DIRECTIVE && bad.isEmpty()) {
                bad = "line " + line.number() + ": " + line.problem();
            }
            lines.add(line);
        }
        if (mode.equals("custom") && bad.isEmpty()) {
            for (Role r : Role.values()) {
                if (r != Role.TRIM && !custom.containsKey(r)) {
                    bad = "@allocator custom needs '@symbol " + r.word() + " NAME'";
                    break;
                }
            }
        }
        return new ExclusionList(lines, mode, secure, custom, bad);
    }

    private static ConfigLine line(int number, byte[] b, int start, int end) {
        boolean crlf = end > start && b[end - 1] == '\r';
        int s = start;
        int e = end;
        while (s < e && isBlank(b[s])) {
            s++;
        }
        boolean trailing = false;
        while (e > s && isBlank(b[e - 1])) {
            trailing |= b[e - 1] != '\r';
            e--;
        }
        String value = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        if (value.isEmpty()) {
            return new ConfigLine(number, ConfigLine.Kind.BLANK, value, "", crlf, false);
        }
        if (value.charAt(0) == '#' || value.charAt(0) == ';') {
            return new ConfigLine(number, ConfigLine.Kind.COMMENT, value, "", crlf, false);
        }
        if (value.charAt(0) == '@') {
            String problem = directiveProblem(words(value.substring(1)));
            return new ConfigLine(number, problem.isEmpty() ? ConfigLine.Kind.DIRECTIVE : ConfigLine.Kind.BAD_DIRECTIVE,
                    value, problem, crlf, trailing);
        }
        return new ConfigLine(number, ConfigLine.Kind.NAME, value, "", crlf, trailing);
    }

    /** Why the shim rejects a directive (shim/src/config.c: parse_directive), or "" when it accepts it. */
    private static String directiveProblem(String[] w) {
        if (w.length < 2) {
            return "a directive needs a value";
        }
        switch (w[0]) {
            case "allocator":
                if (w.length > 2) {
                    return "@allocator takes one value";
                }
                if (!List.of("auto", "none", "custom").contains(w[1]) && AllocatorProfile.named(w[1]).isEmpty()) {
                    return "unknown allocator '" + w[1] + "' (auto, none, custom, jemalloc, tcmalloc, mimalloc)";
                }
                return "";
            case "secure":
                if (w.length > 2 || !(w[1].equals("system") || w[1].equals("allocator"))) {
                    return "@secure takes 'system' or 'allocator'";
                }
                return "";
            case "symbol":
                if (w.length != 3) {
                    return "@symbol takes a role and a symbol name";
                }
                if (w[2].length() >= 128 || w[2].indexOf('\0') >= 0) {
                    return "symbol name too long or containing a NUL byte";
                }
                return Role.ofWord(w[1]).isPresent() ? "" : "unknown role '" + w[1] + "'";
            default:
                return "unknown directive '@" + w[0] + "'";
        }
    }

    /** Blank-separated words, as the shim's next_word splits them. */
    private static String[] words(String s) {
        String t = s.replaceAll("^[ \t\r]+", "");
        return t.isEmpty() ? new String[0] : t.split("[ \t\r]+");
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
