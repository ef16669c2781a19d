package io.memproxy.executable;

/**
 * What preloading libmemproxy.so means for one executable. An executable can be in several classes
 * (a set-user-ID program that defines its own malloc); its primary class is the first in this order,
 * which puts the reasons the shim cannot act at all before the reasons it should stay out of the way.
 */
public enum ExecutableClass {
    UNREADABLE("unreadable", "could not be read"),
    MALFORMED("malformed", "is not a well-formed ELF file"),
    OTHER_MACHINE("other-machine", "is built for another machine; the shim is not loaded into it"),
    BITS_32("32-bit", "is 32-bit; only a chain with 32-bit files (the $LIB form names both classes') routes it"),
    STATIC("static", "is statically linked; preloading has no effect"),
    OTHER_LIBC("other-libc", "uses another C library's loader; /etc/ld.so.preload has no effect"),
    OWN_MALLOC("own-malloc", "defines its own malloc family; the shim cannot route it"),
    OTHER_ALLOCATOR("other-allocator", "links another allocator itself"),
    SECURE_EXECUTION("secure-execution", "runs in secure-execution mode (set-user-ID, set-group-ID or file capabilities)"),
    FINE("fine", "is routed by the shim as configured");

    private final String label;
    private final String meaning;

    ExecutableClass(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** The stable word used in every output format and in metric labels. */
    public String label() {
        return label;
    }

    /** What the class means, as the end of a sentence whose subject is the executable. */
    public String meaning() {
        return meaning;
    }

    /**
     * Whether the exclusion list should name executables of this class: the shim would otherwise hand
     * memory from one allocator to another's {@code free} (own malloc family, or a second allocator
     * loaded beside the shim's choice).
     */
    public boolean shouldBeExcluded() {
        return this == OWN_MALLOC || this == OTHER_ALLOCATOR;
    }
}
