package io.memproxy.ps;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the few /proc files ps needs (proc(5)); every read may fail for a process that exits or is not ours. */
final class ProcFs {
    private static final int AT_SECURE = 23;
    private static final int AT_NULL = 0;

    private final Path proc;
    private final long bootTime;
    private final long ticksPerSecond;

    ProcFs(Path proc) {
        this.proc = proc;
        this.bootTime = bootTime(proc);
        this.ticksPerSecond = 100; // USER_HZ, fixed at 100 for user space on Linux (proc(5), "starttime")
    }

    /** Every process id, ascending. */
    List<Integer> pids() throws IOException {
        List<Integer> out = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(proc)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() < 10) {
                    out.add(Integer.parseInt(n));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** /proc/PID/exe; empty for a kernel thread (which has no executable). */
    Optional<String> exe(int pid) throws IOException {
        try {
            return Optional.of(Files.readSymbolicLink(proc.resolve(pid + "/exe")).toString());
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(proc.resolve(Integer.toString(pid)))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The files mapped as code into the process, each once, in descending order of their lowest address. */
    List<String> mappedFiles(int pid) throws IOException {
        Map<String, Long> lowest = new LinkedHashMap<>();
        for (String line : Files.readAllLines(proc.resolve(pid + "/maps"), StandardCharsets.ISO_8859_1)) {
            // address perms offset dev inode pathname
            String[] f = line.trim().split("\\s+", 6);
            // Only code counts: ld.so maps each object's text executable, while a program reading a
            // library as data (memproxy itself does) maps it without 'x'.
            if (f.length < 6 || !f[5].startsWith("/") || f[1].indexOf('x') < 0) {
                continue;
            }
            long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
            String file = f[5].endsWith(" (deleted)") ? f[5].substring(0, f[5].length() - 10) : f[5];
            lowest.merge(file, start, Math::min);
        }
        // ld.so maps objects top-down, so the first loaded lies highest: this approximates load order.
        List<Map.Entry<String, Long>> e = new ArrayList<>(lowest.entrySet());
        e.sort((a, b) -> Long.compareUnsigned(b.getValue(), a.getValue()));
        return e.stream().map(Map.Entry::getKey).toList();
    }

    /** AT_SECURE from the auxiliary vector (64-bit entries: type, value). */
    boolean secure(int pid) throws IOException {
        byte[] auxv = Files.readAllBytes(proc.resolve(pid + "/auxv"));
        ByteBuffer b = ByteBuffer.wrap(auxv).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AT_NULL) {
                break;
            }
            if (type == AT_SECURE) {
                return value != 0;
            }
        }
        return false;
    }

    /** Unix time at which the process started (field 22 of /proc/PID/stat, in clock ticks since boot). */
    long startedAt(int pid) throws IOException {
        String stat = Files.readString(proc.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
        // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(f[19]);
        return bootTime + ticks / ticksPerSecond;
    }

    private static long bootTime(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Start times are then relative to boot; only comparisons among them are made.
        }
        return 0;
    }
}
