package io.memproxy.executable;

import io.memproxy.elf.ElfClass;
import io.memproxy.loader.LoaderRules;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** The first 20 bytes of a file, enough to tell a program's class and machine without parsing it. */
public final class ElfIdent {
    private ElfIdent() {}

    /**
     * The profile of the programs the file is one of: a little-endian ELF executable or library of a known
     * class and machine. Empty for anything else, links included.
     */
    public static Optional<LoaderRules> rulesOf(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? rulesOfRegular(file) : Optional.empty();
    }

    /** The same for a file already known to be a regular file (from the caller's lstat). */
    public static Optional<LoaderRules> rulesOfRegular(Path file) {
        if (file.getFileSystem() == FileSystems.getDefault()) {
            return rulesOfHostFile(file.toFile());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return rulesOf(in);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The same for a file of this machine that java.io's stat found to be a regular file, links followed by the
     * kernel. A stream: it costs far less per file than a channel, and a walk of the search path opens every file.
     */
    public static Optional<LoaderRules> rulesOfHostFile(java.io.File file) {
        try (InputStream in = new FileInputStream(file)) {
            return rulesOf(in);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<LoaderRules> rulesOf(InputStream in) throws IOException {
        byte[] h = in.readNBytes(20);
        return h.length < 20 ? Optional.empty() : rulesOf(h);
    }

    private static Optional<LoaderRules> rulesOf(byte[] h) {
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f || b.get(5) != 1) {
            return Optional.empty();
        }
        int cls = b.get(4) == 1 ? 32 : b.get(4) == 2 ? 64 : 0;
        int type = b.getShort(16);
        if (type != 2 && type != 3) {
            return Optional.empty();
        }
        for (LoaderRules r : LoaderRules.ALL) {
            if (cls == (r.elfClass() == ElfClass.ELF32 ? 32 : 64) && (b.getShort(18) & 0xffff) == r.machine()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
