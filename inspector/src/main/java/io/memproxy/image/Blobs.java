package io.memproxy.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image as it is stored: an OCI layout directory, or a tar archive of one (OCI archive,
 * docker save). Names are relative ("index.json", "blobs/sha256/…"); a name that climbs out, or a link that
 * leads out of the directory or archive, is refused.
 */
abstract class Blobs implements Closeable {
    /** The image as the user named it, for messages. */
    final String where;

    Blobs(String where) {
        this.where = where;
    }

    abstract boolean exists(String name);

    abstract InputStream open(String name) throws IOException, ImageException;

    /** The archive entry or file's size, for the JSON size limit. */
    abstract long size(String name) throws IOException, ImageException;

    static String clean(String where, String name) throws ImageException {
        String n = name.replaceFirst("^(\\./)+", "");
        if (n.isEmpty() || n.startsWith("/") || n.equals("..") || n.startsWith("../") || n.contains("/../") || n.endsWith("/..")) {
            throw new ImageException(where + ": the image refers to '" + name + "', a path outside the image");
        }
        return n;
    }

    static Blobs open(Path path) throws ImageException {
        if (Files.isDirectory(path)) {
            return new Directory(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new ImageException(path + ": no such image (expected an OCI layout directory or a docker save / OCI archive tarball)");
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                throw new ImageException(path + ": a gzip-compressed archive; decompress it first (gunzip -k "
                        + path.getFileName() + "), layers inside may stay compressed");
            }
        } catch (IOException e) {
            throw new ImageException(path + ": cannot read: " + e.getMessage());
        }
        try {
            return new Archive(path, new TarFile(path));
        } catch (IOException | RuntimeException e) {
            throw new ImageException(path + ": not a readable tar archive (" + message(e) + "): truncated or corrupt?");
        }
    }

    static String message(Throwable e) {
        if (e instanceof java.io.EOFException && e.getMessage() == null) {
            return "the data ends early";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    }

    /** An OCI layout directory. */
    static final class Directory extends Blobs {
        private final Path dir;

        Directory(Path dir) throws ImageException {
            super(dir.toString());
            try {
                this.dir = dir.toRealPath();
            } catch (IOException e) {
                throw new ImageException(dir + ": cannot read: " + message(e));
            }
        }

        private Path file(String name) throws IOException, ImageException {
            Path p = dir.resolve(clean(where, name));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageException(where + ": " + name + " is missing from the image");
            }
            if (!p.toRealPath().startsWith(dir)) {
                throw new ImageException(where + ": " + name + " is a link that leads out of the image directory");
            }
            return p;
        }

        @Override
        boolean exists(String name) {
            return Files.exists(dir.resolve(name));
        }

        @Override
        InputStream open(String name) throws IOException, ImageException {
            return Files.newInputStream(file(name));
        }

        @Override
        long size(String name) throws IOException, ImageException {
            return Files.size(file(name));
        }

        @Override
        public void close() {
            // Nothing held open.
        }
    }

    /** A tar archive of an image, read in place: each blob is a bounded stream over its entry. */
    static final class Archive extends Blobs {
        private static final int MAX_LINKS = 16;
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Archive(Path path, TarFile tar) {
            super(path.toString());
            this.tar = tar;
            for (TarArchiveEntry e : tar.getEntries()) {
                entries.put(e.getName().replaceFirst("^(\\./)+", "").replaceFirst("/$", ""), e);
            }
        }

        /** The entry for a name, following links inside the archive (docker save links repeated layers). */
        private TarArchiveEntry entry(String name) throws ImageException {
            String n = clean(where, name);
            for (int i = 0; i < MAX_LINKS; i++) {
                TarArchiveEntry e = entries.get(n);
                if (e == null) {
                    throw new ImageException(where + ": " + name + " is missing from the archive");
                }
                if (!e.isSymbolicLink() && !e.isLink()) {
                    return e;
                }
                String target = e.getLinkName();
                String base = e.isSymbolicLink() && n.contains("/") ? n.substring(0, n.lastIndexOf('/') + 1) : "";
                n = java.nio.file.Path.of(base + target).normalize().toString();
                n = clean(where, n);
            }
            throw new ImageException(where + ": " + name + ": too many links inside the archive");
        }

        @Override
        boolean exists(String name) {
            return entries.containsKey(name);
        }

        @Override
        InputStream open(String name) throws IOException, ImageException {
            return tar.getInputStream(entry(name));
        }

        @Override
        long size(String name) throws ImageException {
            return entry(name).getSize();
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
