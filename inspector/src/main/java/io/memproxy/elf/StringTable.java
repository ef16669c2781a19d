package io.memproxy.elf;

import java.util.Arrays;

/**
 * A string table (dynamic strings, section names) inside the file. Lookups scan for the terminating NUL
 * until they have scanned twice the table's size; then the NUL positions are indexed once, so thousands
 * of names in a hostile table without terminators cost a few scans instead of one scan each.
 */
final class StringTable {
    private final ElfBytes b;
    private final long start;
    private final long size;
    private final String what;
    /** Bytes scanned by direct lookups; past twice the table's size, one index is cheaper. */
    private long scanned;
    private int[] nuls;
    private int nulCount;

    StringTable(ElfBytes b, long start, long size, String what) throws MalformedElfException {
        b.check(start, size, what);
        this.b = b;
        this.start = start;
        this.size = size;
        this.what = what;
    }

    String get(long offset, String name) throws MalformedElfException {
        if (offset < 0 || offset >= size) {
            throw b.malformed(String.format("%s at 0x%x lies outside the %s (0x%x bytes)", name, offset, what, size));
        }
        if (nuls == null && scanned <= 2 * size + 4096) {
            long nul = b.indexOfNul(start + offset, start + size);
            scanned += nul < 0 ? size - offset : nul - (start + offset) + 1;
            if (nul < 0) {
                throw b.malformed(String.format("%s at 0x%x is not terminated before the end of the %s",
                        name, offset, what));
            }
            return b.string(start + offset, (int) (nul - start - offset));
        }
        if (nuls == null) {
            index();
        }
        int i = Arrays.binarySearch(nuls, 0, nulCount, (int) offset);
        int at = i >= 0 ? i : -i - 1;
        if (at >= nulCount) {
            throw b.malformed(String.format("%s at 0x%x is not terminated before the end of the %s", name, offset, what));
        }
        return b.string(start + offset, nuls[at] - (int) offset);
    }

    /** Whether the string at {@code offset} is exactly {@code name}: a byte comparison, nothing decoded. */
    boolean matches(long offset, byte[] name) {
        if (offset < 0 || offset >= size || name.length >= size - offset) {
            return false;
        }
        long at = start + offset;
        for (int k = 0; k < name.length; k++) {
            if (b.u8(at + k) != (name[k] & 0xff)) {
                return false;
            }
        }
        return b.u8(at + name.length) == 0;
    }

    private void index() {
        int[] found = new int[64];
        int n = 0;
        byte[] chunk = new byte[(int) Math.min(size, 64 * 1024)];
        for (long p = 0; p < size; p += chunk.length) {
            int len = (int) Math.min(chunk.length, size - p);
            b.copy(start + p, chunk, len);
            for (int i = 0; i < len; i++) {
                if (chunk[i] == 0) {
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = (int) (p + i);
                }
            }
        }
        nuls = found;
        nulCount = n;
    }
}
