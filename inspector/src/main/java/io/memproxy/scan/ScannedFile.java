package io.memproxy.scan;

import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One file the scan examined: a file with an execute bit found under the scanned directories.
 *
 * @param path         the file as the examined system names it ("/usr/bin/gzip", also under --root)
 * @param kind         an ELF executable, another ELF object (a library with an execute bit), not ELF
 *                     (a script), or a directory that could not be listed
 * @param classes      for executables and unreadable or malformed files: every class that applies,
 *                     in {@link ExecutableClass} order; empty for other kinds
 * @param interpreter  the PT_INTERP path, if any
 * @param allocators   the DT_NEEDED entries that name another allocator
 * @param ownMalloc    the malloc-family functions the executable defines itself
 * @param secureBits   "setuid", "setgid", the file capabilities as getcap prints them; empty when none
 * @param problem      why an unreadable or malformed file could not be examined; "" otherwise
 * @param machine      the ELF machine as messages name it ("x86-64", "AArch64"); "" for files not read as ELF
 */
public record ScannedFile(String path, Kind kind, List<ExecutableClass> classes, Optional<String> interpreter,
        List<String> allocators, List<String> ownMalloc, List<String> secureBits, String problem, String machine) {

    public enum Kind {
        EXECUTABLE("executable"), OTHER_ELF("other-elf"), NOT_ELF("not-elf"), DIRECTORY("directory");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public ScannedFile {
        classes = List.copyOf(classes);
        allocators = List.copyOf(allocators);
        ownMalloc = List.copyOf(ownMalloc);
        secureBits = List.copyOf(secureBits);
    }

    static ScannedFile executable(String path, ExecutableProfile p, String machine) {
        return new ScannedFile(path, Kind.EXECUTABLE, p.classes(), p.interpreter(), p.allocators(), p.ownMalloc(),
                p.secureBits(), "", machine);
    }

    static ScannedFile notExamined(String path, ExecutableClass cls, String problem) {
        return new ScannedFile(path, Kind.EXECUTABLE, List.of(cls), Optional.empty(), List.of(), List.of(), List.of(), problem, "");
    }

    static ScannedFile unreadableDirectory(String path, String problem) {
        return new ScannedFile(path, Kind.DIRECTORY, List.of(ExecutableClass.UNREADABLE), Optional.empty(), List.of(),
                List.of(), List.of(), problem, "");
    }

    static ScannedFile other(String path, Kind kind, String machine) {
        return new ScannedFile(path, kind, List.of(), Optional.empty(), List.of(), List.of(), List.of(), "", machine);
    }

    /** Whether this counts as an executable in the scan's totals (unreadable and malformed candidates do). */
    public boolean isExecutable() {
        return kind == Kind.EXECUTABLE;
    }

    /** The class that decides what to do about the executable: the first that applies, else fine. */
    public ExecutableClass primary() {
        return classes.isEmpty() ? ExecutableClass.FINE : classes.get(0);
    }

    /** The same file with file capabilities found by getcap: it then runs in secure-execution mode. */
    ScannedFile withCapabilities(String capabilities) {
        if (!isExecutable() || capabilities.isEmpty()) {
            return this;
        }
        List<String> bits = new ArrayList<>(secureBits);
        bits.add(capabilities);
        return new ScannedFile(path, kind, ExecutableProfile.withSecureExecution(classes), interpreter, allocators, ownMalloc, bits, problem, machine);
    }
}
