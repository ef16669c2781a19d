package io.memproxy.install;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * memproxy's drop-in for one systemd unit, /etc/systemd/system/NAME.d/memproxy.conf, which sets the
 * service's LD_PRELOAD. Its first line marks it as memproxy's, so that uninstall removes only a file
 * memproxy wrote; the previous content is kept under /var/lib/memproxy (a backup inside the ".d"
 * directory would have to avoid the ".conf" suffix, and would still be a surprise there).
 */
public final class UnitDropIn {
    static final String MARK = "# Written by memproxy install --unit";
    static final String CREATED_DIR = "# memproxy created this directory";
    static final String BACKUPS = "/var/lib/memproxy/unit-backups";

    private static final long MAX_DROP_IN = 1 << 20;

    private final Root root;
    private final String unit;

    public UnitDropIn(Root root, String unit) {
        this.root = root;
        this.unit = unit;
    }

    /** The drop-in as the system names it. */
    public String path() {
        return directory() + "/memproxy.conf";
    }

    public String directory() {
        return "/etc/systemd/system/" + unit + ".d";
    }

    /** Where the previous content is saved. */
    public String backup() {
        return BACKUPS + "/" + unit + ".d-memproxy.conf";
    }

    /** What is there now, if anything (read inside the root, a regular file of at most 1 MiB). */
    public Optional<String> current() throws IOException {
        return root.readIfPresent(path(), MAX_DROP_IN).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    public static boolean isOurs(String content) {
        return content.startsWith(MARK);
    }

    /** The drop-in that gives the service {@code ldPreload}. */
    public String content(String ldPreload) throws IOException {
        boolean created = !root.stat(directory()).map(BasicFileAttributes::isDirectory).orElse(false)
                || current().map(c -> c.contains("\n" + CREATED_DIR + "\n")).orElse(false);
        return MARK + " " + unit + "; memproxy uninstall --unit " + unit + " removes it.\n"
                + (created ? CREATED_DIR + "\n" : "")
                + "[Service]\n"
                + "Environment=\"LD_PRELOAD=" + quote(ldPreload) + "\"\n";
    }

    /** Inside double quotes in a unit file: backslash and quote escaped, '%' doubled so that no specifier applies. */
    static String quote(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%");
    }

    /**
     * Writes the drop-in atomically; returns whether the previous content was saved as {@link #backup()}. Every
     * directory is opened inside the root without following links, so a link in the image cannot move the write.
     */
    public boolean write(String content) throws IOException {
        Optional<String> old = current();
        root.directory(directory(), true).close();
        AtomicFile.removeLeftovers(root, path());
        boolean saved = false;
        if (old.isPresent()) {
            root.directory(BACKUPS, true).close();
            AtomicFile.replace(root, backup(), old.get().getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
            saved = true;
        }
        AtomicFile.replace(root, path(), content.getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
        return saved;
    }

    /**
     * Removes memproxy's drop-in (saved as {@link #backup()} first), and the directory when memproxy created
     * it and nothing else is in it. Returns whether the directory went too.
     */
    public boolean remove(String content) throws IOException {
        root.directory(BACKUPS, true).close();
        AtomicFile.replace(root, backup(), content.getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
        AtomicFile.delete(root, path(), Step.Hook.NONE);
        AtomicFile.removeLeftovers(root, path());
        if (!content.contains("\n" + CREATED_DIR + "\n")) {
            return false;
        }
        String name = directory().substring(directory().lastIndexOf('/') + 1);
        try (Root.Directory parent = root.directory("/etc/systemd/system", false)) {
            Optional<java.nio.file.attribute.PosixFileAttributes> a = parent.attributes(name);
            if (a.isEmpty() || !a.get().isDirectory()) {
                return false;
            }
            try (Root.Directory d = root.directory(directory(), false)) {
                if (!d.list(n -> true).isEmpty()) {
                    return false;
                }
            }
            return parent.deleteDirectory(name);
        }
    }
}
