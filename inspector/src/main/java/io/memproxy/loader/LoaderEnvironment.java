package io.memproxy.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

/**
 * Everything outside the executable that changes what ld.so does: the file system (root), the environment
 * variables it reads, secure execution, and how the program is started.
 *
 * @param root           the file system, possibly an offline image
 * @param ldPreload      LD_PRELOAD, if set
 * @param ldLibraryPath  LD_LIBRARY_PATH, if set
 * @param dynamicWeak    LD_DYNAMIC_WEAK set (ignored in secure mode)
 * @param secure         secure execution: AUTO decides from the executable's set-user/group-ID bits
 * @param start          started by the kernel (exec) or by naming the loader ({@code ld.so EXE}, as ldd does)
 * @param host           the CPU's hwcaps subdirectories and platform
 * @param hwcaps         the CPU level assumed for a foreign architecture's programs (--hwcaps); empty: the default
 */
public record LoaderEnvironment(
        Root root,
        Optional<String> ldPreload,
        Optional<String> ldLibraryPath,
        boolean dynamicWeak,
        Secure secure,
        Start start,
        HostCapabilities host,
        Optional<String> hwcaps) {

    public enum Secure { AUTO, ON, OFF }

    /**
     * How the program starts. KERNEL: the executable's $ORIGIN is the directory of /proc/self/exe (symlinks
     * resolved) and its link-map name is empty. LOADER_COMMAND: {@code ld.so EXE} as ldd runs it; $ORIGIN is
     * the directory of EXE as given and the name is EXE.
     */
    public enum Start { KERNEL, LOADER_COMMAND }

    /** The running system with no loader variables set. */
    public static LoaderEnvironment system() {
        return new LoaderEnvironment(Root.host(), Optional.empty(), Optional.empty(), false, Secure.AUTO, Start.KERNEL,
                HostCapabilities.detect(), Optional.empty());
    }

    /** Takes the loader's variables from an environment map (LD_PRELOAD, LD_LIBRARY_PATH, LD_DYNAMIC_WEAK). */
    public LoaderEnvironment withVariables(Map<String, String> env) {
        return new LoaderEnvironment(root, Optional.ofNullable(env.get("LD_PRELOAD")), Optional.ofNullable(env.get("LD_LIBRARY_PATH")),
                env.containsKey("LD_DYNAMIC_WEAK") && !env.get("LD_DYNAMIC_WEAK").isEmpty(), secure, start, host, hwcaps);
    }

    public LoaderEnvironment withRoot(Root r) {
        return new LoaderEnvironment(r, ldPreload, ldLibraryPath, dynamicWeak, secure, start, host, hwcaps);
    }

    public LoaderEnvironment withPreload(String value) {
        return new LoaderEnvironment(root, Optional.ofNullable(value), ldLibraryPath, dynamicWeak, secure, start, host, hwcaps);
    }

    public LoaderEnvironment withLibraryPath(String value) {
        return new LoaderEnvironment(root, ldPreload, Optional.ofNullable(value), dynamicWeak, secure, start, host, hwcaps);
    }

    public LoaderEnvironment withSecure(Secure s) {
        return new LoaderEnvironment(root, ldPreload, ldLibraryPath, dynamicWeak, s, start, host, hwcaps);
    }

    public LoaderEnvironment withStart(Start s) {
        return new LoaderEnvironment(root, ldPreload, ldLibraryPath, dynamicWeak, secure, s, host, hwcaps);
    }

    public LoaderEnvironment withHwcaps(String level) {
        return new LoaderEnvironment(root, ldPreload, ldLibraryPath, dynamicWeak, secure, start, host, Optional.ofNullable(level));
    }

    /**
     * Whether the kernel sets AT_SECURE for this executable: a set-user-ID file owned by someone else than the
     * current user, or a set-group-ID file of another group (fs/exec.c, security/commoncap.c).
     */
    boolean secureFor(io.memproxy.elf.ElfHeader exe, java.nio.file.Path file) {
        return switch (secure) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> {
                try {
                    boolean uid = exe.setuid() && (Integer) Files.getAttribute(file, "unix:uid") != ProcessIds.uid();
                    boolean gid = exe.setgid() && (Integer) Files.getAttribute(file, "unix:gid") != ProcessIds.gid();
                    yield uid || gid;
                } catch (IOException | RuntimeException e) {
                    yield exe.setuid() || exe.setgid();
                }
            }
        };
    }
}
