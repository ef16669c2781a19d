package io.memproxy.loader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories ldconfig caches, from /etc/ld.so.conf and its includes (elf/ldconfig.c: parse_conf,
 * parse_conf_include, add_dir_1), followed by the multiarch and default directories Debian appends.
 * ld.so itself never reads this file; it explains where cache entries come from.
 */
public final class LdSoConf {
    /** A directory as configured, and the file and line that named it (null for the built-in ones). */
    public record Dir(String path, String file, int line) {}

    /** What ldconfig says about a line it does not use. */
    public record Warning(String file, int line, String message) {}

    public record Result(List<Dir> dirs, List<Warning> warnings) {}

    /** Debian's local-ldconfig-multiarch.diff appends these after the configured ones. */
    public static final List<String> SYSTEM_DIRS = LoaderRules.DEBIAN_12_X86_64.ldconfigDirs();

    private static final int MAX_DEPTH = 16;

    private final Root root;
    private final List<Dir> dirs = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final Set<Object> seen = new HashSet<>();

    private LdSoConf(Root root) {
        this.root = root;
    }

    /** Reads {@code /etc/ld.so.conf} under the root. A missing file gives only the system directories. */
    public static Result read(Root root) {
        return read(root, "/etc/ld.so.conf");
    }

    public static Result read(Root root, String confFile) {
        LdSoConf c = new LdSoConf(root);
        c.parse(confFile, 0);
        for (String d : SYSTEM_DIRS) {
            c.add(d, null, 0);
        }
        return new Result(List.copyOf(c.dirs), List.copyOf(c.warnings));
    }

    private void parse(String file, int depth) {
        if (depth > MAX_DEPTH) {
            warnings.add(new Warning(file, 0, "includes nested too deeply"));
            return;
        }
        List<String> lines;
        try {
            lines = List.of(new String(Files.readAllBytes(root.file(file)), StandardCharsets.ISO_8859_1).split("\n", -1));
        } catch (IOException | RuntimeException e) {
            if (depth > 0) {
                warnings.add(new Warning(file, 0, "cannot read"));
            }
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String s = line.replaceFirst("^[ \t]+", "");
            if (s.isEmpty()) {
                continue;
            }
            if (s.startsWith("include") && s.length() > 7 && (s.charAt(7) == ' ' || s.charAt(7) == '\t')) {
                for (String pattern : s.substring(8).trim().split("[ \t]+")) {
                    if (!pattern.isEmpty()) {
                        include(file, pattern, depth);
                    }
                }
            } else if (s.regionMatches(true, 0, "hwcap", 0, 5) && (s.length() == 5 || s.charAt(5) == ' ' || s.charAt(5) == '\t')) {
                warnings.add(new Warning(file, i + 1, "hwcap directive ignored"));
            } else {
                add(s, file, i + 1);
            }
        }
    }

    /** A relative pattern is relative to the including file's directory; matches are taken sorted. */
    private void include(String file, String pattern, int depth) {
        String full = pattern;
        if (!pattern.startsWith("/")) {
            int slash = file.lastIndexOf('/');
            full = (slash >= 0 ? file.substring(0, slash + 1) : "") + pattern;
        }
        for (String match : glob(full)) {
            parse(match, depth + 1);
        }
    }

    /** glob(3) over absolute loader paths, component by component, sorted like glob's default. */
    private List<String> glob(String pattern) {
        List<String> current = List.of("");
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            List<String> next = new ArrayList<>();
            for (String dir : current) {
                if (!part.matches(".*[*?\\[].*")) {
                    next.add(dir + "/" + part);
                    continue;
                }
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.file(dir.isEmpty() ? "/" : dir))) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        if (m.matches(Path.of(name)) && (!name.startsWith(".") || part.startsWith("."))) {
                            names.add(name);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                names.sort(null);
                names.forEach(n -> next.add(dir + "/" + n));
            }
            current = next;
        }
        return current.stream().filter(root::exists).toList();
    }

    private void add(String line, String file, int lineNo) {
        String d = line;
        int eq = d.indexOf('=');
        if (eq >= 0) {
            d = d.substring(0, eq);
        }
        d = d.replaceFirst("[ \t]+$", "");
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        BasicFileAttributes a = root.stat(d).orElse(null);
        if (a == null) {
            if (file != null) {
                warnings.add(new Warning(file, lineNo, "Can't stat " + d));
            }
            return;
        }
        Object key = a.fileKey() != null ? a.fileKey() : d;
        if (!seen.add(key)) {
            if (file != null) {
                warnings.add(new Warning(file, lineNo, "Path `" + d + "' given more than once"));
            }
            return;
        }
        dirs.add(new Dir(d, file, lineNo));
    }
}
