package io.memproxy.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * How systemd splits a setting such as {@code Environment=} or {@code ExecStart=} into words
 * (extract_first_word with unquoting and C escapes): whitespace separates words, single and double quotes
 * may start anywhere in a word and keep whitespace, and backslash escapes are C's.
 */
public final class Words {
    private Words() {}

    /** The words of {@code value}; a malformed one (open quote, bad escape) is an IllegalArgumentException saying why. */
    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (true) {
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder w = new StringBuilder();
            char quote = 0;
            for (; i < n; i++) {
                char c = value.charAt(i);
                if (c == '\\') {
                    i = escape(value, i, w);
                } else if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        w.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (Character.isWhitespace(c)) {
                    break;
                } else {
                    w.append(c);
                }
            }
            if (quote != 0) {
                throw new IllegalArgumentException("unbalanced quote " + quote + " in '" + value + "'");
            }
            out.add(w.toString());
        }
    }

    /** Appends the escape at {@code at} (a backslash) and returns the index of its last character. */
    private static int escape(String s, int at, StringBuilder w) {
        if (at + 1 >= s.length()) {
            throw new IllegalArgumentException("trailing backslash in '" + s + "'");
        }
        char c = s.charAt(at + 1);
        switch (c) {
            case 'a' -> w.append('\u0007');
            case 'b' -> w.append('\b');
            case 'f' -> w.append('\f');
            case 'n' -> w.append('\n');
            case 'r' -> w.append('\r');
            case 't' -> w.append('\t');
            case 'v' -> w.append('\u000b');
            case 's' -> w.append(' ');
            case '\\', '"', '\'' -> w.append(c);
            case 'x' -> {
                return code(s, at + 2, 2, 16, w);
            }
            case 'u' -> {
                return code(s, at + 2, 4, 16, w);
            }
            case 'U' -> {
                return code(s, at + 2, 8, 16, w);
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    return code(s, at + 1, 3, 8, w);
                }
                throw new IllegalArgumentException("invalid escape \\" + c + " in '" + s + "'");
            }
        }
        return at + 1;
    }

    private static int code(String s, int from, int digits, int radix, StringBuilder w) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException("short escape sequence in '" + s + "'");
        }
        try {
            int v = Integer.parseInt(s.substring(from, from + digits), radix);
            if (v == 0) {
                throw new IllegalArgumentException("escaped NUL in '" + s + "'");
            }
            w.appendCodePoint(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid escape sequence in '" + s + "'");
        }
        return from + digits - 1;
    }
}
