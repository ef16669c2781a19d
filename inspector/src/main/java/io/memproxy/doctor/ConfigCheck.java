package io.memproxy.doctor;

import io.memproxy.config.ConfigFile;
import io.memproxy.config.ConfigLine;
import io.memproxy.config.ExclusionList;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lints the exclusion list with the shim's own grammar (io.memproxy.config), and its ownership and mode. */
public final class ConfigCheck implements Check {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public String title() {
        return "Exclusion list";
    }

    @Override
    public List<Finding> run(Inspection in) {
        ConfigFile c = in.config();
        String p = c.path();
        List<Finding> out = new ArrayList<>();
        switch (c.state()) {
            case MISSING -> out.add(Finding.warning("config.missing", p,
                    p + " does not exist: the shim excludes no program, every process uses the allocator",
                    "create " + p + " with one program name per line (see memproxy.conf(5)), owned by root, mode 0644"));
            case NOT_REGULAR -> out.add(Finding.error("config.unreadable", p,
                    p + " is " + c.problem() + ": the shim ignores it and keeps every process on glibc (reason config-not-regular)",
                    "replace " + p + " with a regular file owned by root, mode 0644"));
            case UNREADABLE -> out.add(Finding.error("config.unreadable", p,
                    p + " cannot be read (" + c.problem() + "): if the shim cannot read it either, every process stays on glibc"
                            + " (reason config-unreadable)",
                    "make " + p + " a readable regular file owned by root, mode 0644"));
            case TOO_LARGE -> out.add(Finding.error("config.too-large", p,
                    p + " is " + c.problem() + ": the shim does not read it and keeps every process on glibc (reason config-too-large)",
                    "keep the list under 64 KiB: one program name per line"));
            case READ -> { }
        }
        // Owner and mode matter for a file the shim would read; a FIFO or device is refused whatever they are.
        boolean file = c.state() != ConfigFile.State.MISSING && c.state() != ConfigFile.State.NOT_REGULAR;
        if (file && c.uid() > 0) {
            out.add(Finding.error("config.unsafe-owner", p,
                    p + " is owned by uid " + c.uid() + ", not root: that user can re-route every process, root's included",
                    "chown root:root " + p));
        }
        if (file && (c.mode() & 022) != 0) {
            out.add(Finding.error("config.unsafe-mode", p,
                    p + " is " + ((c.mode() & 002) != 0 ? "world" : "group") + "-writable (mode "
                            + String.format("%04o", c.mode()) + "): anyone who can write it can re-route root's processes",
                    "chmod go-w " + p));
        }
        if (c.list().isPresent()) {
            lintLines(in, p, c.list().get(), out);
        }
        // Which file, and why that one (--config, the shim's compiled-in path, or the default).
        out.add(Finding.info("config.source", p, "examined " + p + ": " + in.configSource().why()));
        return out;
    }

    private static void lintLines(Inspection in, String p, ExclusionList list, List<Finding> out) {
        List<Integer> crlf = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ConfigLine l : list.lines()) {
            String at = p + ":" + l.number();
            if (l.crlf()) {
                crlf.add(l.number());
            }
            if (l.kind() == ConfigLine.Kind.BAD_DIRECTIVE) {
                out.add(Finding.error("config.bad-directive", at,
                        "'" + l.value() + "': " + l.problem() + "; the shim rejects the whole file and keeps every process on glibc"
                                + " (reason bad-config)",
                        "correct or delete line " + l.number() + " (see memproxy.conf(5))"));
                continue;
            }
            if (l.kind() != ConfigLine.Kind.NAME) {
                continue;
            }
            String name = l.value();
            if (l.trailingBlank()) {
                out.add(Finding.info("config.trailing-blank", at,
                        "'" + name + "' is followed by blanks; the shim trims them, older tools may not"));
            }
            if (name.contains("/")) {
                out.add(Finding.warning("config.path-entry", at,
                        "'" + name + "' contains a '/': the shim compares the executable's file name only, so it never matches",
                        "write the program's file name alone: " + in.realName(name)));
                continue;
            }
            Integer first = seen.putIfAbsent(name, l.number());
            if (first != null) {
                out.add(Finding.warning("config.duplicate", at,
                        "'" + name + "' is listed again (first on line " + first + ")", "delete line " + l.number()));
                continue;
            }
            var found = in.onSearchPath(name);
            if (found.isEmpty()) {
                out.add(Finding.warning("config.unknown-name", at,
                        "'" + name + "' matches no executable on PATH",
                        "check the spelling: the name must be the executable's file name, e.g. 'python3.11', not a link name"));
                continue;
            }
            String real = in.realName(found.get());
            if (!real.equals(name)) {
                out.add(Finding.warning("config.link-name", at,
                        "'" + name + "' is a link to '" + real + "': the shim matches the executable's real file name,"
                                + " so this line never matches",
                        "list '" + real + "' (add it next to '" + name + "')"));
            }
        }
        if (!list.bad().isEmpty() && list.lines().stream().noneMatch(l -> l.kind() == ConfigLine.Kind.BAD_DIRECTIVE)) {
            out.add(Finding.error("config.bad-directive", p,
                    list.bad() + "; the shim rejects the whole file and keeps every process on glibc (reason bad-config)",
                    "add the missing @symbol lines or use '@allocator auto'"));
        }
        if (!crlf.isEmpty()) {
            out.add(new Finding("config.crlf", Severity.WARNING, List.of(p + ":" + crlf.get(0)),
                    crlf.size() + " line(s) end in CR LF: memproxy accepts them, but the old shim silently ignored such lines",
                    "convert the file to LF line ends: sed -i 's/\\r$//' " + p));
        }
    }
}
