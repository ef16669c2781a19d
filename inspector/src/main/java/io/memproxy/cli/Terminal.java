package io.memproxy.cli;

/**
 * What the launching environment says about colour: a terminal on stdout, and NO_COLOR.
 * Tests build their own value, so in-process runs never see the developer's terminal.
 */
public record Terminal(boolean stdoutIsTerminal, boolean noColorEnv) {
    public static Terminal detect() {
        String noColor = System.getenv("NO_COLOR");
        // System.console() is null when stdin or stdout is redirected.
        return new Terminal(System.console() != null, noColor != null && !noColor.isEmpty());
    }

    public static Terminal none() {
        return new Terminal(false, false);
    }

    /** Colour is on only for a terminal, without NO_COLOR, and without --no-color. */
    public boolean colorWanted(boolean noColorOption) {
        return stdoutIsTerminal && !noColorEnv && !noColorOption;
    }
}
