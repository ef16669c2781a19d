package io.memproxy.install;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A change to /etc/ld.so.preload: the entries before and after, which of them are memproxy's, and which
 * unrelated ones are kept. Computed from files alone; {@link Installer} carries it out.
 *
 * @param oldContent the file's bytes, empty when there is no file
 * @param oldEntries the entries ld.so reads from it today (loader.PreloadChain's splitting)
 * @param newEntries the entries after the change, in order
 * @param ours       the entries memproxy added and will remove on uninstall (the state file's content)
 * @param kept       unrelated entries kept, in their order
 * @param dropped    entries removed: memproxy's old ones, duplicates
 */
public record PreloadPlan(Optional<byte[]> oldContent, List<String> oldEntries, List<String> newEntries,
        List<String> ours, List<String> kept, List<String> dropped) {
    public PreloadPlan {
        oldEntries = List.copyOf(oldEntries);
        newEntries = List.copyOf(newEntries);
        ours = List.copyOf(ours);
        kept = List.copyOf(kept);
        dropped = List.copyOf(dropped);
    }

    /** The file as memproxy writes it: one entry per line and nothing else (ld.so's '#' handling is fragile). */
    public byte[] newContent() {
        StringBuilder b = new StringBuilder();
        for (String e : newEntries) {
            b.append(e).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether the file must be written: its entries or its exact bytes differ from what memproxy would write. */
    public boolean changes() {
        if (newEntries.isEmpty()) {
            return oldContent.isPresent();
        }
        return oldContent.isEmpty() || !java.util.Arrays.equals(oldContent.get(), newContent());
    }

    /** Whether a file name is memproxy's shim, whatever its directory. */
    static boolean isShim(String entry) {
        String name = entry.substring(entry.lastIndexOf('/') + 1);
        return name.startsWith("libmemproxy");
    }

    /**
     * Install: the shim first, then the allocator, then every unrelated entry in its old order. Earlier
     * shims and repeats of the two are dropped. {@code recorded} is what an earlier install added.
     */
    public static PreloadPlan install(Optional<byte[]> old, List<String> oldEntries, String shim, String allocator,
            List<String> recorded) {
        List<String> entries = new ArrayList<>(List.of(shim, allocator));
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String e : oldEntries) {
            if (e.equals(shim) || e.equals(allocator) || isShim(e) || entries.contains(e)
                    || (recorded.contains(e) && !e.equals(allocator))) {
                if (!e.equals(shim) && !e.equals(allocator)) {
                    dropped.add(e);
                }
                continue;
            }
            entries.add(e);
            kept.add(e);
        }
        // memproxy owns what it added now and what it added before and still finds in the file.
        Set<String> ours = new LinkedHashSet<>();
        ours.add(shim);
        if (!oldEntries.contains(allocator) || recorded.contains(allocator)) {
            ours.add(allocator);
        }
        return new PreloadPlan(old, oldEntries, entries, new ArrayList<>(ours), kept, dropped);
    }

    /** Uninstall: every shim entry and every entry an install recorded as its own go; the rest stays in order. */
    public static PreloadPlan uninstall(Optional<byte[]> old, List<String> oldEntries, List<String> recorded) {
        List<String> entries = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String e : oldEntries) {
            if (isShim(e) || recorded.contains(e)) {
                dropped.add(e);
            } else {
                entries.add(e);
            }
        }
        return new PreloadPlan(old, oldEntries, entries, List.of(), entries, dropped);
    }

    /**
     * The change as a line diff of the entries ("- old", "+ new", "  same"), from their longest common
     * subsequence; files are a few lines long.
     */
    public List<String> diff() {
        List<String> a = oldEntries;
        List<String> b = newEntries;
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + b.get(j++));
            } else {
                out.add("- " + a.get(i++));
            }
        }
        return out;
    }
}
