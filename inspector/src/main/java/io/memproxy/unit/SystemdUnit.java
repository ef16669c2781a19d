package io.memproxy.unit;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A unit as the system manager loads it, read offline the way {@code systemctl cat} shows it: the unit
 * file from the first directory of the search path that has it (so /etc overrides /usr/lib), then every
 * drop-in {@code *.conf} of the unit's ".d" directories, a drop-in in an earlier directory hiding one of
 * the same name in a later one, applied in the order of their file names.
 */
public final class SystemdUnit {
    /** The system manager's unit search path, highest priority first (systemd.unit(5), "Unit File Load Path"). */
    public static final List<String> SEARCH_PATH = List.of("/etc/systemd/system.control", "/run/systemd/system.control",
            "/run/systemd/transient", "/run/systemd/generator.early", "/etc/systemd/system", "/etc/systemd/system.attached",
            "/run/systemd/system", "/run/systemd/system.attached", "/run/systemd/generator", "/usr/local/lib/systemd/system",
            "/usr/lib/systemd/system", "/lib/systemd/system", "/run/systemd/generator.late");

    /** systemd refuses longer unit files; so does this reader, before reading them whole. */
    static final long MAX_FILE = 4L << 20;

    /** Why a unit cannot be read at all: one line, exit 3. */
    public static final class UnitException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnitException(String message) {
            super(message);
        }
    }

    private final UnitName name;
    private final String fragment;
    private final List<String> dropIns;
    private final List<UnitSyntax.Assignment> assignments;
    private final List<String> problems;

    private SystemdUnit(UnitName name, String fragment, List<String> dropIns, List<UnitSyntax.Assignment> assignments,
            List<String> problems) {
        this.name = name;
        this.fragment = fragment;
        this.dropIns = List.copyOf(dropIns);
        this.assignments = List.copyOf(assignments);
        this.problems = List.copyOf(problems);
    }

    public static SystemdUnit load(Root root, UnitName name) throws UnitException {
        return load(root, name, Optional.empty());
    }

    /** A drop-in not written yet: its path as the system names it, and its text. */
    public record Pending(String path, String text) {}

    /** The unit as it will be once {@code pending} is written (replacing any file at its path). */
    public static SystemdUnit load(Root root, UnitName name, Optional<Pending> pending) throws UnitException {
        String fragment = null;
        for (String dir : SEARCH_PATH) {
            String p = dir + "/" + name.name();
            if (lstat(root, p).isPresent()) {
                fragment = p;
                break;
            }
            if (name.isInstance() && lstat(root, dir + "/" + name.template()).isPresent()) {
                fragment = dir + "/" + name.template();
                break;
            }
        }
        if (fragment == null) {
            throw new UnitException(name + ": no such unit file in " + String.join(", ", SEARCH_PATH.subList(4, 5))
                    + " or the other directories of systemd's search path" + (root.isHost() ? "" : " (under --root " + root + ")"));
        }
        if (masked(root, fragment)) {
            throw new UnitException(name + " is masked (" + fragment + " links to /dev/null): systemd will not start it");
        }
        // Later directories first, so that an earlier directory's drop-in of the same name replaces it.
        Map<String, String> byName = new TreeMap<>();
        for (String dirName : name.dropInDirectories()) {
            List<String> dirs = new ArrayList<>(SEARCH_PATH);
            java.util.Collections.reverse(dirs);
            for (String dir : dirs) {
                String d = dir + "/" + dirName;
                if (!Files.isDirectory(root.file(d))) {
                    continue;
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.file(d), "*.conf")) {
                    for (Path p : ds) {
                        byName.put(p.getFileName().toString(), d + "/" + p.getFileName());
                    }
                } catch (IOException e) {
                    throw new UnitException(d + ": cannot list drop-ins: " + e.getMessage());
                }
            }
        }
        pending.ifPresent(p -> byName.put(p.path().substring(p.path().lastIndexOf('/') + 1), p.path()));
        List<UnitSyntax.Assignment> all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> files = new LinkedHashMap<>();
        files.put(fragment, read(root, fragment));
        for (String d : byName.values()) {
            files.put(d, pending.isPresent() && pending.get().path().equals(d) ? pending.get().text() : read(root, d));
        }
        files.forEach((path, text) -> {
            UnitSyntax.Parsed p = UnitSyntax.parse(text, path);
            all.addAll(p.assignments());
            problems.addAll(p.problems());
        });
        return new SystemdUnit(name, fragment, List.copyOf(byName.values()), all, problems);
    }

    /** lstat(2) of a unit path inside the root: the directory is resolved there, the file itself not followed. */
    private static Optional<java.nio.file.attribute.PosixFileAttributes> lstat(Root root, String path) {
        int slash = path.lastIndexOf('/');
        try (Root.Directory d = root.directory(path.substring(0, slash), false)) {
            return d.attributes(path.substring(slash + 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A unit file that is a link to /dev/null is masked (systemctl mask); /dev/null need not exist under --root. */
    private static boolean masked(Root root, String path) {
        int slash = path.lastIndexOf('/');
        String leaf = path.substring(slash + 1);
        try (Root.Directory d = root.directory(path.substring(0, slash), false)) {
            Optional<java.nio.file.attribute.PosixFileAttributes> a = d.attributes(leaf);
            if (a.isPresent() && a.get().isSymbolicLink()
                    && Files.readSymbolicLink(d.hostPath(leaf)).toString().equals("/dev/null")) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        try {
            return root.realPath(path).equals("/dev/null");
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Root root, String systemPath) throws UnitException {
        Path f = root.file(systemPath);
        try {
            java.nio.file.attribute.BasicFileAttributes st = root.stat(systemPath)
                    .orElseThrow(() -> new UnitException(systemPath + ": no such file"));
            if (!st.isRegularFile()) {
                // A FIFO or a device would block or never end: systemd reads regular files only.
                throw new UnitException(systemPath + ": not a regular file");
            }
            if (st.size() > MAX_FILE) {
                throw new UnitException(systemPath + ": larger than " + (MAX_FILE >> 20) + " MiB, not a unit file");
            }
            try (InputStream in = Files.newInputStream(root.isHost() ? f : root.file(root.realPath(systemPath)))) {
                byte[] b = in.readNBytes((int) MAX_FILE + 1);
                if (b.length > MAX_FILE) {
                    throw new UnitException(systemPath + ": larger than " + (MAX_FILE >> 20) + " MiB, not a unit file");
                }
                return new String(b, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UnitException(systemPath + ": cannot read: " + e.getMessage());
        }
    }

    public UnitName name() {
        return name;
    }

    /** The unit file itself (possibly a template), as the system names it. */
    public String fragment() {
        return fragment;
    }

    /** The drop-ins in the order systemd applies them. */
    public List<String> dropIns() {
        return dropIns;
    }

    /** Lines systemd would ignore with a warning. */
    public List<String> problems() {
        return problems;
    }

    /** Every assignment of {@code key} in {@code section}, in the order systemd applies them. */
    public List<UnitSyntax.Assignment> all(String section, String key) {
        return assignments.stream().filter(a -> a.section().equals(section) && a.key().equals(key)).toList();
    }

    /** A list setting: the assignments after the last empty one, which resets the list. */
    public List<UnitSyntax.Assignment> list(String section, String key) {
        List<UnitSyntax.Assignment> all = all(section, key);
        int reset = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).value().isEmpty()) {
                reset = i;
            }
        }
        return all.subList(reset + 1, all.size());
    }

    /** A single-valued setting: the last assignment, empty when unset or reset to its default. */
    public Optional<UnitSyntax.Assignment> last(String section, String key) {
        List<UnitSyntax.Assignment> all = all(section, key);
        return all.isEmpty() || all.get(all.size() - 1).value().isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
