package io.memproxy.elf;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bounds-checked reads from a file's bytes in the object's byte order. Every read names what it
 * reads, so a hostile offset becomes "dynamic string table at 0x... is outside the file" rather than an
 * exception from the buffer.
 *
 * <p>The bytes come from a few small heap copies read with positional reads: the file's head (ELF
 * header, program headers, interpreter, notes) and chunks around what is read later (the dynamic
 * segment, its strings, a hash chain). Only when an object needs many or large parts (whole symbol
 * tables) is the file memory-mapped. Why: most files are read for their header and dynamic section
 * only, and over a directory of files a map per file cost more (mmap, page faults, unmap) than the
 * parsing; an 8 KiB read from the page cache is a few microseconds.
 */
final class ElfBytes {
    /** The unit read around a miss (8 KiB measured best against 4 and 16 over /usr/bin); page-aligned so neighbouring reads share it. */
    private static final int CHUNK = 8 * 1024;
    /** Past this many chunks, or for a read larger than {@link #MAP_ABOVE}, the file is mapped whole. */
    private static final int MAX_CHUNKS = 8;
    private static final int MAP_ABOVE = 256 * 1024;

    /** Bytes of the file from {@code start}; absolute reads only, so safe to share between threads. */
    private record Region(long start, ByteBuffer buf) {
        boolean covers(long offset, long length) {
            return offset >= start && offset - start <= buf.limit() - length;
        }
    }

    private final Path file;
    private final long size;
    private final boolean is64;
    private final ByteOrder order;
    /** Copy-on-write under {@code this}: readers scan it without a lock. The whole-file map, once made, is first. */
    private volatile Region[] regions;
    /** The file, open while the image is held open ({@link ElfImage#open}); null when each miss opens it. Guarded by {@code this}. */
    private FileChannel channel;

    /**
     * @param head the file's first bytes (any length up to {@code size}), read by the caller
     */
    ElfBytes(Path file, long size, ByteBuffer head, ByteOrder order, boolean is64) {
        this.file = file;
        this.size = size;
        this.is64 = is64;
        this.order = order;
        this.regions = new Region[] {new Region(0, head.duplicate().order(order))};
    }

    /** Keeps {@code ch} for the reads that follow, instead of opening the file on each miss. */
    synchronized void attach(FileChannel ch) {
        channel = ch;
    }

    /** Closes the kept file, if any; later misses open the file again. */
    synchronized void close() {
        closeQuietly(channel);
        channel = null;
    }

    static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // Read-only: nothing is lost when close fails.
            }
        }
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset} with positional reads. */
    static void readFully(FileChannel ch, ByteBuffer dst, long offset) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                throw new EOFException("the file ended at 0x" + Long.toHexString(at) + " while being read");
            }
            at += n;
        }
        dst.flip();
    }

    /** The region holding {@code [offset, offset + length)}, read (or the file mapped) on a miss. */
    private Region region(long offset, long length) {
        for (Region r : regions) {
            if (r.covers(offset, length)) {
                return r;
            }
        }
        return load(offset, length);
    }

    private synchronized Region load(long offset, long length) {
        Region[] rs = regions;
        for (Region r : rs) {
            if (r.covers(offset, length)) {
                return r;
            }
        }
        if (offset < 0 || length < 0 || offset > size - length) {
            // Callers check ranges first; like a buffer read, a miss here is a parse bug the guard reports.
            throw new IndexOutOfBoundsException(String.format("0x%x bytes at 0x%x in a file of 0x%x", length, offset, size));
        }
        FileChannel kept = channel;
        try (FileChannel opened = kept != null ? null : FileChannel.open(file, StandardOpenOption.READ)) {
            FileChannel ch = kept != null ? kept : opened;
            if (rs.length > MAX_CHUNKS || length > MAP_ABOVE) {
                return map(ch);
            }
            long start = offset & -4096L;
            long end = Math.min(size, Math.max(start + CHUNK, (offset + length + 4095) & -4096L));
            ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
            readFully(ch, buf, start);
            Region r = new Region(start, buf.order(order));
            Region[] grown = java.util.Arrays.copyOf(rs, rs.length + 1);
            grown[rs.length] = r;
            regions = grown;
            return r;
        } catch (IOException e) {
            // Unchecked: the readers' guard turns it into a one-line "cannot be parsed" for this file.
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Maps the whole file now, unless it is already held whole: for readers about to walk whole tables
     * (every symbol with its version and name), which would otherwise read chunk after chunk first.
     */
    synchronized void mapWhole() {
        if (regions[0].covers(0, size)) {
            return;
        }
        FileChannel kept = channel;
        try (FileChannel opened = kept != null ? null : FileChannel.open(file, StandardOpenOption.READ)) {
            map(kept != null ? kept : opened);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private Region map(FileChannel ch) throws IOException {
        ByteBuffer whole;
        try {
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (UnsupportedOperationException e) {
            // A file system that cannot map (a container image read into memory): one heap copy instead.
            whole = ByteBuffer.allocate((int) size);
            readFully(ch, whole, 0);
        }
        Region r = new Region(0, whole.order(order));
        regions = new Region[] {r};
        return r;
    }

    long size() {
        return size;
    }

    boolean is64() {
        return is64;
    }

    MalformedElfException malformed(String problem) {
        return new MalformedElfException(file, problem);
    }

    /** Checks that {@code [offset, offset + length)} lies inside the file; values are unsigned in ELF. */
    void check(long offset, long length, String what) throws MalformedElfException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw malformed(String.format("%s (0x%x bytes at offset 0x%x) runs past the end of the file (0x%x bytes): truncated or corrupt",
                    what, length, offset, size));
        }
    }

    /** {@code count * entrySize} bytes at {@code offset}, checked without overflow. */
    void checkTable(long offset, long count, long entrySize, String what) throws MalformedElfException {
        if (count < 0 || entrySize <= 0 || count > (size / entrySize) + 1) {
            throw malformed(String.format("%s has an absurd size (%s entries of %d bytes) for a file of 0x%x bytes",
                    what, Long.toUnsignedString(count), entrySize, size));
        }
        check(offset, count * entrySize, what);
    }

    int u8(long offset) {
        Region r = region(offset, 1);
        return r.buf.get((int) (offset - r.start)) & 0xff;
    }

    int u16(long offset) {
        Region r = region(offset, 2);
        return r.buf.getShort((int) (offset - r.start)) & 0xffff;
    }

    long u32(long offset) {
        Region r = region(offset, 4);
        return r.buf.getInt((int) (offset - r.start)) & 0xffffffffL;
    }

    /** An unsigned 64-bit value; values above {@code Long.MAX_VALUE} come back negative and fail every check. */
    long u64(long offset) {
        Region r = region(offset, 8);
        return r.buf.getLong((int) (offset - r.start));
    }

    /** A class-sized word: 4 bytes in ELF32, 8 in ELF64. */
    long word(long offset) {
        return is64 ? u64(offset) : u32(offset);
    }

    int wordSize() {
        return is64 ? 8 : 4;
    }

    /** A NUL-terminated string starting at {@code offset} that must end before {@code limit}. */
    String cstring(long offset, long limit, String what) throws MalformedElfException {
        long end = Math.min(limit, size);
        if (offset < 0 || offset >= end) {
            throw malformed(String.format("%s at offset 0x%x lies outside its table (ends at 0x%x)", what, offset, end));
        }
        long nul = indexOfNul(offset, end);
        if (nul < 0) {
            throw malformed(String.format("%s at offset 0x%x is not terminated before 0x%x", what, offset, end));
        }
        return decode(offset, (int) (nul - offset));
    }

    /** The offset of the first NUL byte in {@code [from, end)}, or -1; scans in bulk copies, not byte by byte. */
    long indexOfNul(long from, long end) {
        byte[] chunk = new byte[(int) Math.min(256, Math.max(0, end - from))];
        for (long p = from; p < end; p += chunk.length) {
            int n = (int) Math.min(chunk.length, end - p);
            copy(p, chunk, n);
            for (int i = 0; i < n; i++) {
                if (chunk[i] == 0) {
                    return p + i;
                }
            }
        }
        return -1;
    }

    /** Copies {@code length} checked bytes at {@code offset} into {@code dst}. */
    void copy(long offset, byte[] dst, int length) {
        Region r = region(offset, length);
        r.buf.get((int) (offset - r.start), dst, 0, length);
    }

    /**
     * The checked bytes {@code [offset, offset + length)} as a buffer of their own in the file's byte order, indexed
     * from 0: for a loop over a whole table, which would otherwise find its region again for every field.
     */
    ByteBuffer slice(long offset, int length) {
        Region r = region(offset, length);
        return r.buf.slice((int) (offset - r.start), length).order(order);
    }

    byte[] bytes(long offset, int length) {
        byte[] out = new byte[length];
        copy(offset, out, length);
        return out;
    }

    /** {@code length} bytes at {@code offset} as text; the caller has checked the range. */
    String string(long offset, int length) {
        return decode(offset, length);
    }

    private String decode(long offset, int length) {
        byte[] b = bytes(offset, length);
        for (byte x : b) {
            if (x < 0) {
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
