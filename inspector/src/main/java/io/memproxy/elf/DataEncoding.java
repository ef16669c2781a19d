package io.memproxy.elf;

import java.nio.ByteOrder;

/** {@code e_ident[EI_DATA]}: byte order of every multi-byte field. */
public enum DataEncoding {
    /** ELFDATA2LSB, little-endian (x86, most ARM). */
    LSB(ByteOrder.LITTLE_ENDIAN),
    /** ELFDATA2MSB, big-endian (PowerPC, s390x, some MIPS). */
    MSB(ByteOrder.BIG_ENDIAN);

    private final ByteOrder order;

    DataEncoding(ByteOrder order) {
        this.order = order;
    }

    public ByteOrder byteOrder() {
        return order;
    }
}
