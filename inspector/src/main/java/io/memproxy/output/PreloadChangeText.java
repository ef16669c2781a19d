package io.memproxy.output;

import io.memproxy.config.ConfigFile;
import io.memproxy.install.Installer;
import io.memproxy.install.PreloadPlan;
import io.memproxy.loader.Root;
import java.io.PrintWriter;

/** The text of install and uninstall for the preload file: the plan, what was written, how to recover. */
public final class PreloadChangeText {
    private PreloadChangeText() {}

    /** The preload file, whether it changes, and the lines that change. */
    public static void installPlan(PrintWriter out, Root r, PreloadPlan plan) {
        heading(out, r, plan.changes(), "unchanged");
        plan.diff().forEach(l -> out.println("  " + l));
        plan.kept().forEach(k -> out.println("kept " + k + " (not memproxy's), after memproxy's entries"));
        plan.dropped().forEach(k -> out.println("dropped " + k + " (an earlier memproxy entry)"));
    }

    /** The preload file, and when memproxy's entries leave it, the lines that change. */
    public static void uninstallPlan(PrintWriter out, Root r, PreloadPlan plan, boolean changes) {
        heading(out, r, changes, "no memproxy entries");
        if (changes) {
            plan.diff().forEach(l -> out.println("  " + l));
            plan.kept().forEach(k -> out.println("kept " + k + " (not memproxy's)"));
        }
    }

    private static void heading(PrintWriter out, Root r, boolean changes, String unchanged) {
        out.println(Installer.PRELOAD + (r.isHost() ? "" : " under " + r.dir()) + (changes ? ":" : ": " + unchanged));
    }

    /** The end of a --dry-run. */
    public static void dryRun(PrintWriter out) {
        out.println("dry run: nothing written");
        out.flush();
    }

    /** What writing the change left behind: files of an interrupted run removed, the previous file saved. */
    public static void written(PrintWriter out, Installer.Outcome o) {
        o.leftoversRemoved().forEach(p -> out.println("removed " + p + ", left by an interrupted run"));
        if (o.backupWritten()) {
            out.println("previous file saved as " + Installer.BACKUP);
        }
    }

    /** The outcome of install: the list installed at {@code configPath} if it was, then the chain. */
    public static void installed(PrintWriter out, Installer.Outcome o, String configPath, String shim, String allocator) {
        if (o.configInstalled()) {
            out.println("installed the default " + configPath + " (nothing excluded yet; see memproxy scan --suggest-config)");
        }
        out.println(o.preloadWritten() ? "installed: programs started from now on load " + shim + " and " + allocator
                : "already installed: nothing changed");
        out.println("running processes keep what they have; memproxy ps shows them");
    }

    public static void uninstalled(PrintWriter out, Installer.Outcome o, PreloadPlan plan) {
        out.println(o.preloadWritten()
                ? (plan.newEntries().isEmpty() ? "uninstalled: " + Installer.PRELOAD + " removed (nothing else was in it)"
                        : "uninstalled: programs started from now on do not load memproxy")
                : "not installed: nothing changed");
        out.println("kept " + ConfigFile.DEFAULT_PATH + " (your exclusion list)");
    }

    /** How to undo a preload file that stops programs from starting, when no program starts. */
    public static void recovery(PrintWriter out) {
        out.println();
        out.println("If programs stop starting because of " + Installer.PRELOAD + ":");
        out.println("  from any shell that still works:  memproxy uninstall   or   mv " + Installer.BACKUP + " " + Installer.PRELOAD);
        out.println("  a statically linked shell ignores the file:  busybox rm " + Installer.PRELOAD
                + "   (Debian package busybox-static)");
        out.println("  at boot, add  break=bottom  to the kernel command line (Debian initramfs-tools); in that shell:");
        out.println("    mount -o remount,rw /root && rm /root" + Installer.PRELOAD);
        out.println("  or boot a rescue system, mount the root file system and remove etc/ld.so.preload there.");
    }
}
