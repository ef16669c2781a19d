package io.memproxy.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builders for hostile system images and the host-side sentinel they must never reach: a directory outside
 * the image holding decoy files whose every byte is marked, hashed before and after each command.
 */
final class HostileImages {
    /** In every sentinel file; no command's output may contain it. */
    static final String MARK = "SENTINEL-9b2f";

    private HostileImages() {}

    /** The sentinel directory: decoy preload, config, os-release, shadow, state, and a usr/bin with a program. */
    static Path sentinel(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("lib/memproxy"));
        Files.writeString(dir.resolve("ld.so.preload"), "/" + MARK + "/libdecoy.so\n");
        Files.writeString(dir.resolve("memproxy.conf"), MARK + "-program\n");
        Files.writeString(dir.resolve("os-release"), "PRETTY_NAME=\"" + MARK + " Linux\"\n");
        Files.writeString(dir.resolve("shadow"), "root:" + MARK + ":19000:0:99999:7:::\n");
        Files.writeString(dir.resolve("lib/memproxy/preload-entries"), "/" + MARK + "/libdecoy.so\n");
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/usr/bin/true"), dir.resolve("bin/" + MARK + "-prog"));
        return dir;
    }

    /** Every file and directory under {@code dir}: type, mode, size and content hash (links not followed). */
    static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String v = (a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : a.isRegularFile() ? "f" : "o")
                        + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) + ":" + a.size()
                        + ":" + a.lastModifiedTime().toMillis();
                if (a.isRegularFile()) {
                    v += ":" + sha256(Files.readAllBytes(p));
                } else if (a.isSymbolicLink()) {
                    v += ":" + Files.readSymbolicLink(p);
                }
                out.put(dir.relativize(p).toString(), v);
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void link(Path image, String at, String target) throws IOException {
        Path p = image.resolve(at.substring(1));
        Files.createDirectories(p.getParent());
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                        try {
                            Files.delete(q);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            } else {
                Files.delete(p);
            }
        }
        Files.createSymbolicLink(p, Path.of(target));
    }

    static void fifo(Path image, String at) throws IOException {
        Path p = image.resolve(at.substring(1));
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        run(List.of("mkfifo", p.toString()));
    }

    /** A character device like /dev/zero (1, 5) inside the image; tests and CI run as root. */
    static void zeroDevice(Path image, String at) throws IOException {
        Path p = image.resolve(at.substring(1));
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        run(List.of("mknod", "-m", "0644", p.toString(), "c", "1", "5"));
    }

    /** A sparse file of {@code size} bytes: it costs no disk, but a reader that trusts its size reads it all. */
    static void sparse(Path image, String at, long size) throws IOException {
        Path p = image.resolve(at.substring(1));
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    /**
     * A new-format ld.so.cache whose {@code entries} entries all point to one string of {@code length} bytes
     * with no NUL: a reader that decodes every entry to the end of the file needs entries x length bytes.
     */
    static byte[] unterminatedCache(int entries, int length) {
        int table = 48 + entries * 24;
        ByteBuffer b = ByteBuffer.allocate(table + length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("glibc-ld.so.cache1.1".getBytes(StandardCharsets.US_ASCII));
        b.putInt(20, entries);
        for (int i = 0; i < entries; i++) {
            int at = 48 + i * 24;
            b.putInt(at, 0x0303);
            b.putInt(at + 4, table);
            b.putInt(at + 8, table);
        }
        for (int i = table; i < table + length; i++) {
            b.put(i, (byte) 'A');
        }
        return b.array();
    }

    /** A preload file of {@code n} short names: "/l/0" ... */
    static void manyPreloads(Path image, int n) throws IOException {
        Path p = image.resolve("etc/ld.so.preload");
        try (var out = new java.io.BufferedOutputStream(new FileOutputStream(p.toFile()), 1 << 16)) {
            for (int i = 0; i < n; i++) {
                out.write(("/l/" + Integer.toString(i, 36) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * An executable built from source with an RPATH of {@code dirs} directories (none exists) and
     * {@code needed} DT_NEEDED entries (libn0.so ...; none exists at run time). The needed names come from
     * one stub library without a soname, linked under each name through a symbolic link.
     */
    static Path rpathFixture(Path work, int dirs, int needed) throws IOException {
        Files.createDirectories(work.resolve("stubs"));
        Path stubC = work.resolve("stub.c");
        Files.writeString(stubC, "int memproxy_stub;\n");
        Path stub = work.resolve("stub.so");
        run(List.of("gcc", "-shared", "-fPIC", "-o", stub.toString(), stubC.toString()));
        List<String> cmd = new ArrayList<>(List.of("gcc", "-o", work.resolve("many").toString(), writeMain(work).toString(),
                "-L" + work.resolve("stubs"), "-Wl,--no-as-needed", "-Wl,--disable-new-dtags"));
        StringBuilder rpath = new StringBuilder();
        for (int i = 0; i < dirs; i++) {
            rpath.append(i == 0 ? "" : ":").append("/nonexistent/rpath").append(i);
        }
        cmd.add("-Wl,-rpath," + rpath);
        for (int i = 0; i < needed; i++) {
            Path l = work.resolve("stubs/libn" + i + ".so");
            if (!Files.exists(l, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(l, stub);
            }
            cmd.add("-ln" + i);
        }
        Path args = work.resolve("link.args");
        Files.write(args, cmd.subList(1, cmd.size()));
        run(List.of("gcc", "@" + args));
        return work.resolve("many");
    }

    private static Path writeMain(Path work) throws IOException {
        Path c = work.resolve("main.c");
        Files.writeString(c, "int main(void) { return 0; }\n");
        return c;
    }

    static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(cmd.get(0) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Opens a FIFO for writing and closes it, which lets a reader blocked in open(2) go on (cleanup). */
    static void release(Path fifo) {
        Thread t = new Thread(() -> {
            // WRITE without CREATE: once the FIFO is gone, nothing is made in its place.
            try (var f = Files.newOutputStream(fifo, java.nio.file.StandardOpenOption.WRITE)) {
                f.flush();
            } catch (IOException e) {
                // nothing to release
            }
        }, "fifo-release");
        t.setDaemon(true);
        t.start();
    }
}
