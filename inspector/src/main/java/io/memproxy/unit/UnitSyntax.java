package io.memproxy.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * systemd's unit file syntax (systemd.syntax(7)): sections, {@code Key=Value} assignments, comments at
 * the start of a line ('#' or ';'), and a backslash at the end of a line joining the next one with a space.
 * Comment lines inside a continued line are skipped, as systemd does.
 */
public final class UnitSyntax {
    private UnitSyntax() {}

    /** One assignment, where it was written. */
    public record Assignment(String section, String key, String value, String file, int line) {
        /** "FILE:LINE", for messages and fixes. */
        public String where() {
            return file + ":" + line;
        }
    }

    /** The assignments of one file, in order; lines systemd would reject are returned as problems. */
    public record Parsed(List<Assignment> assignments, List<String> problems) {}

    public static Parsed parse(String text, String file) {
        List<Assignment> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String section = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            StringBuilder joined = new StringBuilder();
            while (continues(line) && i + 1 < lines.length) {
                joined.append(line, 0, line.length() - 1).append(' ');
                String next = lines[++i].strip();
                while ((next.startsWith("#") || next.startsWith(";")) && i + 1 < lines.length) {
                    next = lines[++i].strip();
                }
                line = next.startsWith("#") || next.startsWith(";") ? "" : next;
            }
            joined.append(line);
            String l = joined.toString().strip();
            if (l.startsWith("[")) {
                if (!l.endsWith("]")) {
                    problems.add(file + ":" + first + ": invalid section header '" + l + "'");
                    continue;
                }
                section = l.substring(1, l.length() - 1);
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                problems.add(file + ":" + first + ": missing '=', ignoring line");
                continue;
            }
            if (section == null) {
                problems.add(file + ":" + first + ": assignment outside of a section, ignoring");
                continue;
            }
            out.add(new Assignment(section, l.substring(0, eq).strip(), l.substring(eq + 1).strip(), file, first));
        }
        return new Parsed(out, problems);
    }

    /** A line ending in an odd number of backslashes continues; an even number ends in escaped backslashes. */
    static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** Whether a boolean setting is true (systemd's parse_boolean). */
    public static boolean isTrue(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "yes", "y", "true", "t", "on" -> true;
            default -> false;
        };
    }
}
