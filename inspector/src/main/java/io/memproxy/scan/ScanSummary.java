package io.memproxy.scan;

import io.memproxy.executable.ExecutableClass;
import java.util.List;
import java.util.Map;

/**
 * The totals of one scan.
 *
 * @param directories     the directories scanned, as the examined system names them, after links and nesting
 * @param files           regular files seen
 * @param candidates      files with an execute bit that were examined (hard links once)
 * @param executables     executables (and unreadable or malformed candidates) by primary class, every class present
 * @param otherElf        ELF objects with an execute bit that are not programs (libraries)
 * @param notElf          files with an execute bit that are not ELF (scripts)
 * @param symlinks        symbolic links seen and not followed
 * @param hardLinks       further names of a file already examined
 * @param unreadableDirs  directories that could not be listed
 * @param capabilities    "" when file capabilities were read, else why not
 * @param seconds         wall time of the scan
 */
public record ScanSummary(List<String> directories, long files, long candidates, Map<ExecutableClass, Long> executables,
        long otherElf, long notElf, long symlinks, long hardLinks, long unreadableDirs, String capabilities, double seconds) {
    public ScanSummary {
        directories = List.copyOf(directories);
        executables = Map.copyOf(executables);
    }

    public long executableCount() {
        return executables.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(ExecutableClass c) {
        return executables.getOrDefault(c, 0L);
    }
}
