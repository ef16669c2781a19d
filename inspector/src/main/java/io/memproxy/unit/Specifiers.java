package io.memproxy.unit;

/**
 * systemd's %-specifiers as the system manager expands them in unit settings (systemd.unit(5),
 * "Specifiers"). Those that depend on the running machine (%H, %m, %b, %v) are not expanded offline:
 * they are reported as unknown, like a specifier systemd does not know.
 */
public final class Specifiers {
    private Specifiers() {}

    /** {@code s} with every specifier expanded; an unknown one is an IllegalArgumentException naming it. */
    public static String expand(String s, UnitName unit, String fragmentPath) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new IllegalArgumentException("'%' at the end of '" + s + "'");
            }
            char k = s.charAt(++i);
            b.append(switch (k) {
                case '%' -> "%";
                case 'n' -> unit.name();
                case 'N' -> unit.withoutType();
                case 'p' -> unit.prefix();
                case 'P' -> UnitName.unescape(unit.prefix());
                case 'i' -> unit.instance();
                case 'I' -> UnitName.unescape(unit.instance());
                case 'j' -> last(unit.prefix());
                case 'J' -> UnitName.unescape(last(unit.prefix()));
                case 'f' -> "/" + UnitName.unescape(unit.instance().isEmpty() ? unit.prefix() : unit.instance());
                case 'y' -> fragmentPath;
                case 'Y' -> fragmentPath.substring(0, Math.max(1, fragmentPath.lastIndexOf('/')));
                case 't' -> "/run";
                case 'S' -> "/var/lib";
                case 'C' -> "/var/cache";
                case 'L' -> "/var/log";
                case 'E' -> "/etc";
                case 'T' -> "/tmp";
                case 'V' -> "/var/tmp";
                case 'h' -> "/root";
                case 's' -> "/bin/sh";
                case 'u' -> "root";
                case 'U' -> "0";
                case 'g' -> "root";
                case 'G' -> "0";
                default -> throw new IllegalArgumentException("specifier %" + k + " in '" + s
                        + "' cannot be expanded offline or is not known to systemd");
            });
        }
        return b.toString();
    }

    /** %j: the part after the last dash of the prefix. */
    private static String last(String prefix) {
        int dash = prefix.lastIndexOf('-');
        return dash < 0 ? prefix : prefix.substring(dash + 1);
    }
}
