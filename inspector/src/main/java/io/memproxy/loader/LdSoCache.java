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

    /**
     * The largest cache read: ld.so maps any size, but ldconfig writes a few hundred bytes per library, so
     * 64 MiB is far above any real system. The file is mapped, not copied, and entries are decoded lazily.
     */
    public static final long MAX_FILE = 64L << 20;

    private final Format format;
    private final ByteBuffer data;
    private final int base;
    private final int table;
    private final int entrySize;
    private final int count;
    private final List<String> subdirNames;
    private final String generator;
    private final List<Entry> entries = new java.util.AbstractList<>() {
        @Override
        public Entry get(int i) {
            return entry(java.util.Objects.checkIndex(i, count));
        }

        @Override
        public int size() {
            return count;
        }
    };

    private LdSoCache(Format format, ByteBuffer data, int base, int table, int entrySize, int count,
            List<String> subdirNames, String generator) {
        this.format = format;
        this.data = data;
        this.base = base;
        this.table = table;
        this.entrySize = entrySize;
        this.count = count;
        this.subdirNames = subdirNames;
        this.generator = generator;
    }

    /** Entry {@code i}, decoded from the file now. */
    private Entry entry(int i) {
        int at = table + i * entrySize;
        if (format == Format.OLD) {
            return new Entry(data.getInt(at), cString(data, base, data.getInt(at + 4)), cString(data, base, data.getInt(at + 8)), 0, null);
        }
        long hwcap = data.getLong(at + 16);
        String subdir = null;
        if (isHwcapsEntry(hwcap)) {
            int index = (int) hwcap;
            subdir = index >= 0 && index < subdirNames.size() ? subdirNames.get(index) : "";
        }
        return new Entry(data.getInt(at), cString(data, base, data.getInt(at + 4)), cString(data, base, data.getInt(at + 8)), hwcap, subdir);
    }

    /** The key of entry {@code i} as bytes, or null when it is outside the file or unterminated. */
    private byte[] key(int i) {
        String k = cString(data, base, data.getInt(table + i * entrySize + 4));
        return k == null ? null : k.getBytes(StandardCharsets.ISO_8859_1);
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
        return parse(ByteBuffer.wrap(data));
    }

    /** Parses a cache held in {@code data} (a mapped file), which the cache keeps and reads lazily. */
    public static LdSoCache parse(ByteBuffer data) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.limit();
        if (startsWith(b, 0, OLD_MAGIC)) {
            if (length < 16) {
                throw new LoaderException("truncated old-format header");
            }
            long nlibs = Integer.toUnsignedLong(b.getInt(12));
            long end = 16 + nlibs * OLD_ENTRY;
            if (end > length) {
                throw new LoaderException("old-format table runs past the end of the file");
            }
            // compat: a new block follows the old table, aligned like ALIGN_CACHE (to 8 in the file).
            int newStart = (int) ((end + 7) & ~7L);
            if ((long) newStart + NEW_HEADER <= length && startsWith(b, newStart, NEW_MAGIC)) {
                return parseNew(b, newStart, Format.COMPAT);
            }
            return new LdSoCache(Format.OLD, b, (int) end, 16, OLD_ENTRY, (int) nlibs, List.of(), null);
        }
        if (startsWith(b, 0, NEW_MAGIC)) {
            return parseNew(b, 0, Format.NEW);
        }
        throw new LoaderException("not an ld.so cache (unknown magic)");
    }

    private static LdSoCache parseNew(ByteBuffer b, int base, Format format) {
        int length = b.limit();
        if ((long) base + NEW_HEADER > length) {
            throw new LoaderException("truncated header");
        }
        long nlibs = Integer.toUnsignedLong(b.getInt(base + 20));
        int flags = b.get(base + 28) & 3;
        if (flags == 1 || flags == 3) {
            // dl-cache.c: cache_file_new_matches_endian; a big-endian or invalid cache is ignored.
            throw new LoaderException(flags == 3 ? "big-endian cache" : "cache marked invalid");
        }
        long tableEnd = base + NEW_HEADER + nlibs * NEW_ENTRY;
        if (tableEnd > length) {
            throw new LoaderException("entry table runs past the end of the file");
        }
        List<String> subdirNames = new ArrayList<>();
        String generator = null;
        long extOffset = Integer.toUnsignedLong(b.getInt(base + 32));
        if (extOffset != 0 && extOffset % 4 == 0 && extOffset + 8 <= length && b.getInt((int) extOffset) == EXTENSION_MAGIC) {
            long count = Integer.toUnsignedLong(b.getInt((int) extOffset + 4));
            for (long i = 0; i < count; i++) {
                long at = extOffset + 8 + i * 16;
                if (at + 16 > length) {
                    break;
                }
                int tag = b.getInt((int) at);
                long off = Integer.toUnsignedLong(b.getInt((int) at + 8));
                long size = Integer.toUnsignedLong(b.getInt((int) at + 12));
                if (off + size > length) {
                    continue;
                }
                if (tag == 0 && size <= Root.MAX_PATH) {
                    byte[] g = new byte[(int) size];
                    b.get((int) off, g);
                    generator = new String(g, StandardCharsets.ISO_8859_1);
                } else if (tag == 1) {
                    // One name per hwcaps subdirectory ld.so knows (a handful); more cannot be selected anyway.
                    for (long j = 0; j + 4 <= size && subdirNames.size() < MAX_SUBDIRS; j += 4) {
                        // Name offsets are relative to the new header (only correct for NEW: see lookup).
                        subdirNames.add(cString(b, base, b.getInt((int) (off + j))));
                    }
                }
            }
        }
        List<String> names = new ArrayList<>(subdirNames.size());
        for (String n : subdirNames) {
            names.add(n == null ? "" : n);
        }
        return new LdSoCache(format, b, base, base + NEW_HEADER, NEW_ENTRY, (int) nlibs, List.copyOf(names), generator);
    }

    /** Hwcaps subdirectory names kept from the extension; ld.so's own list (dl-hwcaps) has a few. */
    static final int MAX_SUBDIRS = 1024;

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
        int right = count - 1;
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        while (left <= right) {
            int middle = (left + right) >>> 1;
            byte[] key = key(middle);
            if (key == null) {
                return Optional.empty();
            }
            int cmp = libcmp(n, key);
            if (cmp == 0) {
                while (middle > 0) {
                    byte[] before = key(middle - 1);
                    if (before == null || libcmp(n, before) != 0) {
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
        for (int i = from; i < count; i++) {
            Entry e = entry(i);
            if (e.key() == null || libcmp(name, e.keyBytes()) != 0) {
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

    private static boolean startsWith(ByteBuffer data, int at, String magic) {
        if ((long) at + magic.length() > data.limit()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (data.get(at + i) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A NUL-terminated string at base+offset, or null when the offset is outside the file or no NUL ends it
     * within PATH_MAX bytes (no name longer than that can be opened, and a hostile cache must not make every
     * entry cost the rest of the file).
     */
    private static String cString(ByteBuffer data, int base, int offset) {
        long start = base + Integer.toUnsignedLong(offset);
        if (start >= data.limit()) {
            return null;
        }
        int end = (int) start;
        int stop = (int) Math.min(data.limit(), start + Root.MAX_PATH);
        while (end < stop && data.get(end) != 0) {
            end++;
        }
        if (end == stop) {
            return null;
        }
        byte[] s = new byte[end - (int) start];
        data.get((int) start, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }
}
