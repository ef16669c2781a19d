package io.memproxy.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * /etc/ld.so.cache as x86-64 ld.so reads it (sysdeps/generic/dl-cache.h, elf/dl-cache.c). Three layouts:
 * the new format with its extensions (hwcaps subdirectory names, generator), the old "ld.so-1.7.0" table,
 * and compat (old table followed by a new block, which ld.so prefers).
 */
public final class LdSoCache {
    public enum Format { NEW, OLD, COMPAT }

    /**
     * One entry. {@code hwcapsSubdir} is the glibc-hwcaps subdirectory for hwcaps entries, else null.
     * {@code valid} is false when the value offset is out of range (ld.so skips such an entry).
     */
    public record Entry(int flags, String key, String value, long hwcap, String hwcapsSubdir) {
        byte[] keyBytes() {
            return key.getBytes(StandardCharsets.ISO_8859_1);
        }

        public boolean isHwcapsEntry() {
            return hwcapsSubdir != null;
        }
    }

    static final String OLD_MAGIC = "ld.so-1.7.0";
    static final String NEW_MAGIC = "glibc-ld.so.cache1.1";
    static final int NEW_HEADER = 48;
    static final int NEW_ENTRY = 24;
    static final int OLD_ENTRY = 12;
    static final int EXTENSION_MAGIC = 0xEAA42174;
    static final long HWCAP_EXTENSION = 1L << 62;
    static final long ISA_LEVEL_MASK = 0x3ff;

    private final Format format;
    private final List<Entry> entries;
    private final String generator;
    private final byte[][] keys;

    private LdSoCache(Format format, List<Entry> entries, String generator) {
        this.format = format;
        this.entries = entries;
        this.generator = generator;
        this.keys = new byte[entries.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = entries.get(i).key() == null ? null : entries.get(i).keyBytes();
        }
    }

    public Format format() {
        return format;
    }

    /** The table ld.so searches, in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The ldconfig that wrote the file (extension tag 0), or empty. */
    public Optional<String> generator() {
        return Optional.ofNullable(generator);
    }

    /** Parses a cache file; a file ld.so would not use at all is a {@link LoaderException}. */
    public static LdSoCache parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (startsWith(data, 0, OLD_MAGIC)) {
            if (data.length < 16) {
                throw new LoaderException("truncated old-format header");
            }
            long nlibs = Integer.toUnsignedLong(b.getInt(12));
            long end = 16 + nlibs * OLD_ENTRY;
            if (end > data.length) {
                throw new LoaderException("old-format table runs past the end of the file");
            }
            // compat: a new block follows the old table, aligned like ALIGN_CACHE (to 8 in the file).
            int newStart = (int) ((end + 7) & ~7L);
            if (newStart + NEW_HEADER <= data.length && startsWith(data, newStart, NEW_MAGIC)) {
                return parseNew(data, b, newStart, Format.COMPAT);
            }
            List<Entry> list = new ArrayList<>();
            int strings = (int) end;
            for (int i = 0; i < nlibs; i++) {
                int at = 16 + i * OLD_ENTRY;
                list.add(new Entry(b.getInt(at), cString(data, strings, b.getInt(at + 4)), cString(data, strings, b.getInt(at + 8)), 0, null));
            }
            return new LdSoCache(Format.OLD, List.copyOf(list), null);
        }
        if (startsWith(data, 0, NEW_MAGIC)) {
            return parseNew(data, b, 0, Format.NEW);
        }
        throw new LoaderException("not an ld.so cache (unknown magic)");
    }

    private static LdSoCache parseNew(byte[] data, ByteBuffer b, int base, Format format) {
        if (base + NEW_HEADER > data.length) {
            throw new LoaderException("truncated header");
        }
        long nlibs = Integer.toUnsignedLong(b.getInt(base + 20));
        int flags = data[base + 28] & 3;
        if (flags == 1 || flags == 3) {
            // dl-cache.c: cache_file_new_matches_endian; a big-endian or invalid cache is ignored.
            throw new LoaderException(flags == 3 ? "big-endian cache" : "cache marked invalid");
        }
        long tableEnd = base + NEW_HEADER + nlibs * NEW_ENTRY;
        if (tableEnd > data.length) {
            throw new LoaderException("entry table runs past the end of the file");
        }
        List<String> subdirNames = new ArrayList<>();
        String generator = null;
        long extOffset = Integer.toUnsignedLong(b.getInt(base + 32));
        if (extOffset != 0 && extOffset % 4 == 0 && extOffset + 8 <= data.length && b.getInt((int) extOffset) == EXTENSION_MAGIC) {
            long count = Integer.toUnsignedLong(b.getInt((int) extOffset + 4));
            for (long i = 0; i < count; i++) {
                long at = extOffset + 8 + i * 16;
                if (at + 16 > data.length) {
                    break;
                }
                int tag = b.getInt((int) at);
                long off = Integer.toUnsignedLong(b.getInt((int) at + 8));
                long size = Integer.toUnsignedLong(b.getInt((int) at + 12));
                if (off + size > data.length) {
                    continue;
                }
                if (tag == 0) {
                    generator = new String(data, (int) off, (int) size, StandardCharsets.ISO_8859_1);
                } else if (tag == 1) {
                    for (long j = 0; j + 4 <= size; j += 4) {
                        // Name offsets are relative to the new header (only correct for NEW: see lookup).
                        subdirNames.add(cString(data, base, b.getInt((int) (off + j))));
                    }
                }
            }
        }
        List<Entry> list = new ArrayList<>();
        for (int i = 0; i < nlibs; i++) {
            int at = base + NEW_HEADER + i * NEW_ENTRY;
            long hwcap = b.getLong(at + 16);
            String subdir = null;
            if (isHwcapsEntry(hwcap)) {
                int index = (int) hwcap;
                subdir = index >= 0 && index < subdirNames.size() ? subdirNames.get(index) : "";
            }
            list.add(new Entry(b.getInt(at), cString(data, base, b.getInt(at + 4)), cString(data, base, b.getInt(at + 8)), hwcap, subdir));
        }
        return new LdSoCache(format, List.copyOf(list), generator);
    }

    /** dl-cache.c: dl_cache_hwcap_extension: bit 62 only, ignoring the ISA level bits and the low half. */
    static boolean isHwcapsEntry(long hwcap) {
        return ((hwcap >>> 32) & ~ISA_LEVEL_MASK) == (HWCAP_EXTENSION >>> 32);
    }

    /**
     * The path ld.so takes from the cache for {@code name} (elf/dl-cache.c: search_cache), or empty.
     * Binary search under {@link #libcmp}, then a walk over the equal entries: hwcaps entries compete by
     * subdirectory priority until the first plain entry, which wins when no hwcaps entry did.
     */
    public Optional<String> lookup(String name, HostCapabilities host) {
        return lookup(name, host, LoaderRules.DEBIAN_12_X86_64);
    }

    /** The path the ld.so of {@code rules} takes for {@code name}: only entries with its flags count. */
    public Optional<String> lookup(String name, HostCapabilities host, LoaderRules rules) {
        int left = 0;
        int right = entries.size() - 1;
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        while (left <= right) {
            int middle = (left + right) >>> 1;
            if (keys[middle] == null) {
                return Optional.empty();
            }
            int cmp = libcmp(n, keys[middle]);
            if (cmp == 0) {
                while (middle > 0) {
                    if (keys[middle - 1] == null || libcmp(n, keys[middle - 1]) != 0) {
                        break;
                    }
                    middle--;
                }
                return walk(n, middle, host, rules);
            }
            if (cmp < 0) {
                left = middle + 1;
            } else {
                right = middle - 1;
            }
        }
        return Optional.empty();
    }

    private Optional<String> walk(byte[] name, int from, HostCapabilities host, LoaderRules rules) {
        String best = null;
        int bestPriority = 0;
        long exclude = ~(host.hwcapMask() | platformMask() | (1L << 63));
        int platformBit = host.platformBit();
        long platform = platformBit < 0 ? 0 : 1L << platformBit;
        for (int i = from; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (keys[i] == null || libcmp(name, keys[i]) != 0) {
                break;
            }
            if (!rules.acceptsCacheFlags(e.flags()) || e.value() == null) {
                continue;
            }
            if (format == Format.OLD) {
                return Optional.of(e.value());
            }
            if (e.isHwcapsEntry()) {
                // A compat cache resolves the subdirectory names against the wrong base and never matches.
                if (format == Format.COMPAT) {
                    continue;
                }
                long level = (e.hwcap() >>> 32) & ISA_LEVEL_MASK;
                if ((level & ~host.isaLevels()) != 0) {
                    continue;
                }
                int priority = priority(e.hwcapsSubdir(), host);
                if (priority > bestPriority) {
                    best = e.value();
                    bestPriority = priority;
                }
                continue;
            }
            if (best != null) {
                break;
            }
            if ((e.hwcap() & exclude) != 0) {
                continue;
            }
            long entryPlatform = e.hwcap() & platformMask();
            if (entryPlatform != 0 && entryPlatform != platform) {
                continue;
            }
            return Optional.of(e.value());
        }
        return Optional.ofNullable(best);
    }

    private static long platformMask() {
        return 0xfL << 48;
    }

    private static int priority(String subdir, HostCapabilities host) {
        int i = host.hwcapsSubdirs().indexOf(subdir);
        return i < 0 ? 0 : host.hwcapsSubdirs().size() - i;
    }

    /**
     * elf/dl-cache.c: _dl_cache_libcmp. Digit runs compare numerically and sort after other bytes; other
     * bytes compare as signed chars.
     */
    public static int libcmp(byte[] p1, byte[] p2) {
        int i = 0;
        int j = 0;
        while (i < p1.length) {
            byte c1 = p1[i];
            byte c2 = j < p2.length ? p2[j] : 0;
            if (isDigit(c1)) {
                if (isDigit(c2)) {
                    int v1 = c1 - '0';
                    int v2 = c2 - '0';
                    i++;
                    j++;
                    while (i < p1.length && isDigit(p1[i])) {
                        v1 = v1 * 10 + p1[i++] - '0';
                    }
                    while (j < p2.length && isDigit(p2[j])) {
                        v2 = v2 * 10 + p2[j++] - '0';
                    }
                    if (v1 != v2) {
                        return v1 - v2;
                    }
                } else {
                    return 1;
                }
            } else if (isDigit(c2)) {
                return -1;
            } else if (c1 != c2) {
                return c1 - c2;
            } else {
                i++;
                j++;
            }
        }
        return 0 - (j < p2.length ? p2[j] : 0);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean startsWith(byte[] data, int at, String magic) {
        if (at + magic.length() > data.length) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (data[at + i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A NUL-terminated string at base+offset, or null when the offset is outside the file. */
    private static String cString(byte[] data, int base, int offset) {
        long start = base + Integer.toUnsignedLong(offset);
        if (start >= data.length) {
            return null;
        }
        int end = (int) start;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, (int) start, end - (int) start, StandardCharsets.ISO_8859_1);
    }
}
