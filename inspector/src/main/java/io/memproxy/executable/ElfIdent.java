package io.memproxy.executable;

import io.memproxy.elf.ElfClass;
import io.memproxy.loader.LoaderRules;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The first 20 bytes of a file, enough to tell a program's class and machine without parsing it. */
public final class ElfIdent {
    private ElfIdent() {}

    /** Whether the file is a little-endian ELF executable or library of the profile's class and machine. */
    public static boolean matches(Path file, LoaderRules rules) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && c.read(b) > 0) {
                // read the header
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (b.position() < 20 || b.getInt(0) != 0x464c457f || b.get(5) != 1) {
            return false;
        }
        int cls = b.get(4) == 1 ? 32 : b.get(4) == 2 ? 64 : 0;
        int type = b.getShort(16);
        return cls == (rules.elfClass() == ElfClass.ELF32 ? 32 : 64) && (b.getShort(18) & 0xffff) == rules.machine()
                && (type == 2 || type == 3);
    }
}
