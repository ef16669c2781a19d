package io.memproxy.image;

import io.memproxy.executable.FileCapabilities;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Applies layers, in order, to the merged view (OCI image-spec, layer.md): each entry replaces what lower
 * layers had at its path; ".wh.NAME" deletes NAME; ".wh..wh..opq" in a directory hides everything lower
 * layers put in it. Entries that climb out of the image, links that lead out of it and files over the
 * limits stop the reading with the layer and the entry named.
 */
final class LayerStack {
    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    /** How tar writers record a file's capabilities: GNU tar and docker (SCHILY), bsdtar (LIBARCHIVE). */
    static final List<String> CAPABILITY_HEADERS = List.of("SCHILY.xattr.security.capability", "LIBARCHIVE.xattr.security.capability");

    private final Path root;
    private final ContainerImage.Limits limits;
    /** Which layer last wrote each path; which layer deleted it. */
    private final Map<String, Integer> origin = new HashMap<>();
    private final Map<String, Integer> deleted = new HashMap<>();
    private long bytes;
    private long entries;

    LayerStack(Path root, ContainerImage.Limits limits) {
        this.root = root;
        this.limits = limits;
    }

    Optional<Integer> origin(String path) {
        return Optional.ofNullable(origin.get(path));
    }

    /** The layer that deleted the path or, for a path under a deleted directory, the directory. */
    Optional<Integer> deletedBy(String path) {
        for (String p = path; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
            if (origin.containsKey(p)) {
                return Optional.empty();
            }
            if (deleted.containsKey(p)) {
                return Optional.of(deleted.get(p));
            }
        }
        return Optional.empty();
    }

    long bytes() {
        return bytes;
    }

    void apply(ContainerImage.Layer layer, InputStream raw, String where) throws IOException, ImageException {
        String at = where + ": " + layer.label();
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        InputStream plain;
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            plain = GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
        } else if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            throw new ImageException(at + " is zstd-compressed, which memproxy cannot read yet");
        } else {
            plain = in;
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(plain)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new ImageException(at + ": more than " + limits.maxEntries() + " entries in the image");
                }
                entry(layer.number(), e, tar, at);
            }
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof IOException io && io.getMessage() != null && io.getMessage().contains("out of disk space")) {
                throw new ImageException(at + ": the image's files exceed the " + mib(limits.maxTotalBytes()) + " limit in memory");
            }
            throw new ImageException(at + ": truncated or corrupt (" + Blobs.message(ex) + ")");
        }
    }

    private void entry(int layer, TarArchiveEntry e, InputStream data, String at) throws IOException, ImageException {
        String name = normalize(e.getName(), at);
        if (name.isEmpty()) {
            return; // "./", the root itself
        }
        int slash = name.lastIndexOf('/');
        String dir = slash < 0 ? "" : name.substring(0, slash);
        String base = name.substring(slash + 1);
        if (base.equals(OPAQUE)) {
            opaque("/" + dir, layer);
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            String gone = "/" + (dir.isEmpty() ? "" : dir + "/") + base.substring(WHITEOUT.length());
            delete(root.resolve(gone.substring(1)));
            forget(gone);
            deleted.put(gone, layer);
            return;
        }
        String sys = "/" + name;
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        if (e.isDirectory()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(p);
            }
            Files.createDirectories(p);
        } else {
            delete(p);
            forget(sys);
            if (e.isSymbolicLink()) {
                String target = e.getLinkName();
                if (!target.startsWith("/") && climbs(dir, target)) {
                    throw new ImageException(at + ": /" + name + " is a symbolic link to " + target + ", which leads outside the image");
                }
                Files.createSymbolicLink(p, root.getFileSystem().getPath(target));
            } else if (e.isLink()) {
                Path target = root.resolve(normalize(e.getLinkName(), at));
                if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ImageException(at + ": /" + name + " is a hard link to /" + e.getLinkName() + ", which is not in the image");
                }
                Files.createLink(p, target);
            } else if (e.isFile()) {
                long size = e.getSize();
                if (size > limits.maxFileBytes()) {
                    throw new ImageException(at + ": /" + name + " is " + mib(size) + ", over the " + mib(limits.maxFileBytes())
                            + " limit for one file");
                }
                if (bytes + size > limits.maxTotalBytes()) {
                    throw new ImageException(at + ": the image's files exceed the " + mib(limits.maxTotalBytes()) + " limit in memory (at /"
                            + name + ")");
                }
                try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long copied = data.transferTo(out);
                    bytes += copied;
                }
            } else {
                return; // devices and FIFOs: nothing the loader reads
            }
        }
        if (!e.isSymbolicLink()) {
            int mode = e.getMode() & 07777;
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(p, permissions(mode));
            for (String key : CAPABILITY_HEADERS) {
                if (e.getExtraPaxHeaders().containsKey(key)) {
                    Files.setAttribute(p, FileCapabilities.IMAGE_ATTRIBUTE, "security.capability set in layer " + layer,
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        origin.put(sys, layer);
        deleted.remove(sys);
    }

    /** The entry's path inside the image, without "./" or a leading "/"; one that climbs out is refused. */
    private static String normalize(String name, String at) throws ImageException {
        List<String> parts = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new ImageException(at + ": entry " + name + " climbs out of the image (path traversal); refusing the image");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(c);
        }
        return String.join("/", parts);
    }

    /** Whether a relative link target in {@code dir} goes above the image's root. */
    private static boolean climbs(String dir, String target) {
        int depth = dir.isEmpty() ? 0 : dir.split("/").length;
        for (String c : target.split("/")) {
            if (c.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!c.isEmpty() && !c.equals(".")) {
                depth++;
            }
        }
        return false;
    }

    /** An opaque directory: what lower layers put under {@code dir} is hidden; what this layer put there stays. */
    private void opaque(String dir, int layer) throws IOException {
        Path d = root.resolve(dir.substring(1));
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(d);
            return;
        }
        hideLower(d, dir, layer);
        origin.put(dir, layer);
    }

    private void hideLower(Path d, String sys, int layer) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            ds.forEach(children::add);
        }
        for (Path c : children) {
            String cs = (sys.equals("/") ? "" : sys) + "/" + c.getFileName();
            if (origin.getOrDefault(cs, 0) < layer) {
                delete(c);
                forget(cs);
                deleted.put(cs, layer);
            } else if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                hideLower(c, cs, layer);
            }
        }
    }

    private void forget(String sys) {
        origin.remove(sys);
        String prefix = sys + "/";
        origin.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Removes a file, a link or a whole directory tree (never following links). */
    private void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                ds.forEach(children::add);
            }
            for (Path c : children) {
                delete(c);
            }
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && (Integer) Files.getAttribute(p, "unix:nlink") <= 1) {
            bytes -= Files.size(p);
        }
        Files.delete(p);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE, bits 0400 … 0001
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                s.add(all[i]);
            }
        }
        return s;
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 20) ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
