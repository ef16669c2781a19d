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
 * program. A UTF-8 byte-order mark at the start of the file is skipped; a line holding a Unicode blank
 * beyond ASCII (no-break space and the like, see {@link #unicodeBlank}) is invalid, and like a bad
 * directive makes the shim reject the whole file. Bytes are kept as they are (ISO-8859-1), so names
 * compare like the shim's memcmp.
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
        int start = hasBom(content) ? 3 : 0;
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
        for (int i = s; i < e; i++) {
            int n = unicodeBlank(b, i, e);
            if (n > 0) {
                String blank = new String(b, i, n, StandardCharsets.UTF_8);
                return new ConfigLine(number, ConfigLine.Kind.BAD_DIRECTIVE, value,
                        String.format("contains a non-ASCII blank (U+%04X)", blank.codePointAt(0)), crlf, trailing);
            }
        }
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

    /** A UTF-8 byte-order mark opens the file (shim/src/config.c: bom). */
    public static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
    }

    /**
     * The byte length of a UTF-8 encoded Unicode blank beyond ASCII at b[i], or 0 (shim/src/config.c:
     * unicode_blank): U+0085, U+00A0, U+1680, U+2000-U+200B, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
     */
    static int unicodeBlank(byte[] b, int i, int end) {
        int n = end - i;
        int c0 = b[i] & 0xff;
        if (n >= 2 && c0 == 0xC2 && ((b[i + 1] & 0xff) == 0x85 || (b[i + 1] & 0xff) == 0xA0)) {
            return 2;
        }
        if (n < 3) {
            return 0;
        }
        int c1 = b[i + 1] & 0xff;
        int c2 = b[i + 2] & 0xff;
        boolean blank = (c0 == 0xE1 && c1 == 0x9A && c2 == 0x80)
                || (c0 == 0xE2 && c1 == 0x80 && (c2 <= 0x8B || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF))
                || (c0 == 0xE2 && c1 == 0x81 && c2 == 0x9F)
                || (c0 == 0xE3 && c1 == 0x80 && c2 == 0x80)
                || (c0 == 0xEF && c1 == 0xBB && c2 == 0xBF);
        return blank ? 3 : 0;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
