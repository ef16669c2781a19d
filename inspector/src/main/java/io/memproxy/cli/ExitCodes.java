package io.memproxy.cli;

/** Exit codes shared by every command; each command's help says which of them it uses. */
public final class ExitCodes {
    private ExitCodes() {}

    /** Everything worked and nothing is wrong. */
    public static final int OK = 0;
    /** The command ran and found a problem: unreadable input, unresolvable target, errors in a check. */
    public static final int PROBLEM = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;
    /** The command could not do its work at all (internal failure, could not inspect). */
    public static final int COULD_NOT_RUN = 3;

    /** The text appended to every command's help. */
    public static final String HELP_FOOTER = "%nExit codes:%n"
            + "  0  success%n"
            + "  1  a problem was found (see the command's description)%n"
            + "  2  usage error%n"
            + "  3  the command could not run (internal failure)%n";
}
