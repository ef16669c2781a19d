package io.memproxy.cli;

import io.memproxy.install.Installer;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What install, uninstall and ps share: the root option, error words, the recovery text. */
final class Fleet {
    private Fleet() {}

    /** The --root of every command: a value that is not a directory is a usage error (exit 2), the same everywhere. */
    static Root root(Path dir) {
        if (dir == null) {
            return Root.host();
        }
        if (!Files.isDirectory(dir)) {
            throw new MemproxyException(ExitCodes.USAGE, dir + ": not a directory (--root)");
        }
        return Root.at(dir);
    }

    /** The first line of install and uninstall: the preload file, and whether it changes. */
    static void heading(PrintWriter out, Root r, boolean changes, String unchanged) {
        out.println(Installer.PRELOAD + (r.isHost() ? "" : " under " + r.dir()) + (changes ? ":" : ": " + unchanged));
    }

    /** The end of a --dry-run. */
    static int dryRun(PrintWriter out) {
        out.println("dry run: nothing written");
        out.flush();
        return ExitCodes.OK;
    }

    /** A change of the preload file by the installer. */
    interface Change {
        Installer.Outcome write() throws IOException;
    }

    /**
     * Writes the change, saying what an interrupted run had left and where the previous file was saved; a
     * failure is one line that says the old file is unchanged.
     */
    static Installer.Outcome write(Change change, PrintWriter out) {
        Installer.Outcome o;
        try {
            o = change.write();
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, describe(e) + "; " + Installer.PRELOAD + " is unchanged");
        }
        o.leftoversRemoved().forEach(p -> out.println("removed " + p + ", left by an interrupted run"));
        if (o.backupWritten()) {
            out.println("previous file saved as " + Installer.BACKUP);
        }
        return o;
    }

    /** One line for an I/O failure: the file and the system's words (ENOSPC, EROFS, EACCES). */
    static String describe(IOException e) {
        return io.memproxy.loader.Root.message(e);
    }

    /** How to undo a preload file that stops programs from starting, when no program starts. */
    static void recovery(PrintWriter out) {
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
