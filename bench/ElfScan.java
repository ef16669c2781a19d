import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The ELF reader over every file in the given directories, in one JVM with the launcher's flags:
 * the floor (open each file and read its first 64 bytes), ElfImage.read (header and dynamic
 * section), and read plus dynamic symbols and versions. Prints the first (cold) round and the
 * median of the rest. Run by bench/elf-scan.sh.
 */
public final class ElfScan {
    public static void main(String[] args) throws IOException {
        int rounds = Integer.parseInt(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try (Stream<Path> s = Files.list(Path.of(args[i]))) {
                s.sorted().forEach(files::add);
            }
        }
        System.out.printf("%d files in %s%n%n", files.size(), String.join(" ", Arrays.copyOfRange(args, 1, args.length)));
        System.out.println("| pass | first run ms | median ms | vs floor |");
        System.out.println("|---|---:|---:|---:|");
        double floor = run("floor: open, read 64 bytes", files, rounds, ElfScan::head, -1);
        run("ElfImage.read (header, dynamic section)", files, rounds, ElfScan::header, floor);
        run("read + dynamic symbols + versions", files, rounds, ElfScan::symbols, floor);
    }

    static double run(String name, List<Path> files, int rounds, Consumer<Path> pass, double floor) {
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            files.forEach(pass);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        double first = ms[0];
        double[] rest = Arrays.copyOfRange(ms, 1, rounds);
        Arrays.sort(rest);
        double median = rest[rest.length / 2];
        System.out.printf("| %s | %.1f | %.1f | %s |%n", name, first, median,
                floor < 0 ? "1.00x" : String.format("%.2fx", median / floor));
        return median;
    }

    static void head(Path p) {
        if (!Files.isRegularFile(p)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(p)) {
            ch.read(ByteBuffer.allocate(64), 0);
        } catch (IOException e) {
            // unreadable files count as visited
        }
    }

    static void header(Path p) {
        try {
            ElfImage.read(p);
        } catch (ElfException e) {
            // not ELF: classified, as in a scan
        }
    }

    static void symbols(Path p) {
        try {
            ElfImage image = ElfImage.read(p);
            image.dynamicSymbols();
            image.versionDefinitions();
            image.versionRequirements();
        } catch (ElfException e) {
            // not ELF: classified, as in a scan
        }
    }
}
