package io.memproxy.install;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces a file so that every reader, at every moment and after a crash at any point, sees either
 * the old file or the complete new one: the content goes to a temporary file in the same directory,
 * which is fsynced and renamed over the target (rename(2) is atomic within a file system), then the
 * directory is fsynced so that the rename itself is durable.
 */
public final class AtomicFile {
    private static final String TEMP_MARK = ".memproxy-";
    private static final String TEMP_SUFFIX = ".tmp";

    private AtomicFile() {}

    /** Replaces (or creates) {@code target} with {@code content} and permission bits {@code mode}. */
    public static void replace(Path target, byte[] content, int mode, Step.Hook hook) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + TEMP_MARK, TEMP_SUFFIX);
        boolean renamed = false;
        try {
            Files.setAttribute(temp, "unix:mode", mode);
            hook.reached(Step.TEMP_CREATED, target);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                hook.reached(Step.TEMP_WRITTEN, target);
                ch.force(true);
            }
            hook.reached(Step.TEMP_SYNCED, target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
            hook.reached(Step.RENAMED, target);
            syncDirectory(dir);
            hook.reached(Step.DIRECTORY_SYNCED, target);
        } finally {
            if (!renamed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Removes {@code target} (unlink(2) is atomic) and makes the removal durable. */
    public static void delete(Path target, Step.Hook hook) throws IOException {
        Files.deleteIfExists(target);
        hook.reached(Step.RENAMED, target);
        syncDirectory(target.toAbsolutePath().getParent());
        hook.reached(Step.DIRECTORY_SYNCED, target);
    }

    /** Temporary files a killed run left next to {@code target}; they were never visible under its name. */
    public static List<Path> leftovers(Path target) throws IOException {
        List<Path> out = new ArrayList<>();
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        String glob = "." + target.getFileName() + TEMP_MARK + "*" + TEMP_SUFFIX;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
