package io.memproxy.image;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.jimfs.AttributeProvider;
import com.google.common.jimfs.File;
import com.google.common.jimfs.FileLookup;
import java.nio.file.attribute.FileAttributeView;

/**
 * The "unix" attributes of an image's files as the layers' tar headers give them: the whole st_mode
 * (file type, set-user-ID, set-group-ID and permission bits), the owner's and group's numbers, the inode
 * (jimfs's file id, shared by hard links), the link count, and "capability": a description of the file
 * capabilities a layer recorded (the security.capability extended attribute), read by the doctor and the scan. jimfs's own "unix" view derives the mode
 * from the permissions alone, which would lose the file type and the set-user-ID bit the loader and the
 * scan read.
 */
final class ImageAttributes extends AttributeProvider {
    static final String VIEW = "unix";
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    @Override
    public String name() {
        return VIEW;
    }

    @Override
    public ImmutableSet<String> inherits() {
        return ImmutableSet.of("basic", "owner", "posix");
    }

    @Override
    public Class<? extends FileAttributeView> viewType() {
        return View.class;
    }

    /** Nothing asks for the view by class; attributes are read by name ("unix:mode"). */
    interface View extends FileAttributeView {}

    @Override
    public View view(FileLookup lookup, ImmutableMap<String, FileAttributeView> inheritedViews) {
        return () -> VIEW;
    }

    @Override
    public ImmutableSet<String> fixedAttributes() {
        return ImmutableSet.of("mode", "uid", "gid", "ino", "dev", "rdev", "nlink", "ctime", "capability");
    }

    @Override
    public Object get(File file, String attribute) {
        return switch (attribute) {
            case "mode" -> {
                Object m = file.getAttribute(VIEW, "mode");
                int type = file.isDirectory() ? S_IFDIR : file.isSymbolicLink() ? S_IFLNK : S_IFREG;
                yield m == null ? type | (file.isDirectory() || file.isSymbolicLink() ? 0755 : 0644) : type | ((Integer) m & 07777);
            }
            case "uid", "gid" -> {
                Object v = file.getAttribute(VIEW, attribute);
                yield v == null ? 0 : v;
            }
            case "ino" -> file.id();
            case "dev", "rdev" -> 0L;
            case "nlink" -> file.links();
            case "ctime" -> file.getLastModifiedTime();
            case "capability" -> {
                Object v = file.getAttribute(VIEW, attribute);
                yield v == null ? "" : v;
            }
            default -> null;
        };
    }

    @Override
    public void set(File file, String view, String attribute, Object value, boolean create) {
        switch (attribute) {
            case "mode", "uid", "gid" -> file.setAttribute(VIEW, attribute, checkType(view, attribute, value, Integer.class));
            case "capability" -> file.setAttribute(VIEW, attribute, checkType(view, attribute, value, String.class));
            default -> throw unsettable(view, attribute, create);
        }
    }
}
