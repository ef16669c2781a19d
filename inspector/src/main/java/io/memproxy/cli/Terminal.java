package io.memproxy.cli;

import java.util.Locale;
import java.util.Map;

/**
 * What the launching environment says about output: a terminal on stdout, NO_COLOR, and whether the
 * locale's character set is UTF-8 (otherwise marks and tree lines are ASCII). Tests build their own
 * value, so in-process runs never see the developer's terminal.
 */
public record Terminal(boolean stdoutIsTerminal, boolean noColorEnv, boolean unicode) {
    public Terminal(boolean stdoutIsTerminal, boolean noColorEnv) {
        this(stdoutIsTerminal, noColorEnv, true);
    }

    public static Terminal detect() {
        String noColor = System.getenv("NO_COLOR");
        // System.console() is null when stdin or stdout is redirected.
        return new Terminal(System.console() != null, noColor != null && !noColor.isEmpty(), utf8Locale(System.getenv()));
    }

    public static Terminal none() {
        return new Terminal(false, false);
    }

    /**
     * Whether the locale setlocale(LC_CTYPE, "") would pick is UTF-8: the first of LC_ALL, LC_CTYPE and
     * LANG that is set and not empty decides; none at all is the C locale, which is ASCII.
     */
    static boolean utf8Locale(Map<String, String> env) {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = env.get(name);
            if (v != null && !v.isEmpty()) {
                String charset = v.toLowerCase(Locale.ROOT);
                return charset.contains("utf-8") || charset.contains("utf8");
            }
        }
        return false;
    }

    /** Colour is on only for a terminal, without NO_COLOR, and without --no-color. */
    public boolean colorWanted(boolean noColorOption) {
        return stdoutIsTerminal && !noColorEnv && !noColorOption;
    }
}
