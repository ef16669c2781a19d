package io.memproxy.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container image read without unpacking it to disk: the manifest for the platform, the config, and the
 * layers applied in order (whiteouts and opaque directories included) into an in-memory file system that
 * the loader reads like a --root directory. Memory is bounded by {@link Limits}.
 */
public final class ContainerImage implements Closeable {
    /** The most a run holds in memory: any one file, all files together, the number of entries. */
    public record Limits(long maxFileBytes, long maxTotalBytes, long maxEntries) {
        /** A quarter of the heap for all files (the loader parses them too), at most 2 GiB; one file at most half of that. */
        public static Limits defaults() {
            long total = Math.min(2L << 30, Runtime.getRuntime().maxMemory() / 4);
            return new Limits(total / 2, total, 1_000_000);
        }
    }

    /** One layer: its place (1 for the base), its digest and media type. */
    public record Layer(int number, String digest, String mediaType) {
        /** "layer 3 (sha256:0123456789ab)", for messages. */
        public String label() {
            String d = digest.startsWith("sha256:") && digest.length() > 19 ? digest.substring(0, 19) : digest;
            return "layer " + number + " (" + d + ")";
        }
    }

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Manifests, indexes and configs are small; a larger one is not an image's. */
    static final long MAX_JSON = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String where;
    private final FileSystem fs;
    private final ImageConfig config;
    private final List<Layer> layers;
    private final LayerStack stack;

    private ContainerImage(String where, FileSystem fs, ImageConfig config, List<Layer> layers, LayerStack stack) {
        this.where = where;
        this.fs = fs;
        this.config = config;
        this.layers = List.copyOf(layers);
        this.stack = stack;
    }

    /**
     * Reads the image at {@code path}: an OCI layout directory, an OCI archive or a docker save archive.
     * {@code platform} picks the manifest from an image index (default: this machine's).
     */
    public static ContainerImage open(Path path, Optional<ImagePlatform> platform, Limits limits) throws ImageException {
        try (Blobs blobs = Blobs.open(path)) {
            return read(blobs, platform, limits);
        } catch (IOException e) {
            throw new ImageException(path + ": " + Blobs.message(e));
        }
    }

    private static ContainerImage read(Blobs blobs, Optional<ImagePlatform> platform, Limits limits) throws ImageException, IOException {
        JsonNode manifest;
        String configName;
        List<Layer> layers = new ArrayList<>();
        List<String> layerNames = new ArrayList<>();
        if (blobs.exists("index.json")) {
            manifest = manifest(blobs, json(blobs, "index.json"), platform.orElse(ImagePlatform.host()), platform.isPresent(), 0);
            configName = blobName(blobs, text(manifest.path("config"), "digest", blobs, "manifest config"));
            int n = 0;
            for (JsonNode l : manifest.path("layers")) {
                String digest = text(l, "digest", blobs, "manifest layer");
                layers.add(new Layer(++n, digest, l.path("mediaType").asText("")));
                layerNames.add(blobName(blobs, digest));
            }
        } else if (blobs.exists("manifest.json")) {
            JsonNode list = json(blobs, "manifest.json");
            if (!list.isArray() || list.isEmpty()) {
                throw new ImageException(blobs.where + ": manifest.json lists no image");
            }
            manifest = list.get(0);
            configName = text(manifest, "Config", blobs, "manifest.json");
            int n = 0;
            for (JsonNode l : manifest.path("Layers")) {
                String name = Blobs.clean(blobs.where, l.asText());
                layers.add(new Layer(++n, name.startsWith("blobs/sha256/") ? "sha256:" + name.substring(13) : name, "docker save layer"));
                layerNames.add(name);
            }
        } else {
            throw new ImageException(blobs.where + ": neither index.json (OCI layout) nor manifest.json (docker save) in it: not an image");
        }
        ImageConfig config = config(blobs, configName);
        if (platform.isPresent() && !platform.get().matches(config.os(), config.architecture(), Optional.of(config.variant()).filter(v -> !v.isEmpty()))) {
            throw new ImageException(blobs.where + ": the image is for " + config.os() + "/" + config.architecture()
                    + (config.variant().isEmpty() ? "" : "/" + config.variant()) + ", not " + platform.get() + " (--platform)");
        }
        Configuration fsConfig = Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix")
                .addAttributeProvider(new ImageAttributes())
                .setMaxSize(limits.maxTotalBytes() + (64L << 20))
                .setBlockSize(4096)
                .build();
        FileSystem fs = Jimfs.newFileSystem(fsConfig);
        LayerStack stack = new LayerStack(fs.getPath("/"), limits);
        try {
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                if (layer.mediaType().endsWith("+zstd")) {
                    throw new ImageException(blobs.where + ": " + layer.label() + " is zstd-compressed, which memproxy cannot read yet");
                }
                try (InputStream in = blobs.open(layerNames.get(i))) {
                    stack.apply(layer, in, blobs.where);
                }
            }
        } catch (ImageException | IOException | RuntimeException e) {
            fs.close();
            if (e instanceof ImageException ie) {
                throw ie;
            }
            throw new ImageException(blobs.where + ": " + Blobs.message(e));
        }
        return new ContainerImage(blobs.where, fs, config, layers, stack);
    }

    /** The image manifest an index points to for the platform, following nested indexes. */
    private static JsonNode manifest(Blobs blobs, JsonNode index, ImagePlatform want, boolean asked, int depth) throws ImageException, IOException {
        if (depth > 4) {
            throw new ImageException(blobs.where + ": image indexes nested too deeply");
        }
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new ImageException(blobs.where + ": the image index lists no manifest");
        }
        List<JsonNode> candidates = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        for (JsonNode m : manifests) {
            JsonNode p = m.path("platform");
            if (p.isMissingNode()) {
                candidates.add(m);
                continue;
            }
            String os = p.path("os").asText("");
            String arch = p.path("architecture").asText("");
            if (os.equals("unknown")) {
                continue; // attestations (docker buildx), not runnable images
            }
            offered.add(os + "/" + arch + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : ""));
            if (want.matches(os, arch, Optional.ofNullable(p.path("variant").textValue()))) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            throw new ImageException(blobs.where + ": no manifest for " + want + (asked ? "" : " (this machine)") + "; the index offers "
                    + String.join(", ", offered) + ": choose one with --platform");
        }
        JsonNode chosen = candidates.get(0);
        JsonNode doc = json(blobs, blobName(blobs, text(chosen, "digest", blobs, "index entry")));
        String type = chosen.path("mediaType").asText(doc.path("mediaType").asText(""));
        if (type.equals(OCI_INDEX) || type.equals(DOCKER_LIST) || doc.has("manifests")) {
            return manifest(blobs, doc, want, asked, depth + 1);
        }
        return doc;
    }

    private static ImageConfig config(Blobs blobs, String name) throws ImageException, IOException {
        JsonNode c = json(blobs, name);
        JsonNode run = c.path("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : run.path("Env")) {
            String s = e.asText();
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return new ImageConfig(env, strings(run.path("Entrypoint")), strings(run.path("Cmd")), run.path("User").asText(""),
                run.path("WorkingDir").asText(""), c.path("os").asText("linux"), c.path("architecture").asText(""),
                c.path("variant").asText(""));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static String blobName(Blobs blobs, String digest) throws ImageException {
        if (!digest.matches("sha(256:[0-9a-f]{64}|512:[0-9a-f]{128})")) {
            throw new ImageException(blobs.where + ": '" + digest + "' is not a digest");
        }
        return "blobs/" + digest.replace(':', '/');
    }

    private static String text(JsonNode n, String field, Blobs blobs, String what) throws ImageException {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new ImageException(blobs.where + ": " + what + " has no " + field);
        }
        return v.asText();
    }

    private static JsonNode json(Blobs blobs, String name) throws ImageException, IOException {
        if (blobs.size(name) > MAX_JSON) {
            throw new ImageException(blobs.where + ": " + name + " is larger than " + (MAX_JSON >> 20) + " MiB: not an image's JSON");
        }
        try (InputStream in = blobs.open(name)) {
            return JSON.readTree(in.readNBytes((int) MAX_JSON));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ImageException(blobs.where + ": " + name + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** The merged file system's root, to hand to the loader as a root directory. */
    public Path root() {
        return fs.getPath("/");
    }

    public ImageConfig config() {
        return config;
    }

    public List<Layer> layers() {
        return layers;
    }

    public String where() {
        return where;
    }

    /** The layer that last wrote a path (as the image names it), if any did. */
    public Optional<Layer> origin(String path) {
        return stack.origin(path).map(n -> layers.get(n - 1));
    }

    /** The layer whose whiteout (or opaque directory) deleted a path, if one did and nothing wrote it again. */
    public Optional<Layer> deletedBy(String path) {
        return stack.deletedBy(path).map(n -> layers.get(n - 1));
    }

    /** Bytes of file content held in memory. */
    public long bytes() {
        return stack.bytes();
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}
