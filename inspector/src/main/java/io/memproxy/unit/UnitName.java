package io.memproxy.unit;

/**
 * A unit's name and the parts systemd's specifiers refer to (systemd.unit(5), "Specifiers"):
 * "getty@tty1.service" has prefix "getty", instance "tty1", type "service".
 */
public record UnitName(String name) {
    /** systemd's unit types (systemd.unit(5)); a name without one of them is a service's, as for systemctl. */
    static final java.util.Set<String> TYPES = java.util.Set.of("service", "socket", "device", "mount", "automount", "swap",
            "target", "path", "timer", "slice", "scope");

    public UnitName {
        int dot = name.lastIndexOf('.');
        // The characters systemd allows in unit names (unit_name_is_valid): no "/", no blanks.
        if (!name.matches("[A-Za-z0-9:_.\\\\@-]+") || dot <= 0 || dot == name.length() - 1) {
            throw new IllegalArgumentException(name + ": not a unit name (expected NAME.service)");
        }
    }

    /** A name without a unit type gets ".service", as systemctl does. */
    public static UnitName of(String given) {
        int dot = given.lastIndexOf('.');
        return new UnitName(dot > 0 && TYPES.contains(given.substring(dot + 1)) ? given : given + ".service");
    }

    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The name without its type suffix: %N. */
    public String withoutType() {
        return name.substring(0, name.lastIndexOf('.'));
    }

    public boolean isInstance() {
        int at = name.indexOf('@');
        return at > 0 && at < name.lastIndexOf('.') - 1;
    }

    /** "foo@.service" for "foo@bar.service". */
    public String template() {
        int at = name.indexOf('@');
        return name.substring(0, at + 1) + "." + type();
    }

    /** %p: before '@', or the whole name without its type. */
    public String prefix() {
        String n = withoutType();
        int at = n.indexOf('@');
        return at < 0 ? n : n.substring(0, at);
    }

    /** %i: after '@', empty when not an instance. */
    public String instance() {
        String n = withoutType();
        int at = n.indexOf('@');
        return at < 0 ? "" : n.substring(at + 1);
    }

    /** Undoes systemd-escape: "-" is "/", "\xNN" is a byte (%I, %P). */
    public static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-') {
                b.append('/');
            } else if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                } catch (NumberFormatException e) {
                    b.append(c);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The drop-in directory names that apply, most specific last: "service.d", "a-.service.d", "a-b@.service.d", "a-b@c.service.d". */
    public java.util.List<String> dropInDirectories() {
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(type() + ".d");
        String base = isInstance() ? template().substring(0, template().lastIndexOf('.')) : withoutType();
        for (int dash = base.indexOf('-'); dash > 0 && dash < base.length() - 1; dash = base.indexOf('-', dash + 1)) {
            out.add(base.substring(0, dash + 1) + "." + type() + ".d");
        }
        if (isInstance()) {
            out.add(template() + ".d");
        }
        out.add(name + ".d");
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
