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

    private PreloadChain() {}

    /** All entries: LD_PRELOAD (null or empty for none), then the preload file's bytes (null when absent). */
    public static List<Entry> of(String ldPreload, byte[] preloadFile) {
        List<Entry> out = new ArrayList<>();
        if (ldPreload != null) {
            splitEnvironment(ldPreload).forEach(n -> out.add(new Entry(n, Source.LD_PRELOAD)));
        }
        if (preloadFile != null) {
            splitFile(preloadFile).forEach(n -> out.add(new Entry(n, Source.PRELOAD_FILE)));
        }
        return out;
    }

    /** LD_PRELOAD: only ' ' and ':' separate; tabs and newlines are part of a name; empty tokens vanish. */
    public static List<String> splitEnvironment(String value) {
        List<String> out = new ArrayList<>();
        for (String t : value.split("[ :]")) {
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
     */
    public static List<String> splitFile(byte[] content) {
        byte[] buf = content.clone();
        int rest = buf.length;
        while (true) {
            int c = indexOf(buf, (byte) '#', rest);
            if (c < 0) {
                break;
            }
            rest -= c;
            do {
                buf[c] = ' ';
            } while (--rest > 0 && buf[++c] != '\n');
        }
        // The last name may lack a terminator; ld.so copies it separately, and the rest is a C string
        // (a NUL byte ends it).
        List<String> out = new ArrayList<>();
        if (buf.length == 0) {
            return out;
        }
        int problem = buf.length;
        if (isSeparator(buf[buf.length - 1])) {
            tokens(buf, 0, buf.length - 1, out);
        } else {
            while (problem > 0 && !isSeparator(buf[problem - 1])) {
                problem--;
            }
            if (problem > 0) {
                tokens(buf, 0, problem - 1, out);
            }
            int end = problem;
            while (end < buf.length && buf[end] != 0) {
                end++;
            }
            out.add(new String(buf, problem, end - problem, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static boolean isSeparator(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == ':';
    }

    /** strsep over buf[from, to) read as a C string; empty tokens are skipped. */
    private static void tokens(byte[] buf, int from, int to, List<String> out) {
        int start = from;
        for (int i = from; i <= to; i++) {
            boolean end = i == to || buf[i] == 0;
            if (end || isSeparator(buf[i])) {
                if (i > start) {
                    out.add(new String(buf, start, i - start, StandardCharsets.ISO_8859_1));
                }
                start = i + 1;
                if (end) {
                    return;
                }
            }
        }
    }

    private static int indexOf(byte[] buf, byte b, int limit) {
        for (int i = 0; i < limit && i < buf.length; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
