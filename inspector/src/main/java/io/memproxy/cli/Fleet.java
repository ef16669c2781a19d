package io.memproxy.cli;

import io.memproxy.install.Installer;
import io.memproxy.loader.Root;
import io.memproxy.output.PreloadChangeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What install, uninstall and ps share: the root option, error words, writing the preload file. */
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

    /** The end of a --dry-run: its line, exit 0. */
    static int dryRun(PrintWriter out) {
        PreloadChangeText.dryRun(out);
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
        PreloadChangeText.written(out, o);
        return o;
    }

    /** One line for an I/O failure: the file and the system's words (ENOSPC, EROFS, EACCES). */
    static String describe(IOException e) {
        return io.memproxy.loader.Root.message(e);
    }
}
