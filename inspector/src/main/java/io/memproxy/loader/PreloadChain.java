package io.memproxy.loader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The preload entries ld.so reads, in its order: LD_PRELOAD, then /etc/ld.so.preload (elf/rtld.c: dl_main).
 * Splitting follows ld.so exactly, quirks included.
 */
public final class PreloadChain {
    /** Where an entry came from; the text is the one ld.so's "cannot be preloaded" message uses. */
    public enum Source {
        LD_PRELOAD("LD_PRELOAD"),
        PRELOAD_FILE("/etc/ld.so.preload");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One name as ld.so will try to map it. */
    public record Entry(String name, Source source) {}

    /** ld.so drops LD_PRELOAD tokens this long silently (elf/rtld.c: handle_preload_list, PATH_MAX). */
    static final int MAX_ENV_TOKEN = 4096;

    /**
     * The most of /etc/ld.so.preload read: ld.so maps any size, but 1 MiB already holds the
     * {@link #MAX_ENTRIES} names examined at 64 bytes each; the bytes after it are reported, not read.
     */
    public static final long MAX_FILE = 1L << 20;

    /**
     * Entries of the preload file examined. ld.so has no count limit, but every object takes at least four
     * mappings and the kernel allows 65530 per process (vm.max_map_count), so no process starts with more.
     * The rest is counted ({@link #countFile}) and reported as one finding.
     */
    public static final int MAX_ENTRIES = 16384;

    private PreloadChain() {}

    /** All entries: LD_PRELOAD (null or empty for none), then the preload file's bytes (null when absent). */
    public static List<Entry> of(String ldPreload, byte[] preloadFile) {
        List<Entry> out = new ArrayList<>();
        if (ldPreload != null) {
            for (String n : splitEnvironment(ldPreload)) {
                out.add(new Entry(n, Source.LD_PRELOAD));
            }
        }
        if (preloadFile != null) {
            for (String n : splitFile(preloadFile, MAX_ENTRIES)) {
                out.add(new Entry(n, Source.PRELOAD_FILE));
            }
        }
        return out;
    }

    /** LD_PRELOAD: only ' ' and ':' separate; tabs and newlines are part of a name; empty tokens vanish. */
    public static List<String> splitEnvironment(String value) {
        List<String> out = new ArrayList<>();
        // Split by hand: a pattern here cost every run its compilation.
        for (int start = 0, end; start <= value.length(); start = end + 1) {
            end = start;
            while (end < value.length() && value.charAt(end) != ' ' && value.charAt(end) != ':') {
                end++;
            }
            String t = value.substring(start, end);
            if (!t.isEmpty() && t.getBytes(StandardCharsets.UTF_8).length < MAX_ENV_TOKEN) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * /etc/ld.so.preload: ' ', '\t', '\n', ':' separate ('\r' does not). Comments are removed by ld.so's loop
     * in dl_main, which always searches for '#' from the start of the buffer while shrinking the length it
     * searches: a comment after the shrunken prefix stays, as names.
     * At most {@code limit} names: a hostile file can hold millions.
     */
    public static List<String> splitFile(byte[] content, int limit) {
        List<String> out = new ArrayList<>();
        split(content, n -> {
            if (out.size() >= limit) {
                return false;
            }
            out.add(n);
            return true;
        });
        return out;
    }

    /** How many names the preload file holds, counted without keeping them. */
    public static long countFile(byte[] content) {
        long[] n = {0};
        split(content, name -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    /** Gives each name to {@code sink} until it returns false. */
    private static void split(byte[] content, java.util.function.Predicate<String> sink) {
        // The comment pass writes into the buffer: a copy only when there is a comment to remove.
        byte[] buf = indexOf(content, (byte) '#', 0, content.length) < 0 ? content : content.clone();
        int rest = buf.length;
        int from = 0;
        while (true) {
            // ld.so searches from the start each time; every '#' before the last one found is gone already.
            int c = indexOf(buf, (byte) '#', from, rest);
            if (c < 0) {
                break;
            }
            from = c;
            rest -= c;
            do {
                buf[c] = ' ';
            } while (--rest > 0 && buf[++c] != '\n');
        }
        // The last name may lack a terminator; ld.so copies it separately, and the rest is a C string
        // (a NUL byte ends it).
        if (buf.length == 0) {
            return;
        }
        int problem = buf.length;
        if (isSeparator(buf[buf.length - 1])) {
            tokens(buf, 0, buf.length - 1, sink);
        } else {
            while (problem > 0 && !isSeparator(buf[problem - 1])) {
                problem--;
            }
            if (problem > 0 && !tokens(buf, 0, problem - 1, sink)) {
                return;
            }
            int end = problem;
            while (end < buf.length && buf[end] != 0) {
                end++;
            }
            sink.test(new String(buf, problem, end - problem, StandardCharsets.ISO_8859_1));
        }
    }

    private static boolean isSeparator(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == ':';
    }

    /** strsep over buf[from, to) read as a C string; empty tokens are skipped. False when the sink stopped. */
    private static boolean tokens(byte[] buf, int from, int to, java.util.function.Predicate<String> sink) {
        int start = from;
        for (int i = from; i <= to; i++) {
            boolean end = i == to || buf[i] == 0;
            if (end || isSeparator(buf[i])) {
                if (i > start && !sink.test(new String(buf, start, i - start, StandardCharsets.ISO_8859_1))) {
                    return false;
                }
                start = i + 1;
                if (end) {
                    return true;
                }
            }
        }
        return true;
    }

    private static int indexOf(byte[] buf, byte b, int from, int limit) {
        for (int i = from; i < limit && i < buf.length; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
