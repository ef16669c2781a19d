package io.memproxy.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** A copy of a 64-bit little-endian ELF file's bytes with helpers to damage chosen fields. */
final class Patch {
    final byte[] bytes;
    final ElfImage original;
    private final ByteBuffer buf;

    Patch(Path file) throws IOException, ElfException {
        this.bytes = Files.readAllBytes(file);
        this.original = ElfImage.read(file);
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    Patch u16(long offset, int value) {
        buf.putShort((int) offset, (short) value);
        return this;
    }

    Patch u32(long offset, long value) {
        buf.putInt((int) offset, (int) value);
        return this;
    }

    Patch u64(long offset, long value) {
        buf.putLong((int) offset, value);
        return this;
    }

    long u32At(long offset) {
        return buf.getInt((int) offset) & 0xffffffffL;
    }

    long u64At(long offset) {
        return buf.getLong((int) offset);
    }

    /** The file offset of the value of the first dynamic entry with {@code tag}. */
    long dynamicValue(long tag) {
        ProgramHeader dyn = original.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_DYNAMIC)
                .findFirst().orElseThrow();
        for (long o = dyn.offset(); o < dyn.offset() + dyn.filesz(); o += 16) {
            if (buf.getLong((int) o) == tag) {
                return o + 8;
            }
        }
        throw new AssertionError("no dynamic tag 0x" + Long.toHexString(tag));
    }

    /** The file offset of the section header named {@code name}. */
    long sectionHeader(String name) throws MalformedElfException {
        long shoff = buf.getLong(0x28);
        int i = 0;
        for (SectionHeader s : original.sectionHeaders()) {
            if (s.name().equals(name)) {
                return shoff + 64L * i;
            }
            i++;
        }
        throw new AssertionError("no section " + name);
    }

    long fileOffsetOfAddress(long address) throws MalformedElfException {
        return original.offsetOf(address, "test");
    }

    Path write(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    Path write(Path dir, String name, int length) throws IOException {
        byte[] part = new byte[length];
        System.arraycopy(bytes, 0, part, 0, length);
        return Files.write(dir.resolve(name), part);
    }
}
