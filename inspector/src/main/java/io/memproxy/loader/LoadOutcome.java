package io.memproxy.loader;

/**
 * What ld.so makes of a file it is asked to load, as a kind; ld.so's own words for it travel beside it
 * (elf/dl-load.c: open_verify, _dl_map_object_from_fd).
 */
public enum LoadOutcome {
    /** A loadable shared object. */
    LOADED,
    /** A path that names no file (ENOENT, EACCES, ENOTDIR): "cannot open shared object file". */
    MISSING,
    /** A bare name the search (rpath, LD_LIBRARY_PATH, runpath, ld.so.cache, default directories) does not find. */
    NOT_FOUND,
    /** Not ELF at all: "invalid ELF header", "file too short" (a text file, a GNU ld script). */
    NOT_ELF,
    /** ELF of the other word size: a search skips it, an explicit path is an error. */
    WRONG_CLASS,
    /** ELF for another machine: Debian's ld.so counts it as absent. */
    WRONG_MACHINE,
    /** ELF that ld.so refuses: an executable, another OS ABI or byte order, not ET_DYN or ET_EXEC. */
    UNLOADABLE
}
