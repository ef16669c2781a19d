package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The file system the loader sees. Every path the loader handles is a path as ld.so would name it
 * ("/usr/lib/..."); {@link #file} maps it to the file to read, under {@code --root DIR} when one is given.
 * Absolute symbolic links are resolved inside the root, as they would be in the image itself.
 */
public final class Root {
    private static final int MAX_LINKS = 40; // ELOOP limit of the kernel's path walk
    private static final Root HOST = new Root(null, Path.of(System.getProperty("user.dir")));

    private final Path dir;
    private final Path cwd;

    private Root(Path dir, Path cwd) {
        this.dir = dir;
        this.cwd = cwd;
    }

    /** The running system, with the JVM's working directory for relative names. */
    public static Root host() {
        return HOST;
    }

    /** An offline image: absolute names are read under {@code dir}; relative ones stay relative to {@code cwd}. */
    public static Root at(Path dir) {
        return new Root(dir.toAbsolutePath().normalize(), Path.of(System.getProperty("user.dir")));
    }

    public boolean isHost() {
        return dir == null;
    }

    /** The image directory, or "/" for the host. */
    public Path dir() {
        return dir == null ? Path.of("/") : dir;
    }

    /** The file behind a loader path. Relative names are relative to the working directory, as for open(2). */
    public Path file(String loaderPath) {
        if (!loaderPath.startsWith("/")) {
            return cwd.resolve(loaderPath);
        }
        if (dir == null) {
            return Path.of(loaderPath);
        }
        String rel = loaderPath.replaceFirst("^/+", "");
        return rel.isEmpty() ? dir : dir.resolve(rel);
    }

    /** The working directory as a loader path (for an empty path element, which means the CWD). */
    public String cwd() {
        return cwd.toString();
    }

    /** stat(2) following links, inside the root; empty when the file does not exist or cannot be reached. */
    public Optional<BasicFileAttributes> stat(String loaderPath) {
        try {
            Path p = dir == null ? file(loaderPath) : file(realPath(loaderPath));
            return Optional.of(Files.readAttributes(p, BasicFileAttributes.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean exists(String loaderPath) {
        return stat(loaderPath).isPresent();
    }

    /**
     * realpath(3) inside the root: every symbolic link is resolved, absolute targets relative to the root.
     * Used for the executable's $ORIGIN, which the kernel derives from /proc/self/exe.
     */
    public String realPath(String loaderPath) throws IOException {
        if (dir == null) {
            return file(loaderPath).toRealPath().toString();
        }
        String start = loaderPath.startsWith("/") ? loaderPath : cwd + "/" + loaderPath;
        Deque<String> todo = new ArrayDeque<>(List.of(start.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(c);
            String sofar = "/" + String.join("/", done);
            Path f = file(sofar);
            if (Files.isSymbolicLink(f)) {
                if (++links > MAX_LINKS) {
                    throw new IOException(loaderPath + ": too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(f).toString();
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(loaderPath + ": no such file or directory");
            }
        }
        return "/" + String.join("/", done);
    }

    @Override
    public String toString() {
        return dir == null ? "/" : dir.toString();
    }
}
