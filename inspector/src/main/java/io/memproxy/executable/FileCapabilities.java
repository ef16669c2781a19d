package io.memproxy.executable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * File capabilities (the {@code security.capability} extended attribute), which put a program in
 * secure-execution mode like a set-user-ID bit. Java reads only {@code user.*} extended attributes, so
 * they are read with getcap(8) (Debian package libcap2-bin), one process per batch of files. getcap
 * skips symbolic links: give it the files links resolve to.
 */
public final class FileCapabilities {
    private static final List<String> LOCATIONS = List.of("/usr/sbin/getcap", "/sbin/getcap", "/usr/bin/getcap");

    /** The attribute a container image's file system keeps a layer's security.capability in (io.memproxy.image). */
    public static final String IMAGE_ATTRIBUTE = "unix:capability";

    private final Optional<Path> getcap;
    /** A root not on disk (a container image in memory): the capabilities are read from its files' attributes. */
    private final Optional<Path> inMemory;

    private FileCapabilities(Optional<Path> getcap, Optional<Path> inMemory) {
        this.getcap = getcap;
        this.inMemory = inMemory;
    }

    private FileCapabilities(Optional<Path> getcap) {
        this(getcap, Optional.empty());
    }

    public static FileCapabilities find() {
        for (String l : LOCATIONS) {
            if (Files.isExecutable(Path.of(l))) {
                return new FileCapabilities(Optional.of(Path.of(l)));
            }
        }
        return new FileCapabilities(Optional.empty());
    }

    /**
     * For the files of {@code root}: getcap for a root on disk. getcap reads files by name, so for a root that is
     * not on disk (a container image read into memory) it would read this machine's files of the same name:
     * there the capabilities the layers recorded are read from the files' attributes instead.
     */
    public static FileCapabilities forRoot(Path root) {
        return root.getFileSystem() == java.nio.file.FileSystems.getDefault() ? find()
                : new FileCapabilities(Optional.empty(), Optional.of(root));
    }

    public static FileCapabilities none() {
        return new FileCapabilities(Optional.empty());
    }

    public boolean available() {
        return getcap.isPresent() || inMemory.isPresent();
    }

    /** The capabilities of each of {@code files} that has any, keyed by the file as given. */
    public Map<String, String> of(List<String> files) {
        Map<String, String> out = new HashMap<>();
        if (inMemory.isPresent()) {
            for (String f : files) {
                try {
                    Object c = Files.getAttribute(inMemory.get().getFileSystem().getPath(f), IMAGE_ATTRIBUTE,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (c instanceof String text && !text.isEmpty()) {
                        out.put(f, text);
                    }
                } catch (IOException | RuntimeException e) {
                    // No such file or no attribute: no capabilities.
                }
            }
            return out;
        }
        if (getcap.isEmpty() || files.isEmpty()) {
            return out;
        }
        List<String> cmd = new ArrayList<>(files.size() + 2);
        cmd.add(getcap.get().toString());
        cmd.add("--");
        cmd.addAll(files);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    parse(line, out);
                }
            }
            p.waitFor();
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** libcap 2.x prints "FILE CAPS" ("/usr/bin/ping cap_net_raw=ep"); older ones "FILE = CAPS". */
    private static void parse(String line, Map<String, String> out) {
        int cut = line.lastIndexOf(' ');
        if (cut <= 0) {
            return;
        }
        String file = line.substring(0, cut);
        String caps = line.substring(cut + 1);
        if (file.endsWith(" =")) {
            file = file.substring(0, file.length() - 2);
        }
        out.put(file, caps);
    }
}
