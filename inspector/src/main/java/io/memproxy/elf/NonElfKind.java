package io.memproxy.elf;

/** What a file that is not an ELF object is instead, as far as users meet such files in practice. */
public enum NonElfKind {
    /** A GNU ld script ({@code GROUP ( ... )}, {@code INPUT ( ... )}): valid for {@code ld}, not for ld.so. */
    LINKER_SCRIPT("GNU ld script"),
    /** A text file starting with {@code #!}. */
    SCRIPT("script"),
    /** A static library ({@code !<arch>}). */
    ARCHIVE("ar archive (static library)"),
    /** A file of zero bytes. */
    EMPTY("empty file"),
    /** A directory. */
    DIRECTORY("directory"),
    /** A device, FIFO or socket: never opened, reading it could block. */
    SPECIAL("not a regular file"),
    /** Some other text. */
    TEXT("text file"),
    /** Some other binary data. */
    DATA("data");

    private final String description;

    NonElfKind(String description) {
        this.description = description;
    }

    /** A short description for messages ("GNU ld script", "empty file"). */
    public String description() {
        return description;
    }
}
