package io.memproxy.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.install.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Container images assembled by the tests from this machine's own files (dash, glibc, jemalloc) and the
 * shim the build made: layers as tar streams, an OCI layout, an OCI archive, a docker save archive.
 */
public final class TestImages {
    private TestImages() {}

    static final ObjectMapper JSON = new ObjectMapper();
    public static final String SHIM = Sandbox.SHIM;
    public static final String JEMALLOC = Sandbox.JEMALLOC;
    public static final String CHAIN = SHIM + ":" + JEMALLOC;

    /** A layer's entries in tar order; a null content is a directory, "->target" a symbolic link. */
    public static final class Layer {
        final Map<String, Object> entries = new LinkedHashMap<>();
        final Map<String, Integer> modes = new LinkedHashMap<>();
        final Map<String, Map<String, String>> pax = new LinkedHashMap<>();
        boolean gzip = true;

        /** A PAX extended header on an entry, as tar writes extended attributes. */
        public Layer pax(String name, String key, String value) {
            pax.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public Layer file(String name, Path from) throws IOException {
            entries.put(name, Files.readAllBytes(from));
            modes.put(name, Files.isExecutable(from) ? 0755 : 0644);
            return this;
        }

        public Layer text(String name, String content) {
            entries.put(name, content.getBytes(StandardCharsets.UTF_8));
            modes.put(name, 0644);
            return this;
        }

        public Layer mode(String name, int mode) {
            modes.put(name, mode);
            return this;
        }

        public Layer dir(String name) {
            entries.put(name, null);
            modes.put(name, 0755);
            return this;
        }

        public Layer symlink(String name, String target) {
            entries.put(name, "->" + target);
            return this;
        }

        public Layer plain() {
            gzip = false;
            return this;
        }

        public byte[] bytes() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (OutputStream z = gzip ? new GZIPOutputStream(b) : b; TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Map.Entry<String, Object> e : entries.entrySet()) {
                    Object v = e.getValue();
                    TarArchiveEntry t;
                    if (v == null) {
                        t = new TarArchiveEntry(e.getKey().endsWith("/") ? e.getKey() : e.getKey() + "/");
                    } else if (v instanceof String s) {
                        t = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
                        t.setLinkName(s.substring(2));
                    } else {
                        t = new TarArchiveEntry(e.getKey());
                        t.setSize(((byte[]) v).length);
                    }
                    if (modes.containsKey(e.getKey())) {
                        t.setMode((v == null ? 0040000 : 0100000) | modes.get(e.getKey()));
                    }
                    pax.getOrDefault(e.getKey(), Map.of()).forEach(t::addPaxHeader);
                    tar.putArchiveEntry(t);
                    if (v instanceof byte[] data) {
                        tar.write(data);
                    }
                    tar.closeArchiveEntry();
                }
            }
            return b.toByteArray();
        }
    }

    /** The base layer: a shell, glibc and libstdc++ (which jemalloc needs), from this machine. */
    public static Layer base() throws IOException {
        Layer l = new Layer();
        l.file("bin/sh", Path.of("/usr/bin/dash"));
        l.file("lib64/ld-linux-x86-64.so.2", Path.of("/lib64/ld-linux-x86-64.so.2").toRealPath());
        for (String lib : List.of("libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6")) {
            l.file("lib/x86_64-linux-gnu/" + lib, Path.of("/lib/x86_64-linux-gnu/" + lib).toRealPath());
        }
        return l;
    }

    /** The chain's layer: the built shim and Debian's jemalloc. */
    public static Layer chain() throws IOException {
        return new Layer().file(SHIM.substring(1), Sandbox.builtShim()).file(JEMALLOC.substring(1), Path.of(JEMALLOC).toRealPath());
    }

    public static ObjectNode config(String arch, Map<String, String> env, List<String> entrypoint, List<String> cmd) {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", arch);
        c.put("os", "linux");
        ObjectNode run = c.putObject("config");
        ArrayNode e = run.putArray("Env");
        env.forEach((k, v) -> e.add(k + "=" + v));
        ArrayNode ep = run.putArray("Entrypoint");
        entrypoint.forEach(ep::add);
        ArrayNode cm = run.putArray("Cmd");
        cmd.forEach(cm::add);
        c.putObject("rootfs").put("type", "layers");
        return c;
    }

    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String blob(Path dir, byte[] b) throws IOException {
        String d = sha256(b);
        Path f = dir.resolve("blobs/sha256/" + d.substring(7));
        Files.createDirectories(f.getParent());
        Files.write(f, b);
        return d;
    }

    /** An image manifest (its digest) for a config and layers, its blobs written into the layout {@code dir}. */
    public static ObjectNode manifest(Path dir, ObjectNode config, List<Layer> layers) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        byte[] cfg = JSON.writeValueAsBytes(config);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", "application/vnd.oci.image.config.v1+json");
        c.put("digest", blob(dir, cfg));
        c.put("size", cfg.length);
        ArrayNode ls = m.putArray("layers");
        for (Layer l : layers) {
            byte[] b = l.bytes();
            ObjectNode d = ls.addObject();
            d.put("mediaType", l.gzip ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar");
            d.put("digest", blob(dir, b));
            d.put("size", b.length);
        }
        byte[] mb = JSON.writeValueAsBytes(m);
        ObjectNode desc = JSON.createObjectNode();
        desc.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        desc.put("digest", blob(dir, mb));
        desc.put("size", mb.length);
        return desc;
    }

    /** An OCI layout directory whose index lists {@code manifests}. */
    public static Path layout(Path dir, List<ObjectNode> manifests) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ArrayNode ms = index.putArray("manifests");
        manifests.forEach(ms::add);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        return dir;
    }

    public static Path layout(Path dir, ObjectNode config, List<Layer> layers) throws IOException {
        Files.createDirectories(dir);
        return layout(dir, List.of(manifest(dir, config, layers)));
    }

    /** A tar archive of a directory (an OCI archive of a layout), optionally with extra raw entries. */
    public static Path tarOf(Path dir, Path archive) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files) {
                TarArchiveEntry t = new TarArchiveEntry(dir.relativize(f).toString());
                t.setSize(Files.size(f));
                tar.putArchiveEntry(t);
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    /** A docker save archive (the format before Docker 25): manifest.json, the config, LAYERID/layer.tar. */
    public static Path dockerSave(Path archive, ObjectNode config, List<Layer> layers) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] cfg = JSON.writeValueAsBytes(config);
            String cfgName = sha256(cfg).substring(7) + ".json";
            put(tar, cfgName, cfg);
            ArrayNode names = JSON.createArrayNode();
            Map<String, String> seen = new LinkedHashMap<>();
            for (Layer l : layers) {
                byte[] b = l.plain().bytes();
                String id = sha256(b).substring(7);
                String name = id + "/layer.tar";
                if (seen.containsKey(id)) {
                    // Older docker save links a repeated layer to the first copy.
                    name = id + "-" + seen.size() + "/layer.tar";
                    TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    link.setLinkName("../" + id + "/layer.tar");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                } else {
                    put(tar, name, b);
                }
                seen.put(id + (seen.containsKey(id) ? "-" + seen.size() : ""), name);
                names.add(name);
            }
            ArrayNode manifest = JSON.createArrayNode();
            ObjectNode m = manifest.addObject();
            m.put("Config", cfgName);
            m.putArray("RepoTags").add("memproxy-test:latest");
            m.set("Layers", names);
            put(tar, "manifest.json", JSON.writeValueAsBytes(manifest));
        }
        return archive;
    }

    static void put(TarArchiveOutputStream tar, String name, byte[] b) throws IOException {
        TarArchiveEntry t = new TarArchiveEntry(name);
        t.setSize(b.length);
        tar.putArchiveEntry(t);
        tar.write(b);
        tar.closeArchiveEntry();
    }
}
