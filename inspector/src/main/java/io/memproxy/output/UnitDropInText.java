package io.memproxy.output;

import io.memproxy.install.UnitDropIn;
import io.memproxy.loader.Root;
import java.io.PrintWriter;

/** The text of install --unit and uninstall --unit: the drop-in's change, what was done, how to apply it. */
public final class UnitDropInText {
    private UnitDropInText() {}

    /** The drop-in, and when it changes, its new lines. */
    public static void installPlan(PrintWriter out, Root root, UnitDropIn dropIn, boolean same, String content) {
        out.println(where(root, dropIn) + (same ? ": unchanged" : ":"));
        if (!same) {
            content.lines().forEach(l -> out.println("  + " + l));
        }
    }

    /** The drop-in and the lines that leave with it. */
    public static void uninstallPlan(PrintWriter out, Root root, UnitDropIn dropIn, String current) {
        out.println(where(root, dropIn) + ":");
        current.lines().forEach(l -> out.println("  - " + l));
    }

    public static void notThere(PrintWriter out, Root root, UnitDropIn dropIn) {
        out.println(where(root, dropIn) + ": not there");
        out.println("not installed: nothing changed");
        out.flush();
    }

    public static void removed(PrintWriter out, UnitDropIn dropIn, boolean directoryGone) {
        out.println("removed " + dropIn.path() + " (saved as " + dropIn.backup() + ")"
                + (directoryGone ? " and " + dropIn.directory() + ", which memproxy had created" : ""));
    }

    /** systemd reads drop-ins at daemon-reload; the running service keeps its environment until it restarts. */
    public static void howToApply(PrintWriter out, Root root, String unit) {
        out.println("to apply: systemctl daemon-reload && systemctl try-restart " + unit
                + (root.isHost() ? "" : "   (on the system under " + root.dir() + ")"));
        out.println("check it: memproxy doctor --unit " + unit + "; memproxy ps shows what the running process loaded");
    }

    private static String where(Root root, UnitDropIn dropIn) {
        return dropIn.path() + (root.isHost() ? "" : " under " + root.dir());
    }
}
