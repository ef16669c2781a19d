package io.memproxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The exclusion list file as found on disk: whether and why it cannot be read, who owns it and its mode,
 * and its content as the shim's grammar reads it.
 *
 * @param path    the path as the shim names it (not prefixed by an inspection root)
 * @param state   what was found
 * @param problem for {@link State#UNREADABLE} and {@link State#NOT_REGULAR}, what is wrong; else ""
 * @param uid     the owner, or -1 when the file is missing
 * @param mode    the permission bits, or 0 when the file is missing
 * @param list    the parsed lines, when read
 */
public record ConfigFile(String path, State state, String problem, int uid, int mode, Optional<ExclusionList> list) {
    /** The shim's compiled-in exclusion list (shim/Makefile: $(SYSCONFDIR)/memproxy.conf). */
    public static final String DEFAULT_PATH = "/etc/memproxy.conf";

    /** The shim's own outcomes of reading the file (shim/src/memproxy.c: read_config). */
    public enum State { MISSING, NOT_REGULAR, UNREADABLE, TOO_LARGE, READ }

    public static ConfigFile read(String path, Path file) {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(file, "unix:uid,mode,isRegularFile,isDirectory", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new ConfigFile(path, State.MISSING, "", -1, 0, Optional.empty());
        } catch (java.nio.file.FileSystemException e) {
            // open(2) fails with ENOTDIR when a parent is a file: the shim counts that as missing too.
            boolean notDir = "Not a directory".equals(e.getReason());
            return new ConfigFile(path, notDir ? State.MISSING : State.UNREADABLE, notDir ? "" : describe(e), -1, 0, Optional.empty());
        } catch (IOException | UnsupportedOperationException e) {
            return new ConfigFile(path, State.UNREADABLE, describe(e), -1, 0, Optional.empty());
        }
        int uid = (Integer) attrs.get("uid");
        int mode = (Integer) attrs.get("mode") & 07777;
        if (!(Boolean) attrs.get("isRegularFile")) {
            String what = (Boolean) attrs.get("isDirectory") ? "a directory" : io.memproxy.loader.Root.kind(file);
            return new ConfigFile(path, State.NOT_REGULAR, what, uid, mode, Optional.empty());
        }
        try (InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] content = in.readNBytes(ConfigGrammar.MAX_BYTES + 1);
            if (content.length > ConfigGrammar.MAX_BYTES) {
                return new ConfigFile(path, State.TOO_LARGE, "larger than " + ConfigGrammar.MAX_BYTES + " bytes", uid, mode,
                        Optional.empty());
            }
            return new ConfigFile(path, State.READ, "", uid, mode, Optional.of(ConfigGrammar.parse(content)));
        } catch (IOException e) {
            return new ConfigFile(path, State.UNREADABLE, describe(e), uid, mode, Optional.empty());
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
