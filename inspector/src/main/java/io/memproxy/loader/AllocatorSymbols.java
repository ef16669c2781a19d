package io.memproxy.loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The symbols an allocator replaces: the C malloc family and the C++ operators new and delete. They are the
 * "malloc" and "c++" groups of the shim's export list, shim/data/exports.txt, which the shim's build links by
 * and Maven copies into the jar.
 */
public final class AllocatorSymbols {
    private AllocatorSymbols() {}

    /** Where the jar holds shim/data/exports.txt (inspector/pom.xml). */
    static final String TABLE = "/memproxy-shim/exports.txt";

    private static final List<String[]> EXPORTS = read();

    public static final List<String> MALLOC_FAMILY = group("malloc");

    /**
     * operator new/delete in all their Itanium-mangled forms (sized, nothrow, aligned) for both word sizes: the
     * list has them for a 64-bit size_t ('m'); on i386 size_t is unsigned int, mangled 'j' ({@code _Znwj},
     * {@code _ZdlPvj}).
     */
    public static final List<String> NEW_DELETE = both(group("c++"));

    /** Both families. */
    public static final Set<String> ALL = Set.copyOf(concat());

    private static List<String> group(String name) {
        List<String> out = new ArrayList<>();
        for (String[] f : EXPORTS) {
            if (f[1].equals(name)) {
                out.add(f[0]);
            }
        }
        return List.copyOf(out);
    }

    private static List<String> both(List<String> lp64) {
        List<String> out = new ArrayList<>(lp64);
        for (String s : lp64) {
            String ilp32 = ilp32(s);
            if (!ilp32.equals(s)) {
                out.add(ilp32);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The i386 mangling of an LP64 operator new/delete: the size_t 'm' after {@code _Znw}, {@code _Zna},
     * {@code _ZdlPv} or {@code _ZdaPv} becomes 'j'; any other name unchanged. (Plain string tests: a regular
     * expression here cost every doctor run a pattern compilation per name.)
     */
    static String ilp32(String lp64) {
        int m = lp64.startsWith("_Znw") || lp64.startsWith("_Zna") ? 4 : lp64.startsWith("_ZdlPv") || lp64.startsWith("_ZdaPv") ? 6 : -1;
        return m > 0 && lp64.length() > m && lp64.charAt(m) == 'm' ? lp64.substring(0, m) + 'j' + lp64.substring(m + 1) : lp64;
    }

    private static List<String> concat() {
        List<String> all = new ArrayList<>(MALLOC_FAMILY);
        all.addAll(NEW_DELETE);
        return all;
    }

    /** Lines "SYMBOL TAB GROUP"; '#' lines and empty lines are comments. */
    private static List<String[]> read() {
        InputStream in = AllocatorSymbols.class.getResourceAsStream(TABLE);
        if (in == null) {
            throw new IllegalStateException("the jar lacks " + TABLE);
        }
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (f.length != 2) {
                    throw new IllegalStateException(TABLE + ": SYMBOL<TAB>GROUP expected: " + line);
                }
                out.add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(TABLE, e);
        }
        return out;
    }
}
