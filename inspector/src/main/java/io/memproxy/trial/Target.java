package io.memproxy.trial;

import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.ExecutableProfile;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command of a trial, resolved as execvp would, and the program the shim actually sees in it: the shim
 * decides by the file name of /proc/self/exe, so for a #! script that is the interpreter (for
 * "#!/usr/bin/env python3", python3 once env has exec'd it), never the script.
 *
 * @param path       the file executed
 * @param argv       the command line, argv[0] as the user wrote it
 * @param executable the ELF program the shim sees, links resolved (what MEMPROXY_DEBUG's exe= shows)
 * @param notes      what the user should know about how the shim sees the command
 */
public record Target(String path, List<String> argv, String executable, List<String> notes) {
    /** Classes in which preloading cannot act at all: the trial would compare a program with itself. */
    private static final Set<ExecutableClass> UNROUTABLE = EnumSet.of(ExecutableClass.UNREADABLE, ExecutableClass.MALFORMED,
            ExecutableClass.OTHER_MACHINE, ExecutableClass.BITS_32, ExecutableClass.STATIC, ExecutableClass.OTHER_LIBC);

    public Target {
        argv = List.copyOf(argv);
        notes = List.copyOf(notes);
    }

    /** The name an exclusion-list line must have to keep this command on glibc. */
    public String excludedName() {
        return executable.substring(executable.lastIndexOf('/') + 1);
    }

    public static Target resolve(List<String> command, String searchPath) throws TrialException {
        String word = command.get(0);
        String path = find(word, searchPath);
        List<String> notes = new ArrayList<>();
        String elf = path;
        boolean script = false;
        List<String> programs = new ArrayList<>();
        // Like the kernel, follow #! interpreters (and env's program) a few levels deep to the ELF file.
        for (int depth = 0; depth < 5; depth++) {
            Optional<List<String>> shebang = shebang(elf);
            if (shebang.isEmpty()) {
                break;
            }
            script = true;
            List<String> words = shebang.get();
            if (words.isEmpty()) {
                throw new TrialException(elf + ": a #! script without an interpreter");
            }
            String interpreter = words.get(0);
            if (!Files.isExecutable(Path.of(interpreter))) {
                throw new TrialException(elf + ": its interpreter " + interpreter + " does not exist or is not executable");
            }
            String next = interpreter;
            if (programs.isEmpty() || !programs.get(programs.size() - 1).equals(fileName(real(interpreter)))) {
                programs.add(fileName(real(interpreter)));
            }
            if (interpreter.endsWith("/env")) {
                Optional<String> program = words.subList(1, words.size()).stream().filter(w -> !w.startsWith("-")).findFirst();
                if (program.isPresent()) {
                    next = find(program.get(), searchPath);
                }
            }
            elf = next;
        }
        String exe = real(elf);
        if (script) {
            if (!programs.get(programs.size() - 1).equals(fileName(exe))) {
                programs.add(fileName(exe));
            }
            notes.add(path + " is a script: the shim never sees it, only the programs that run it (" + String.join(", then ", programs)
                    + "), each deciding by its own name; an exclusion line must name them, and then applies to everything they run");
        }
        ExecutableProfile profile;
        try {
            profile = ExecutableProfile.read(new LoaderFiles(Root.host()), exe);
        } catch (LoaderException e) {
            throw new TrialException((script ? path + ": interpreter " : "") + e.getMessage()
                    + " (not an ELF program or #! script this machine runs)");
        }
        for (ExecutableClass c : profile.classes()) {
            if (UNROUTABLE.contains(c)) {
                throw new TrialException(exe + " " + c.meaning() + (c == ExecutableClass.STATIC ? ": every route would run the same program"
                        : ": the trial cannot route it"));
            }
            if (c == ExecutableClass.OWN_MALLOC || c == ExecutableClass.OTHER_ALLOCATOR || c == ExecutableClass.SECURE_EXECUTION) {
                notes.add(exe + " " + c.meaning() + ": the allocator routes may not be what they say (the route check tells)");
            }
        }
        preloadFile().ifPresent(notes::add);
        notes.add("programs the command starts with exec decide anew, each by its own name; forked children keep their"
                + " parent's route; the measurements cover the command and the children it waited for");
        return new Target(path, command, exe, notes);
    }

    /** A note when /etc/ld.so.preload names anything: ld.so loads it into every route, glibc's too. */
    static Optional<String> preloadFile() {
        try {
            String text = Files.readString(Path.of("/etc/ld.so.preload"), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of("/etc/ld.so.preload names " + String.join(" ",
                    text.split("\\s+")) + ": ld.so loads it into every route, glibc's too, so no route here is free of it");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** execvp's search: a word with a slash is a path, otherwise the first executable regular file on PATH. */
    static String find(String word, String searchPath) throws TrialException {
        if (word.isEmpty()) {
            throw new TrialException("the command is an empty word");
        }
        if (word.contains("/")) {
            Path p = Path.of(word);
            if (!Files.exists(p)) {
                throw new TrialException(word + ": no such file");
            }
            if (Files.isDirectory(p)) {
                throw new TrialException(word + ": is a directory, not a program");
            }
            if (!Files.isExecutable(p)) {
                throw new TrialException(word + ": not executable (no x permission for this user)");
            }
            return p.toAbsolutePath().normalize().toString();
        }
        String notExecutable = null;
        for (String dir : searchPath.split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, word);
            if (Files.isRegularFile(p)) {
                if (Files.isExecutable(p)) {
                    return p.toAbsolutePath().normalize().toString();
                }
                notExecutable = notExecutable == null ? p.toString() : notExecutable;
            }
        }
        throw new TrialException(notExecutable != null ? notExecutable + ": not executable (no x permission for this user)"
                : word + ": command not found on PATH");
    }

    /** The words of a #! line, or empty when the file does not start with one. */
    static Optional<List<String>> shebang(String path) throws TrialException {
        byte[] head;
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            head = in.readNBytes(256);
        } catch (IOException e) {
            throw new TrialException(path + ": cannot read: " + e.getMessage());
        }
        if (head.length < 2 || head[0] != '#' || head[1] != '!') {
            return Optional.empty();
        }
        String line = new String(head, 2, head.length - 2, StandardCharsets.UTF_8);
        int nl = line.indexOf('\n');
        line = nl < 0 ? line : line.substring(0, nl);
        List<String> words = new ArrayList<>();
        for (String w : line.trim().split("[ \t]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return Optional.of(words);
    }

    static String real(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (IOException e) {
            return path;
        }
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
