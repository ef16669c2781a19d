package io.memproxy.unit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The format of a file named by {@code EnvironmentFile=} (systemd.exec(5)): {@code KEY=VALUE} lines,
 * comments starting with '#' or ';', values unquoted (a backslash escapes the next character, trailing
 * whitespace is dropped), in single quotes (literal) or in double quotes (backslash escapes {@code " \ ` $}),
 * and a backslash before a newline continuing the value.
 */
public final class EnvironmentFile {
    private EnvironmentFile() {}

    /** The variables in file order; lines that are not assignments of valid names are skipped, as systemd does. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (text.charAt(i) == '#' || text.charAt(i) == ';') {
                i = endOfLine(text, i);
                continue;
            }
            int eq = i;
            while (eq < n && text.charAt(eq) != '=' && text.charAt(eq) != '\n') {
                eq++;
            }
            if (eq >= n || text.charAt(eq) == '\n') {
                i = eq;
                continue;
            }
            String key = text.substring(i, eq).strip();
            StringBuilder v = new StringBuilder();
            i = eq + 1;
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            int keep = 0; // length of v that trailing-whitespace stripping must not cut (quoted or escaped)
            while (i < n && text.charAt(i) != '\n') {
                char c = text.charAt(i);
                if (c == '\'') {
                    int close = text.indexOf('\'', i + 1);
                    close = close < 0 ? n : close;
                    v.append(text, i + 1, close);
                    keep = v.length();
                    i = close + 1;
                } else if (c == '"') {
                    i++;
                    while (i < n && text.charAt(i) != '"') {
                        char d = text.charAt(i);
                        if (d == '\\' && i + 1 < n) {
                            char e = text.charAt(i + 1);
                            if (e == '\n') {
                                i += 2;
                                continue;
                            }
                            if ("\"\\`$".indexOf(e) < 0) {
                                v.append('\\');
                            }
                            v.append(e);
                            i += 2;
                            continue;
                        }
                        v.append(d);
                        i++;
                    }
                    keep = v.length();
                    i++;
                } else if (c == '\\' && i + 1 < n) {
                    if (text.charAt(i + 1) != '\n') {
                        v.append(text.charAt(i + 1));
                        keep = v.length();
                    }
                    i += 2;
                } else {
                    v.append(c);
                    i++;
                }
            }
            int end = v.length();
            while (end > keep && Character.isWhitespace(v.charAt(end - 1))) {
                end--;
            }
            if (validName(key)) {
                out.put(key, v.substring(0, end));
            }
        }
        return out;
    }

    private static int endOfLine(String text, int from) {
        int nl = text.indexOf('\n', from);
        return nl < 0 ? text.length() : nl + 1;
    }

    /** An environment variable name systemd accepts: letters, digits and underscores, not starting with a digit. */
    public static boolean validName(String key) {
        return key.matches("[A-Za-z_][A-Za-z0-9_]*");
    }
}
