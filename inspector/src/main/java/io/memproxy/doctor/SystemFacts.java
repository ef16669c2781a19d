package io.memproxy.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a support request needs to know about the examined system, and nothing secret: the environment
 * is reduced to the variables the loader and the shim read.
 *
 * @param kernel          the kernel release
 * @param distribution    PRETTY_NAME of /etc/os-release
 * @param glibcVersion    the newest GLIBC_x.y version libc defines
 * @param loaderVariables LD_PRELOAD, LD_LIBRARY_PATH, MEMPROXY_CONF, MEMPROXY_DEBUG when set
 * @param objects         the chain's files with build-id and checksum
 * @param config          the exclusion list's text ("" when it cannot be read)
 */
public record SystemFacts(String kernel, String distribution, String glibcVersion, Map<String, String> loaderVariables,
        List<ObjectFacts> objects, String config) {
    /** The environment variables a report may show. */
    public static final List<String> LOADER_VARIABLES = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "MEMPROXY_CONF", "MEMPROXY_DEBUG");

    public SystemFacts {
        loaderVariables = Map.copyOf(loaderVariables);
        objects = List.copyOf(objects);
    }

    /** One file of the chain: where, what role, which build. */
    public record ObjectFacts(String entry, String path, String role, String buildId, String sha256, long size) {}

    public static SystemFacts gather(Inspection in, Map<String, String> environment) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String v : LOADER_VARIABLES) {
            if (environment.containsKey(v)) {
                vars.put(v, environment.get(v));
            }
        }
        List<ObjectFacts> objects = new ArrayList<>();
        for (Link l : in.chain()) {
            String buildId = "";
            if (l.object().isPresent()) {
                buildId = l.object().get().image().header().buildId().orElse("");
            }
            objects.add(new ObjectFacts(l.entry(), l.path(), l.role(), buildId, l.path().isEmpty() ? "" : sha256(in, l.path()),
                    size(in, l.path())));
        }
        String config = "";
        if (in.config().state() == io.memproxy.config.ConfigFile.State.READ) {
            try {
                config = new String(in.root().read(in.config().path(), io.memproxy.config.ConfigGrammar.MAX_BYTES),
                        StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                config = "";
            }
        }
        return new SystemFacts(firstLine("/proc/sys/kernel/osrelease"), osRelease(in), Routes.glibcVersion(in), vars, objects,
                config);
    }

    private static String sha256(Inspection in, String path) {
        // Only a regular file is hashed: a FIFO would block and a device never ends.
        if (!in.root().stat(path).map(java.nio.file.attribute.BasicFileAttributes::isRegularFile).orElse(false)) {
            return "";
        }
        try (InputStream s = Files.newInputStream(in.file(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = s.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static long size(Inspection in, String path) {
        try {
            return path.isEmpty() ? 0 : in.root().stat(path).filter(java.nio.file.attribute.BasicFileAttributes::isRegularFile)
                    .map(java.nio.file.attribute.BasicFileAttributes::size).orElse(0L);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String firstLine(String path) {
        try {
            // /proc is the running kernel's, even for --root.
            return Files.readAllLines(java.nio.file.Path.of(path)).stream().findFirst().orElse("").trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** os-release(5) is a few lines; more is not one. */
    static final long OS_RELEASE_MAX = 64 << 10;

    private static String osRelease(Inspection in) {
        try {
            for (String line : new String(in.root().read("/etc/os-release", OS_RELEASE_MAX), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // Fall through: an image without os-release.
        }
        return "";
    }
}
