package io.memproxy.loader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The file system a command examines, and the one confinement primitive for it: every path an image names
 * ("/etc/ld.so.preload", "/usr/lib/...") is read and written here, never with a plain {@code resolve()}.
 *
 * <p>Resolution has {@code chroot(2)} semantics: the path is walked component by component; an absolute
 * symbolic link starts again at the root, a relative one from the directory holding it, and {@code ..} stops
 * at the root; at most 40 links (the kernel's ELOOP limit). So no name an image contains can lead outside it.
 *
 * <ul>
 *   <li>{@link #file}, {@link #stat}, {@link #realPath}: a resolved, link-free host path, for code that hands
 *       a path on (the ELF reader opens it with its own regular-file check).</li>
 *   <li>{@link #read}: a whole regular file of at most {@code cap} bytes, as a read of untrusted input must be.
 *       The walk opens each directory with {@code O_NOFOLLOW} relative to the previous one (openat), checks the
 *       type and size before opening (a FIFO, device, socket or directory is refused with what it is) and the
 *       identity (device, inode) of the opened file against that check, and never reads more than the cap.</li>
 *   <li>{@link #directory}: a handle on a directory reached the same race-safe way, for writes: files are
 *       created, renamed and removed relative to it (openat, renameat, unlinkat), so a link swapped into the
 *       path after the check cannot redirect a write outside the root.</li>
 * </ul>
 *
 * <p>Errors are {@link IOException}s whose message names the path as the image names it and the cause
 * ({@link NoSuchFileException} when it does not exist). The host ({@link #host()}) is the root "/", with the
 * same rules. Relative names are relative to the working directory on the host, and to "/" in an image
 * (where no process of the image has a working directory to offer).
 */
public final class Root {
    /** ELOOP limit of the kernel's path walk. */
    public static final int MAX_LINKS = 40;
    /** PATH_MAX: a longer name (or a link chain that builds one) is ENAMETOOLONG. */
    public static final int MAX_PATH = 4096;

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

    /** An offline image: every name is resolved inside {@code dir}, relative ones from its "/". */
    public static Root at(Path dir) {
        return new Root(dir.toAbsolutePath().normalize(), null);
    }

    public boolean isHost() {
        return dir == null;
    }

    /** The image directory, or "/" for the host. */
    public Path dir() {
        return dir == null ? Path.of("/") : dir;
    }

    /** The working directory as a loader path (for an empty path element, which means the CWD). */
    public String cwd() {
        return cwd == null ? "/" : cwd.toString();
    }

    /** The loader path {@code name} means: absolute as is, relative against {@link #cwd()}. */
    private String absolute(String name) {
        return name.startsWith("/") ? name : cwd() + "/" + name;
    }

    /** The host file for a resolved (link-free, absolute) loader path. */
    private Path host(String resolved) {
        if (dir == null) {
            return Path.of(resolved);
        }
        String rel = resolved.replaceFirst("^/+", "");
        return rel.isEmpty() ? dir : dir.resolve(rel);
    }

    /**
     * The host file behind a loader path, every link resolved inside the root. A name that does not exist (or
     * cannot be resolved: a loop, a too long name) maps to its unresolved place under the root, where opening
     * it fails as it would in the image.
     */
    public Path file(String loaderPath) {
        try {
            return host(resolve(loaderPath, true, false));
        } catch (IOException e) {
            return host(lexical(absolute(loaderPath)));
        }
    }

    /** lstat(2) of the resolved file (so never a link), inside the root; empty when it cannot be reached. */
    public Optional<BasicFileAttributes> stat(String loaderPath) {
        try {
            return Optional.of(Files.readAttributes(host(resolve(loaderPath, true, true)), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS));
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
     *
     * @throws NoSuchFileException when a component does not exist; another IOException on a loop or a long name
     */
    public String realPath(String loaderPath) throws IOException {
        return resolve(loaderPath, true, true);
    }

    /**
     * The name resolved by lstat(2) walks: links followed inside the root ({@code followLast}: the last one
     * too). With {@code mustExist} a missing component is NoSuchFileException; otherwise the missing rest is
     * appended as it is.
     */
    private String resolve(String loaderPath, boolean followLast, boolean mustExist) throws IOException {
        if (dir == null && followLast) {
            // On the host the kernel's own walk is this one (the same links, "..", 40-link limit): realpath(3) in
            // one call instead of a Java lstat per component. What it cannot resolve is walked below, which
            // names the cause as before (and appends a missing rest); java.io's stat, which makes no exception
            // of ENOENT, sends a missing name there directly (the search path's candidates are mostly missing).
            String abs = absolute(loaderPath);
            try {
                if (new java.io.File(abs).exists()) {
                    return Path.of(abs).toRealPath().toString();
                }
            } catch (IOException | RuntimeException e) {
                // Walked below.
            }
        }
        Walk w = new Walk(absolute(loaderPath), loaderPath);
        for (String c = w.next(); c != null; c = w.next()) {
            if (c.equals("..")) {
                w.up();
                continue;
            }
            w.done.add(c);
            Path f = host(w.path());
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                if (mustExist) {
                    throw new NoSuchFileException(loaderPath);
                }
                for (String s : w.todo) {
                    if (!s.isEmpty()) {
                        w.done.add(s);
                    }
                }
                return lexical(w.path());
            }
            if (a.isSymbolicLink() && (followLast || w.more())) {
                w.done.remove(w.done.size() - 1);
                w.follow(Files.readSymbolicLink(f).toString());
            } else if (!a.isDirectory() && !a.isSymbolicLink() && w.more()) {
                throw new NotDirectoryException(loaderPath);
            }
        }
        return w.path();
    }

    /**
     * What both walks share (the lstat walk of {@link #resolve}, the descriptor walk of {@link #directory}): the
     * components still to walk, the ones walked, and chroot(2)'s rules for ".", ".." and links.
     */
    private static final class Walk {
        final Deque<String> todo;
        final List<String> done = new ArrayList<>();
        private final String named;
        private int links;

        Walk(String path, String named) {
            this.todo = new ArrayDeque<>(List.of(path.split("/")));
            this.named = named;
        }

        /** The next component to look up (".." included), or null at the end; empty ones and "." are skipped. */
        String next() {
            while (!todo.isEmpty()) {
                String c = todo.pollFirst();
                if (!c.isEmpty() && !c.equals(".")) {
                    return c;
                }
            }
            return null;
        }

        /** ".." : one component back, false at the root, where ".." stays. */
        boolean up() {
            if (done.isEmpty()) {
                return false;
            }
            done.remove(done.size() - 1);
            return true;
        }

        /** Whether a component other than an empty one is still to come. */
        boolean more() {
            for (String s : todo) {
                if (!s.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Goes on at a link's target, in place of the link: an absolute one starts again at the root (true),
         * a relative one from the directory holding it; more than MAX_LINKS links, or a name over MAX_PATH, fail.
         */
        boolean follow(String target) throws IOException {
            if (++links > MAX_LINKS) {
                throw new FileSystemException(named, null, "too many levels of symbolic links");
            }
            boolean absolute = target.startsWith("/");
            if (absolute) {
                done.clear();
            }
            int length = target.length();
            for (String s : todo) {
                length += s.length() + 1;
            }
            if (length > MAX_PATH) {
                throw new FileSystemException(named, null, "file name too long");
            }
            List<String> parts = List.of(target.split("/"));
            for (int i = parts.size() - 1; i >= 0; i--) {
                todo.addFirst(parts.get(i));
            }
            return absolute;
        }

        String path() {
            return "/" + String.join("/", done);
        }
    }

    /** The name with "." and ".." folded, ".." stopping at "/" (no file system access). */
    private static String lexical(String path) {
        Walk w = new Walk(path, path);
        for (String c = w.next(); c != null; c = w.next()) {
            if (!c.equals("..")) {
                w.done.add(c);
            } else {
                w.up();
            }
        }
        return w.path();
    }

    /**
     * Reads a whole regular file of at most {@code cap} bytes, resolved and opened race-safely (see the class
     * comment).
     *
     * @throws NoSuchFileException when it does not exist
     * @throws IOException         naming the path and the cause: not a regular file ("is a FIFO"), larger
     *                             than the cap, unreadable, replaced while it was opened
     */
    public byte[] read(String loaderPath, long cap) throws IOException {
        try (Directory d = parentOf(loaderPath, false)) {
            return d.read(d.leaf(), cap, loaderPath);
        }
    }

    /** {@link #read}, but mapped read-only instead of copied: for large inputs read lazily (ld.so.cache). */
    public ByteBuffer map(String loaderPath, long cap) throws IOException {
        try (Directory d = parentOf(loaderPath, false)) {
            return d.map(d.leaf(), cap, loaderPath);
        }
    }

    /** The first bytes of a file and its whole size, for {@link #readHead}. */
    public record Head(byte[] bytes, long size) {
        public boolean complete() {
            return bytes.length == size;
        }
    }

    /**
     * {@link #read}, but a file over {@code cap} is not an error: its first {@code cap} bytes are returned with
     * its size, for inputs examined up to a limit with the rest reported (/etc/ld.so.preload).
     */
    public Head readHead(String loaderPath, long cap) throws IOException {
        try (Directory d = parentOf(loaderPath, false)) {
            return d.readHead(d.leaf(), cap, loaderPath);
        }
    }

    /** {@link #read}, empty when the file does not exist. */
    public Optional<byte[]> readIfPresent(String loaderPath, long cap) throws IOException {
        try {
            return Optional.of(read(loaderPath, cap));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * A handle on the directory {@code loaderPath} names, resolved inside the root without following any link
     * the walk did not read itself. With {@code create}, missing directories are made (mode 0755).
     */
    public Directory directory(String loaderPath, boolean create) throws IOException {
        return directory(absolute(loaderPath), create, loaderPath);
    }

    /**
     * The directory holding the file {@code loaderPath} names and the file's name in it, after following the
     * file's own links inside the root: where a write of that file goes. The caller closes the handle.
     */
    public Directory parentOf(String loaderPath, boolean create) throws IOException {
        String path = absolute(loaderPath);
        for (int links = 0; ; links++) {
            String leaf = leaf(path);
            Directory d = directory(parent(path), create, loaderPath);
            Optional<PosixFileAttributes> a;
            try {
                a = d.attributes(leaf);
            } catch (IOException | RuntimeException e) {
                d.close();
                throw e;
            }
            if (a.isEmpty() || !a.get().isSymbolicLink()) {
                d.leaf = leaf;
                return d;
            }
            String target = Files.readSymbolicLink(d.host.resolve(leaf)).toString();
            String from = d.path;
            d.close();
            if (links >= MAX_LINKS) {
                throw new FileSystemException(loaderPath, null, "too many levels of symbolic links");
            }
            path = lexical(target.startsWith("/") ? target : from + "/" + target);
            try {
                directory(parent(path), create, loaderPath).close();
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(loaderPath, null, "a link to " + path + ", which does not exist" + (dir == null ? "" : " in the image"));
            }
            if (leaf(path).isEmpty()) {
                throw new FileSystemException(loaderPath, null, "a link to a directory, not a file");
            }
        }
    }

    private static String parent(String path) {
        String p = lexical(path);
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "/" : p.substring(0, slash);
    }

    private static String leaf(String path) {
        String p = lexical(path);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The race-safe walk: one directory descriptor per component, each opened with O_NOFOLLOW from the last. */
    private Directory directory(String path, boolean create, String named) throws IOException {
        Walk w = new Walk(path, named);
        Deque<SecureDirectoryStream<Path>> open = new ArrayDeque<>();
        try {
            DirectoryStream<Path> top = Files.newDirectoryStream(dir());
            if (!(top instanceof SecureDirectoryStream<Path> s)) {
                top.close();
                throw new FileSystemException(named, null, "this platform cannot confine paths (no openat)");
            }
            open.push(s);
            for (String c = w.next(); c != null; c = w.next()) {
                if (c.equals("..")) {
                    if (w.up()) {
                        open.pop().close();
                    }
                    continue;
                }
                SecureDirectoryStream<Path> here = open.peek();
                Path name = dir().getFileSystem().getPath(c);
                Path hostPath = host(w.path()).resolve(c);
                Optional<PosixFileAttributes> a = lstat(here, name);
                if (a.isEmpty()) {
                    if (!create) {
                        throw new NoSuchFileException(named);
                    }
                    // No mkdirat in Java: made by name, then opened with O_NOFOLLOW and checked like any other.
                    try {
                        Files.createDirectory(hostPath, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        // made by someone else meanwhile: checked below like any directory
                    }
                    a = lstat(here, name);
                    if (a.isEmpty()) {
                        throw new NoSuchFileException(named);
                    }
                }
                if (a.get().isSymbolicLink()) {
                    if (w.follow(Files.readSymbolicLink(hostPath).toString())) {
                        while (open.size() > 1) {
                            open.pop().close();
                        }
                    }
                    continue;
                }
                if (!a.get().isDirectory()) {
                    throw new FileSystemException(named, null,
                            w.path() + (w.done.isEmpty() ? "" : "/") + c + " is " + kind(hostPath, a.get()) + ", not a directory");
                }
                open.push(here.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS));
                w.done.add(c);
            }
            SecureDirectoryStream<Path> last = open.pop();
            return new Directory(this, last, w.path(), host(w.path()));
        } finally {
            for (SecureDirectoryStream<Path> s : open) {
                s.close();
            }
        }
    }

    private static Optional<PosixFileAttributes> lstat(SecureDirectoryStream<Path> in, Path name) throws IOException {
        try {
            return Optional.of(in.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** What a file is, in the words the messages use: "a FIFO", "a character device", ... */
    public static String kind(Path file, BasicFileAttributes a) {
        if (a.isRegularFile()) {
            return "a regular file";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            // The file type is in st_mode's S_IFMT bits, which only the "unix" view shows.
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | RuntimeException e) {
            return "a special file";
        }
    }

    /** {@link #kind(Path, BasicFileAttributes)} of a host file, not following a link; "absent" when missing. */
    public static String kind(Path file) {
        try {
            return kind(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return "absent";
        }
    }

    /** One line naming the file and the cause, for any IOException this class (or a read) throws. */
    public static String message(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : io.memproxy.elf.FileWords.MISSING);
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": " + io.memproxy.elf.FileWords.DENIED;
        }
        if (e instanceof NotDirectoryException n) {
            return n.getFile() + ": a component of the path is not a directory";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return dir == null ? "/" : dir.toString();
    }

    /**
     * A directory inside the root, reached by the race-safe walk; names given to its methods are single
     * components. Writes through it cannot leave the root whatever links appear meanwhile.
     */
    public static final class Directory implements Closeable {
        private final Root root;
        private final SecureDirectoryStream<Path> fd;
        private final String path;
        private final Path host;
        private String leaf;

        private Directory(Root root, SecureDirectoryStream<Path> fd, String path, Path host) {
            this.root = root;
            this.fd = fd;
            this.path = path;
            this.host = host;
        }

        /** A name in this directory, in the directory's own file system (an image's may be in memory). */
        private Path name(String n) {
            return host.getFileSystem().getPath(n);
        }

        /** The directory as the image names it (links resolved). */
        public String path() {
            return path;
        }

        /** For {@link Root#parentOf}: the file's name in this directory. */
        public String leaf() {
            return leaf;
        }

        /** The host path of a name in it, for messages and for code outside the write path. */
        public Path hostPath(String name) {
            return host.resolve(name);
        }

        /** lstat(2) of a name in the directory (fstatat), empty when absent. */
        public Optional<PosixFileAttributes> attributes(String name) throws IOException {
            return lstat(fd, name(name));
        }

        /** Reads a regular file of at most {@code cap} bytes; {@code named} is the name used in messages. */
        public byte[] read(String name, long cap, String named) throws IOException {
            try (SeekableByteChannel ch = openChecked(name, cap, named, false)) {
                return readAtMost(ch, cap, named);
            }
        }

        /** At most the first {@code cap} bytes of a regular file, and its size. */
        public Head readHead(String name, long cap, String named) throws IOException {
            try (SeekableByteChannel ch = openChecked(name, cap, named, true)) {
                long size = ch.size();
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(cap, size));
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // fill
                }
                return new Head(b.position() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position()),
                        Math.max(size, b.position()));
            }
        }

        private static byte[] readAtMost(SeekableByteChannel ch, long cap, String named) throws IOException {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(cap + 1, Math.max(ch.size() + 1, 4096)));
            while (true) {
                if (!b.hasRemaining()) {
                    if (b.capacity() > cap) {
                        throw new FileSystemException(named, null, "is more than the " + cap + " bytes read from such a file");
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(cap + 1, (long) b.capacity() * 2));
                    b.flip();
                    bigger.put(b);
                    b = bigger;
                }
                if (ch.read(b) < 0) {
                    break;
                }
            }
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }

        /** Maps a regular file of at most {@code cap} bytes read-only (no heap copy); the mapping outlives the handle. */
        public ByteBuffer map(String name, long cap, String named) throws IOException {
            try (SeekableByteChannel ch = openChecked(name, cap, named, false)) {
                return ((FileChannel) ch).map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            }
        }

        /** Opens a regular file of at most {@code cap} bytes, checked before and after the open (O_NOFOLLOW). */
        private SeekableByteChannel openChecked(String name, long cap, String named, boolean head) throws IOException {
            Path n = name(name);
            Optional<PosixFileAttributes> before = lstat(fd, n);
            if (before.isEmpty()) {
                throw new NoSuchFileException(named);
            }
            if (before.get().isSymbolicLink()) {
                throw new FileSystemException(named, null, "was replaced by a symbolic link while it was being opened");
            }
            if (!before.get().isRegularFile()) {
                throw new FileSystemException(named, null, "is " + kind(host.resolve(name), before.get()) + ", not a regular file");
            }
            if (!head && before.get().size() > cap) {
                throw new FileSystemException(named, null, "is " + before.get().size() + " bytes, more than the "
                        + cap + " read from such a file");
            }
            SeekableByteChannel ch = fd.newByteChannel(n, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            Optional<PosixFileAttributes> after = lstat(fd, n);
            if (after.isEmpty() || !after.get().isRegularFile()
                    || !java.util.Objects.equals(after.get().fileKey(), before.get().fileKey()) || (!head && ch.size() > cap)) {
                ch.close();
                throw new FileSystemException(named, null, "was replaced while it was being opened");
            }
            return ch;
        }

        /** Creates a new file (O_CREAT|O_EXCL|O_NOFOLLOW) with permission bits {@code mode} & 0777. */
        public FileChannel create(String name, int mode) throws IOException {
            Set<PosixFilePermission> perms = permissions(mode);
            SeekableByteChannel ch = fd.newByteChannel(name(name), Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(perms));
            try {
                fd.getFileAttributeView(name(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(perms);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return (FileChannel) ch;
        }

        /** rename(2) within the directory (renameat), replacing {@code to}. */
        public void rename(String from, String to) throws IOException {
            fd.move(name(from), fd, name(to));
        }

        /** unlink(2) of a name (unlinkat); false when it did not exist. */
        public boolean delete(String name) throws IOException {
            try {
                fd.deleteFile(name(name));
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }

        /** rmdir(2) of an empty directory in it (unlinkat with AT_REMOVEDIR); false when it did not exist. */
        public boolean deleteDirectory(String name) throws IOException {
            try {
                fd.deleteDirectory(name(name));
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }

        /** fsync(2) of the directory itself, so that renames and removals in it are durable. */
        public void sync() throws IOException {
            try (SeekableByteChannel ch = fd.newByteChannel(name("."), Set.of(StandardOpenOption.READ))) {
                ((FileChannel) ch).force(true);
            }
        }

        /** The names in the directory that {@code filter} accepts, sorted. */
        public List<String> list(Predicate<String> filter) throws IOException {
            List<String> out = new ArrayList<>();
            try (SecureDirectoryStream<Path> again = fd.newDirectoryStream(name("."), LinkOption.NOFOLLOW_LINKS)) {
                for (Path p : again) {
                    String n = p.getFileName().toString();
                    if (filter.test(n)) {
                        out.add(n);
                    }
                }
            } catch (java.nio.file.DirectoryIteratorException e) {
                throw e.getCause();
            }
            out.sort(null);
            return out;
        }

        private static Set<PosixFilePermission> permissions(int mode) {
            Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
            for (int i = 0; i < 9; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    out.add(bits[i]);
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            fd.close();
        }
    }
}
