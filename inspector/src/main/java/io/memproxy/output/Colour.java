package io.memproxy.output;

import org.jline.jansi.Ansi;

/**
 * The colours of text output, on or off (a terminal, no NO_COLOR, no --no-color: the command decides).
 * Every text renderer styles through here, so "off" always means the plain text, byte for byte.
 */
public record Colour(boolean on) {
    public static final Colour OFF = new Colour(false);

    /** {@code text} in colour {@code c}; {@link Ansi.Color#DEFAULT} keeps the terminal's colour. */
    public String paint(String text, Ansi.Color c) {
        return paint(text, c, false);
    }

    /** {@code text} in colour {@code c}, bold when asked. */
    public String paint(String text, Ansi.Color c, boolean bold) {
        if (!on) {
            return text;
        }
        Ansi a = Ansi.ansi();
        if (bold) {
            a = a.bold();
        }
        return (c == Ansi.Color.DEFAULT ? a : a.fg(c)).a(text).reset().toString();
    }

    public String bold(String text) {
        return paint(text, Ansi.Color.DEFAULT, true);
    }

    /** Dimmed: what is there for reference (a finding id, an undefined symbol, a repeated object). */
    public String faint(String text) {
        return on ? Ansi.ansi().a(Ansi.Attribute.INTENSITY_FAINT).a(text).reset().toString() : text;
    }
}
