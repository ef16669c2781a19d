package io.memproxy.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The allocators the shim knows, in the order it tries them. An object provides a profile when it defines the
 * marker (if any) and every role but trim. The table is shim/data/allocators.tsv, which the shim's build turns
 * into its mp_profiles table and Maven copies into the jar, so the two cannot differ.
 *
 * @param name    the profile's name, as in {@code @allocator NAME} and the shim's debug line
 * @param marker  a symbol that identifies the allocator besides the role names
 * @param symbols the symbol per {@link Role}, in role order; trim's may be missing
 * @param trim    what {@code malloc_trim} does under the shim with this allocator
 */
public record AllocatorProfile(String name, Optional<String> marker, List<String> symbols, String trim) {
    /** Where the jar holds shim/data/allocators.tsv (inspector/pom.xml). */
    static final String TABLE = "/memproxy-shim/allocators.tsv";

    public static final List<AllocatorProfile> ALL = read();

    public String symbol(Role r) {
        return symbols.get(r.ordinal());
    }

    public static Optional<AllocatorProfile> named(String name) {
        for (AllocatorProfile p : ALL) {
            if (p.name.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Fields: name, marker, one symbol per role, then trim_kind, errno_roles, big_no_errno, stats (the shim's), trim_effect. */
    private static List<AllocatorProfile> read() {
        List<AllocatorProfile> out = new ArrayList<>();
        int roles = Role.values().length;
        for (String[] f : rows(TABLE)) {
            if (f.length != 7 + roles) {
                throw new IllegalStateException(TABLE + ": " + (7 + roles) + " fields expected: " + String.join("\t", f));
            }
            List<String> symbols = Arrays.asList(f).subList(2, 2 + roles);
            out.add(new AllocatorProfile(f[0], dash(f[1]), symbols.contains("-") ? symbols.subList(0, roles - 1) : List.copyOf(symbols),
                    f[f.length - 1]));
        }
        return List.copyOf(out);
    }

    private static Optional<String> dash(String field) {
        return field.equals("-") ? Optional.empty() : Optional.of(field);
    }

    /** The TAB-separated lines of a table in the jar, comments and empty lines left out. */
    static List<String[]> rows(String resource) {
        InputStream in = AllocatorProfile.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the jar lacks " + resource);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String[]> out = new ArrayList<>();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(l.split("\t", -1));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }
}
