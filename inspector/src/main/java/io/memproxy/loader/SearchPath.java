package io.memproxy.loader;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Search path lists and dynamic string tokens (elf/dl-load.c: fillin_rpath, _dl_dst_substitute, is_dst,
 * open_path; elf/dl-hwcaps.c). Directories are kept as ld.so keeps them: with a trailing '/', and "" for
 * an empty element, which names the current directory.
 */
public final class SearchPath {
    /**
     * What a DST expands to for one object: its $ORIGIN (null when unknown, which discards the element),
     * the platform, whether the process is secure, whether the object is the executable, and the loader
     * profile of the process ($LIB, the trusted directories).
     */
    public record DstContext(String origin, String platform, boolean secure, boolean executable, LoaderRules rules) {
        /** For an x86-64 process. */
        public DstContext(String origin, String platform, boolean secure, boolean executable) {
            this(origin, platform, secure, executable, LoaderRules.DEBIAN_12_X86_64);
        }
    }

    private SearchPath() {}

    /** True when the string holds a DST ld.so knows ($ORIGIN, $PLATFORM, $LIB, braced or not). */
    public static boolean hasDst(String s) {
        for (int i = s.indexOf('$'); i >= 0; i = s.indexOf('$', i + 1)) {
            if (dstLength(s, i + 1, "ORIGIN") > 0 || dstLength(s, i + 1, "PLATFORM") > 0 || dstLength(s, i + 1, "LIB") > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Expands the DSTs in one element (elf/dl-load.c: _dl_dst_substitute). Empty when ld.so discards the
     * element: an $ORIGIN it cannot supply, or a secure-mode $ORIGIN that is not the whole first component
     * or (for the executable) expands outside the trusted directories.
     */
    public static Optional<String> expand(String input, DstContext ctx) {
        StringBuilder out = new StringBuilder();
        boolean checkTrusted = false;
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            int at = i + 1;
            int len;
            String repl;
            if ((len = dstLength(input, at, "ORIGIN")) > 0) {
                boolean alone = at == 1 && (at + len == input.length() || input.charAt(at + len) == '/');
                repl = ctx.secure() && !alone ? null : ctx.origin();
                checkTrusted = ctx.secure() && ctx.executable();
            } else if ((len = dstLength(input, at, "PLATFORM")) > 0) {
                repl = ctx.platform();
            } else if ((len = dstLength(input, at, "LIB")) > 0) {
                repl = ctx.rules().dstLib();
            } else {
                out.append('$');
                i++;
                continue;
            }
            if (repl == null) {
                return Optional.empty();
            }
            out.append(repl);
            i = at + len;
        }
        String result = out.toString();
        if (checkTrusted && !isTrusted(result, ctx.rules())) {
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /** elf/dl-load.c: is_trusted_path_normalize, against the system directories. */
    static boolean isTrusted(String path, LoaderRules rules) {
        String norm = normalize(path);
        for (String d : rules.systemDirs()) {
            if (norm.startsWith(d)) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(p);
            }
        }
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts) + "/";
    }

    /** elf/dl-load.c: is_dst. Length of the token at {@code at} (after '$'), 0 when it is not {@code name}. */
    static int dstLength(String s, int at, String name) {
        boolean curly = at < s.length() && s.charAt(at) == '{';
        int start = curly ? at + 1 : at;
        if (!s.startsWith(name, start)) {
            return 0;
        }
        int end = start + name.length();
        if (curly) {
            return end < s.length() && s.charAt(end) == '}' ? name.length() + 2 : 0;
        }
        if (end < s.length()) {
            char n = s.charAt(end);
            if (Character.isLetterOrDigit(n) && n < 128 || n == '_') {
                return 0;
            }
        }
        return name.length();
    }

    /**
     * Splits a list (DT_RPATH, DT_RUNPATH: ":"; LD_LIBRARY_PATH: ":;") the way fillin_rpath does: DSTs
     * expanded, elements that expand to nothing dropped, trailing slashes reduced to one, an empty element
     * kept as "" (the CWD), duplicates dropped.
     */
    public static List<String> parseList(String list, String separators, DstContext ctx) {
        Set<String> out = new LinkedHashSet<>();
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            if (i < list.length() && separators.indexOf(list.charAt(i)) < 0) {
                continue;
            }
            String cp = list.substring(start, i);
            start = i + 1;
            if (!cp.isEmpty()) {
                Optional<String> e = expand(cp, ctx);
                if (e.isEmpty() || e.get().isEmpty()) {
                    continue;
                }
                cp = e.get();
                int len = cp.length();
                while (len > 1 && cp.charAt(len - 1) == '/') {
                    len--;
                }
                cp = cp.substring(0, len);
                if (!cp.endsWith("/")) {
                    cp = cp + "/";
                }
            }
            out.add(cp);
        }
        return List.copyOf(out);
    }

    /**
     * The files open_path tries for {@code name} in one directory, in order: glibc-hwcaps subdirectories,
     * legacy hwcap subdirectories, then the directory itself. Repeated legacy names are tried once.
     */
    public static List<String> candidates(String dir, String name, HostCapabilities host) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : host.hwcapsSubdirs()) {
            out.add(dir + "glibc-hwcaps/" + s + "/" + name);
        }
        for (String s : host.legacySubdirs()) {
            out.add(dir + s + "/" + name);
        }
        out.add(dir + name);
        return List.copyOf(out);
    }
}
