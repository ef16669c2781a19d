package io.memproxy.install;

import io.memproxy.loader.Root;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replaces a file so that every reader, at every moment and after a crash at any point, sees either
 * the old file or the complete new one: the content goes to a temporary file in the same directory,
 * which is fsynced and renamed over the target (rename(2) is atomic within a file system), then the
 * directory is fsynced so that the rename itself is durable.
 *
 * <p>Every file is named as the root's own processes name it and reached through {@link Root#parentOf}:
 * the directory is opened race-safely inside the root and the temporary file, the rename and the removal
 * are relative to that open directory, so no link can send a write outside the root.
 */
public final class AtomicFile {
    private static final String TEMP_MARK = ".memproxy-";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFile() {}

    /** Replaces (or creates) {@code path} under {@code root} with {@code content} and permission bits {@code mode}. */
    public static void replace(Root root, String path, byte[] content, int mode, Step.Hook hook) throws IOException {
        try (Root.Directory dir = root.parentOf(path, false)) {
            Path target = dir.hostPath(dir.leaf());
            String temp = null;
            FileChannel ch = null;
            for (int i = 0; ch == null; i++) {
                temp = "." + dir.leaf() + TEMP_MARK + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX;
                try {
                    ch = dir.create(temp, mode);
                } catch (FileAlreadyExistsException e) {
                    if (i > 10) {
                        throw e;
                    }
                }
            }
            boolean renamed = false;
            try {
                try (FileChannel c = ch) {
                    hook.reached(Step.TEMP_CREATED, target);
                    ByteBuffer b = ByteBuffer.wrap(content);
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    hook.reached(Step.TEMP_WRITTEN, target);
                    c.force(true);
                }
                hook.reached(Step.TEMP_SYNCED, target);
                dir.rename(temp, dir.leaf());
                renamed = true;
                hook.reached(Step.RENAMED, target);
                dir.sync();
                hook.reached(Step.DIRECTORY_SYNCED, target);
            } finally {
                if (!renamed) {
                    dir.delete(temp);
                }
            }
        }
    }

    /** Removes {@code path} under {@code root} (unlink(2) is atomic) and makes the removal durable. */
    public static void delete(Root root, String path, Step.Hook hook) throws IOException {
        try (Root.Directory dir = root.parentOf(path, false)) {
            dir.delete(dir.leaf());
            hook.reached(Step.RENAMED, dir.hostPath(dir.leaf()));
            dir.sync();
            hook.reached(Step.DIRECTORY_SYNCED, dir.hostPath(dir.leaf()));
        } catch (NoSuchFileException e) {
            // no directory, no file
        }
    }

    /** The permission bits of {@code path} under {@code root}, if it exists. */
    public static Optional<Integer> mode(Root root, String path) throws IOException {
        try (Root.Directory dir = root.parentOf(path, false)) {
            Optional<PosixFileAttributes> a = dir.attributes(dir.leaf());
            if (a.isEmpty()) {
                return Optional.empty();
            }
            int mode = 0;
            for (PosixFilePermission p : a.get().permissions()) {
                mode |= 0400 >> p.ordinal();
            }
            return Optional.of(mode);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Temporary files a killed run left next to {@code path}; they were never visible under its name. */
    public static List<Path> leftovers(Root root, String path) throws IOException {
        return removeLeftovers(root, path, false);
    }

    /** Removes the {@link #leftovers}; returns what was removed. */
    public static List<Path> removeLeftovers(Root root, String path) throws IOException {
        return removeLeftovers(root, path, true);
    }

    private static List<Path> removeLeftovers(Root root, String path, boolean remove) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Root.Directory dir = root.parentOf(path, false)) {
            String prefix = "." + dir.leaf() + TEMP_MARK;
            for (String n : dir.list(n -> n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX))) {
                if (remove) {
                    dir.delete(n);
                }
                out.add(dir.hostPath(n));
            }
        } catch (NoSuchFileException e) {
            // no directory: nothing left over
        }
        return out;
    }
}
