package io.memproxy.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exclusion list's grammar, exactly as the shim reads it (shim/memproxy.conf.5): one executable
 * name per line; '#' or ';' starts a comment line; blanks around a name are trimmed; CR LF is accepted.
 */
public final class ConfigGrammar {
    /** The shim reads at most this much of the file. */
    public static final int MAX_BYTES = 64 * 1024;

    private ConfigGrammar() {}

    public static ExclusionList parse(byte[] content) {
        List<ConfigLine> lines = new ArrayList<>();
        int n = Math.min(content.length, MAX_BYTES);
        int start = 0;
        int number = 1;
        while (start < n) {
            int end = start;
            while (end < n && content[end] != '\n') {
                end++;
            }
            lines.add(line(number++, content, start, end));
            start = end + 1;
        }
        return new ExclusionList(lines);
    }

    private static ConfigLine line(int number, byte[] b, int start, int end) {
        boolean crlf = end > start && b[end - 1] == '\r';
        int e = crlf ? end - 1 : end;
        int s = start;
        while (s < e && isBlank(b[s])) {
            s++;
        }
        boolean trailing = false;
        while (e > s && isBlank(b[e - 1])) {
            e--;
            trailing = true;
        }
        if (s == e) {
            return new ConfigLine(number, ConfigLine.Kind.BLANK, "", crlf, false);
        }
        if (b[s] == '#' || b[s] == ';') {
            return new ConfigLine(number, ConfigLine.Kind.COMMENT, "", crlf, false);
        }
        return new ConfigLine(number, ConfigLine.Kind.NAME, new String(b, s, e - s, StandardCharsets.UTF_8), crlf, trailing);
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }
}
