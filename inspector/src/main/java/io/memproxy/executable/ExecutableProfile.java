package io.memproxy.executable;

import io.memproxy.config.AllocatorLibrary;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.ElfType;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.SymbolBinding;
import io.memproxy.elf.SymbolType;
import io.memproxy.elf.SymbolVisibility;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.Root;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What preloading the shim means for one executable, decided from its own file: the one rule both the
 * doctor's target checks and the scan apply, so they cannot disagree.
 *
 * @param classes     every class that applies, in {@link ExecutableClass} order; FINE when none
 * @param interpreter the PT_INTERP path, if any
 * @param allocators  the DT_NEEDED entries that name another allocator
 * @param ownMalloc   the malloc-family functions the executable defines itself
 * @param secureBits  "setuid", "setgid", the file capabilities as getcap prints them; empty when none
 */
public record ExecutableProfile(List<ExecutableClass> classes, Optional<String> interpreter, List<String> allocators,
        List<String> ownMalloc, List<String> secureBits) {
    /** The malloc family as the shim exports it; an executable defining any of these keeps its own heap. */
    static final Set<String> MALLOC_FAMILY = Set.of("malloc", "free", "calloc", "realloc", "memalign",
            "posix_memalign", "aligned_alloc", "valloc", "pvalloc", "malloc_usable_size");

    /** glibc's program interpreters on every architecture: ld-linux*.so.N, ld64.so.N, ld.so.N. */
    private static final Pattern GLIBC_INTERPRETER = Pattern.compile("ld-linux[-.\\w]*\\.so\\.\\d+|ld64\\.so\\.\\d+|ld\\.so\\.\\d+");

    public ExecutableProfile {
        classes = List.copyOf(classes);
        allocators = List.copyOf(allocators);
        ownMalloc = List.copyOf(ownMalloc);
        secureBits = List.copyOf(secureBits);
    }

    /**
     * An executable is what execve(2) runs as a program: ET_EXEC, or ET_DYN with an interpreter or the
     * PIE flag. A shared library that can also be run (libc.so.6 prints its version) has a DT_SONAME.
     */
    public static boolean isExecutable(ElfImage image) {
        ElfHeader h = image.header();
        if (h.type() == ElfType.EXEC) {
            return true;
        }
        return h.type() == ElfType.DYN && h.isPie() && image.dynamic().soname().isEmpty();
    }

    /**
     * Classifies one program of the files' root on its own, with its own getcap run (the doctor classifies
     * many and asks getcap once for all of them); ld.so's reason when it is not an object it could load.
     */
    public static ExecutableProfile read(LoaderFiles files, String exe) throws LoaderException {
        ElfImage image = files.elf(exe);
        Root root = files.root();
        String real;
        try {
            real = root.realPath(exe);
        } catch (IOException | RuntimeException e) {
            real = exe;
        }
        String file = root.file(real).toString();
        String capabilities = FileCapabilities.forRoot(root.dir()).of(List.of(file)).getOrDefault(file, "");
        try {
            return of(image, Platform.of(root.dir()), capabilities);
        } catch (MalformedElfException e) {
            throw new LoaderException(exe + ": " + e.problem());
        }
    }

    /**
     * Classifies an executable from its header, dynamic section and exported symbols, with the file
     * capabilities getcap printed for it ("" when none).
     */
    public static ExecutableProfile of(ElfImage image, Platform platform, String capabilities) throws MalformedElfException {
        ElfHeader h = image.header();
        Set<ExecutableClass> classes = EnumSet.noneOf(ExecutableClass.class);
        boolean foreign = false;
        if (!platform.runs(h)) {
            ExecutableClass c = platform.foreignClass(h);
            classes.add(c);
            foreign = c == ExecutableClass.OTHER_MACHINE;
        }
        if (h.isStatic()) {
            classes.add(ExecutableClass.STATIC);
        }
        Optional<String> interp = h.interpreter();
        if (interp.isPresent() && !GLIBC_INTERPRETER.matcher(fileName(interp.get())).matches()) {
            classes.add(ExecutableClass.OTHER_LIBC);
        }
        List<String> allocators = new ArrayList<>();
        for (String needed : image.dynamic().needed()) {
            if (AllocatorLibrary.of(needed).isPresent()) {
                allocators.add(needed);
            }
        }
        if (!allocators.isEmpty()) {
            classes.add(ExecutableClass.OTHER_ALLOCATOR);
        }
        // Only a process the shim can enter needs the symbol search.
        List<String> own = foreign || h.isStatic() ? List.of() : ownMallocFamily(image);
        if (!own.isEmpty()) {
            classes.add(ExecutableClass.OWN_MALLOC);
        }
        List<String> secure = new ArrayList<>();
        if (h.setuid()) {
            secure.add("setuid");
        }
        if (h.setgid()) {
            secure.add("setgid");
        }
        if (!secure.isEmpty()) {
            classes.add(ExecutableClass.SECURE_EXECUTION);
        }
        if (classes.isEmpty()) {
            classes.add(ExecutableClass.FINE);
        }
        return new ExecutableProfile(new ArrayList<>(classes), interp, allocators, own, secure).withCapabilities(capabilities);
    }

    /** The classes with file capabilities added: like a set-user-ID bit, they put the program in secure-execution mode. */
    public static List<ExecutableClass> withSecureExecution(List<ExecutableClass> classes) {
        Set<ExecutableClass> set = EnumSet.of(ExecutableClass.SECURE_EXECUTION);
        set.addAll(classes);
        set.remove(ExecutableClass.FINE);
        return new ArrayList<>(set);
    }

    /** The same executable with the file capabilities getcap printed for it ("" when none). */
    public ExecutableProfile withCapabilities(String capabilities) {
        if (capabilities.isEmpty()) {
            return this;
        }
        List<String> bits = new ArrayList<>(secureBits);
        bits.add(capabilities);
        return new ExecutableProfile(withSecureExecution(classes), interpreter, allocators, ownMalloc, bits);
    }

    public boolean is(ExecutableClass c) {
        return classes.contains(c);
    }

    /**
     * Whether the shim can act on the program at all: dynamically linked, for glibc's loader, on this machine
     * (32-bit programs too: a chain with their class's shim, such as a $LIB chain, reaches them).
     */
    public boolean routable() {
        return !is(ExecutableClass.STATIC) && !is(ExecutableClass.OTHER_LIBC) && !is(ExecutableClass.OTHER_MACHINE);
    }

    /** What puts the program in secure-execution mode, as an adjective ("set-user-ID"); "" when nothing does. */
    public String secureKind() {
        if (secureBits.contains("setuid")) {
            return "set-user-ID";
        }
        if (secureBits.contains("setgid")) {
            return "set-group-ID";
        }
        return secureBits.isEmpty() ? "" : "file-capability";
    }

    /** The same as a predicate for messages: "is set-user-ID", "has file capabilities (cap_net_raw=ep)". */
    public String secureState() {
        String kind = secureKind();
        return kind.equals("file-capability") ? "has file capabilities (" + secureBits.get(secureBits.size() - 1) + ")" : "is " + kind;
    }

    /** The malloc-family functions the executable exports: every object in the process binds to them first. */
    private static List<String> ownMallocFamily(ElfImage image) throws MalformedElfException {
        List<String> out = new ArrayList<>();
        for (String name : MALLOC_FAMILY) {
            for (DynamicSymbol d : image.definitions(name)) {
                if ((d.type() == SymbolType.FUNC || d.type() == SymbolType.GNU_IFUNC)
                        && d.binding() != SymbolBinding.LOCAL
                        && d.visibility() != SymbolVisibility.HIDDEN && d.visibility() != SymbolVisibility.INTERNAL
                        && !out.contains(name)) {
                    out.add(name);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
