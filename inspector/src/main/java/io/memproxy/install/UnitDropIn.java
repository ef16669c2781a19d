package io.memproxy.install;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** What is there now, if anything. */
    public Optional<String> current() throws IOException {
        try {
            return Optional.of(Files.readString(root.file(path()), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public static boolean isOurs(String content) {
        return content.startsWith(MARK);
    }

    /** The drop-in that gives the service {@code ldPreload}. */
    public String content(String ldPreload) throws IOException {
        boolean created = !Files.isDirectory(root.file(directory()))
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

    /** Writes the drop-in atomically; returns whether the previous content was saved as {@link #backup()}. */
    public boolean write(String content) throws IOException {
        Optional<String> old = current();
        Files.createDirectories(root.file(directory()));
        removeLeftovers();
        boolean saved = false;
        if (old.isPresent()) {
            Files.createDirectories(root.file(BACKUPS));
            AtomicFile.replace(root.file(backup()), old.get().getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
            saved = true;
        }
        AtomicFile.replace(root.file(path()), content.getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
        return saved;
    }

    /** Temporary files of an interrupted write (never named *.conf, so systemd never read them). */
    private void removeLeftovers() throws IOException {
        for (Path p : AtomicFile.leftovers(root.file(path()))) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Removes memproxy's drop-in (saved as {@link #backup()} first), and the directory when memproxy created
     * it and nothing else is in it. Returns whether the directory went too.
     */
    public boolean remove(String content) throws IOException {
        Files.createDirectories(root.file(BACKUPS));
        AtomicFile.replace(root.file(backup()), content.getBytes(StandardCharsets.UTF_8), 0644, Step.Hook.NONE);
        AtomicFile.delete(root.file(path()), Step.Hook.NONE);
        removeLeftovers();
        Path dir = root.file(directory());
        if (!content.contains("\n" + CREATED_DIR + "\n") || Files.isSymbolicLink(dir)) {
            return false;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            if (ds.iterator().hasNext()) {
                return false;
            }
        }
        Files.delete(dir);
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }
}
