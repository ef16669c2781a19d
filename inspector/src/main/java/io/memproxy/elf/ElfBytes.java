package io.memproxy.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Bounds-checked reads from a whole file's bytes in the object's byte order. Every read names what it
 * reads, so a hostile offset becomes "dynamic string table at 0x... is outside the file" rather than an
 * exception from the buffer.
 */
final class ElfBytes {
    private final Path file;
    private final ByteBuffer buf;
    private final long size;
    private final boolean is64;

    ElfBytes(Path file, ByteBuffer buf, boolean is64) {
        this.file = file;
        this.buf = buf;
        this.size = buf.limit();
        this.is64 = is64;
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
        return buf.get((int) offset) & 0xff;
    }

    int u16(long offset) {
        return buf.getShort((int) offset) & 0xffff;
    }

    long u32(long offset) {
        return buf.getInt((int) offset) & 0xffffffffL;
    }

    /** An unsigned 64-bit value; values above {@code Long.MAX_VALUE} come back negative and fail every check. */
    long u64(long offset) {
        return buf.getLong((int) offset);
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
            buf.get((int) p, chunk, 0, n);
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
        buf.get((int) offset, dst, 0, length);
    }

    byte[] bytes(long offset, int length) {
        byte[] out = new byte[length];
        buf.get((int) offset, out);
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
