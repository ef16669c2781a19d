import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/**
 * The least a Java scan can do, as a floor for `memproxy scan` in bench/scan.sh: walk the directories
 * (one lstat per entry, links not followed), open every regular file with an execute bit and read its
 * first 64 bytes, count the ELF ones. No library, no command line, no parsing, one thread. With no
 * arguments it only starts and exits: the JVM's own floor.
 */
public final class ScanFloor {
    private static final ByteBuffer HEAD = ByteBuffer.allocate(64);
    private static int files;
    private static int elf;

    public static void main(String[] args) throws Exception {
        for (String d : args) {
            walk(Path.of(d));
        }
        if (args.length > 0) {
            System.out.println(files + " executables, " + elf + " ELF");
        }
    }

    private static void walk(Path dir) throws Exception {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(entries::add);
        }
        for (Path p : entries) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                walk(p);
            } else if (a.isRegularFile() && a.permissions().contains(PosixFilePermission.OWNER_EXECUTE)) {
                files++;
                try (FileChannel ch = FileChannel.open(p)) {
                    HEAD.clear();
                    ch.read(HEAD, 0);
                    if (HEAD.position() >= 4 && HEAD.getInt(0) == 0x7f454c46) {
                        elf++;
                    }
                } catch (java.io.IOException e) {
                    // unreadable: not counted
                }
            }
        }
    }
}
