package io.memproxy.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ELF object read from a file: the header facts and the dynamic section are read by {@link #read(Path)};
 * section headers, dynamic symbols, GNU versions and relocations are read on first use and kept.
 *
 * <p>The file is read in small positional reads (memory-mapped only when whole tables are needed) and
 * every read is bounds-checked against its size, so truncated or hostile
 * files give a {@link MalformedElfException} naming the file and the problem, in time and memory bounded
 * by the file's size. Like ld.so, the dynamic parts are found through {@code PT_DYNAMIC} and its tags
 * (addresses mapped through {@code PT_LOAD}); the section headers only supply the dynamic symbol count.
 *
 * <p>The reading is our own rather than jelf's: jelf 0.12.0 reads tables eagerly and answers hostile
 * input with unchecked exceptions (NegativeArraySizeException for {@code e_shnum} 0xffff); tests use
 * it as a second opinion on well-formed files.
 *
 * <p>Instances are safe to share between threads. An image from {@link #open(Path)} keeps its file open
 * for the reads that follow until {@link #close()}; one from {@link #read(Path)} opens the file again
 * for each lazy part.
 */
public final class ElfImage implements AutoCloseable {
    private final Path path;
    private final ElfBytes in;
    private final ElfHeader header;
    private final List<ProgramHeader> programHeaders;
    private final Map<Long, Long> tags;
    private final DynamicInfo dynamic;
    private final int sectionCount;
    private final long shoff;
    private final int shentsize;
    private final int shstrndx;

    private List<SectionHeader> sections;
    private List<DynamicSymbol> symbols;
    private List<VersionDefinition> definitions;
    private List<VersionRequirement> requirements;
    private List<DynamicRelocation> relocations;

    // Dynamic tags (elf.h).
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;
    static final long DT_PLTRELSZ = 2;
    static final long DT_HASH = 4;
    static final long DT_STRTAB = 5;
    static final long DT_SYMTAB = 6;
    static final long DT_RELA = 7;
    static final long DT_RELASZ = 8;
    static final long DT_RELAENT = 9;
    static final long DT_STRSZ = 10;
    static final long DT_SYMENT = 11;
    static final long DT_SONAME = 14;
    static final long DT_RPATH = 15;
    static final long DT_SYMBOLIC = 16;
    static final long DT_REL = 17;
    static final long DT_RELSZ = 18;
    static final long DT_RELENT = 19;
    static final long DT_PLTREL = 20;
    static final long DT_JMPREL = 23;
    static final long DT_BIND_NOW = 24;
    static final long DT_RUNPATH = 29;
    static final long DT_FLAGS = 30;
    static final long DT_GNU_HASH = 0x6ffffef5L;
    static final long DT_VERSYM = 0x6ffffff0L;
    static final long DT_FLAGS_1 = 0x6ffffffbL;
    static final long DT_VERDEF = 0x6ffffffcL;
    static final long DT_VERDEFNUM = 0x6ffffffdL;
    static final long DT_VERNEED = 0x6ffffffeL;
    static final long DT_VERNEEDNUM = 0x6fffffffL;

    /**
     * Read first from every file: the ELF header, program headers, interpreter and notes sit here in
     * practice, and in small programs the dynamic strings too. The rest is read on demand (see ElfBytes).
     */
    private static final int HEAD = 4 * 1024;
    private static final int NON_ELF_HEAD = 64 * 1024;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;

    /**
     * Reads the ELF header, program headers, interpreter, build-id and dynamic section of {@code path}.
     *
     * @throws NotElfException          the file is readable but not ELF (ld script, script, empty, directory, ...)
     * @throws MalformedElfException    it is ELF but inconsistent (truncated, offsets outside the file, ...)
     * @throws UnreadableFileException  it cannot be opened or read
     */
    public static ElfImage read(Path path) throws ElfException {
        try (ElfImage image = open(path)) {
            return image;
        }
    }

    /**
     * Like {@link #read(Path)}, but the file stays open until {@link #close()}: for a caller about to read
     * lazy parts (symbol lookups) of many files one after another, which would otherwise open each file
     * again for every part.
     */
    public static ElfImage open(Path path) throws ElfException {
        int mode = mode(path);
        if ((mode & S_IFMT) == S_IFDIR) {
            throw NonElfFiles.of(path, NonElfKind.DIRECTORY, List.of(), "");
        }
        if ((mode & S_IFMT) != S_IFREG) {
            throw NonElfFiles.of(path, NonElfKind.SPECIAL, List.of(), "");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UnreadableFileException(path, describe(e));
        }
        try {
            return parse(path, mode, ch);
        } catch (ElfException | RuntimeException | Error e) {
            ElfBytes.closeQuietly(ch); // the image, which would have kept it, was not made
            throw e;
        }
    }

    /** The image of the open file {@code ch}, which the image keeps. */
    private static ElfImage parse(Path path, int mode, FileChannel ch) throws ElfException {
        long size;
        ByteBuffer head;
        try {
            size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new UnreadableFileException(path, "larger than 2 GiB, which is not supported");
            }
            head = ByteBuffer.allocate((int) Math.min(size, HEAD));
            ElfBytes.readFully(ch, head, 0);
            if (size >= 4 && head.getInt(0) != 0x7f454c46 && size > head.limit()) {
                // Not ELF: what it is instead is told from up to 64 KiB (a long ld script).
                head = ByteBuffer.allocate((int) Math.min(size, NON_ELF_HEAD));
                ElfBytes.readFully(ch, head, 0);
            }
        } catch (IOException e) {
            throw new UnreadableFileException(path, describe(e));
        }
        if (size == 0) {
            throw NonElfFiles.of(path, NonElfKind.EMPTY, List.of(), "");
        }
        if (size < 4 && isMagicPrefix(head)) {
            throw new MalformedElfException(path, "truncated: the ELF identification needs 16 bytes, file has " + size);
        }
        if (size < 4 || head.getInt(0) != 0x7f454c46) {
            throw NonElfFiles.classify(path, head);
        }
        try {
            return new ElfImage(path, size, head, mode, ch);
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            // Backstop: every read is checked, but a parse bug must still end as one line, not a trace.
            throw new MalformedElfException(path, "cannot be parsed: " + e);
        }
    }

    private ElfImage(Path path, long size, ByteBuffer buf, int mode, FileChannel ch) throws MalformedElfException {
        this.path = path;
        if (size < 16) {
            throw new MalformedElfException(path, "truncated: the ELF identification needs 16 bytes, file has " + size);
        }
        int cls = buf.get(4) & 0xff;
        int data = buf.get(5) & 0xff;
        if (cls != 1 && cls != 2) {
            throw new MalformedElfException(path, "unknown ELF class " + cls + " (expected 1 for 32-bit or 2 for 64-bit)");
        }
        if (data != 1 && data != 2) {
            throw new MalformedElfException(path, "unknown ELF data encoding " + data + " (expected 1 LSB or 2 MSB)");
        }
        ElfClass elfClass = cls == 2 ? ElfClass.ELF64 : ElfClass.ELF32;
        DataEncoding encoding = data == 1 ? DataEncoding.LSB : DataEncoding.MSB;
        ElfBytes b = new ElfBytes(path, size, buf, encoding.byteOrder(), cls == 2);
        b.attach(ch);
        this.in = b;
        boolean is64 = b.is64();
        int ehsize = is64 ? 64 : 52;
        if (b.size() < ehsize) {
            throw b.malformed("truncated: the ELF header needs " + ehsize + " bytes, file has " + b.size());
        }
        boolean paddingZero = true;
        for (int i = 9; i < 16; i++) {
            paddingZero &= buf.get(i) == 0;
        }
        int type = b.u16(16);
        int machine = b.u16(18);
        long entry = b.word(24);
        long phoff = b.word(is64 ? 32 : 28);
        this.shoff = b.word(is64 ? 40 : 32);
        int phentsize = b.u16(is64 ? 54 : 42);
        int phnum = b.u16(is64 ? 56 : 44);
        this.shentsize = b.u16(is64 ? 58 : 46);
        int shnum = b.u16(is64 ? 60 : 48);
        int shstrndx = b.u16(is64 ? 62 : 50);

        // PN_XNUM / SHN_UNDEF / SHN_XINDEX escapes: the real values live in section header 0 (gABI).
        int shentMin = is64 ? 64 : 40;
        boolean haveSection0 = shoff > 0 && shentsize >= shentMin && shoff <= b.size() - shentMin;
        if (phnum == 0xffff && haveSection0) {
            phnum = (int) Math.min(b.u32(shoff + (is64 ? 44 : 28)), Integer.MAX_VALUE);
        }
        if (shnum == 0 && haveSection0) {
            shnum = (int) Math.min(b.word(shoff + (is64 ? 32 : 20)), Integer.MAX_VALUE);
        }
        if (shstrndx == 0xffff && haveSection0) {
            shstrndx = (int) Math.min(b.u32(shoff + (is64 ? 40 : 24)), Integer.MAX_VALUE);
        }
        this.sectionCount = shoff == 0 ? 0 : shnum;
        this.shstrndx = shstrndx;

        this.programHeaders = readProgramHeaders(b, phoff, phentsize, phnum);
        Optional<String> interpreter = Optional.empty();
        Optional<String> buildId = Optional.empty();
        ProgramHeader dynamicSegment = null;
        for (ProgramHeader ph : programHeaders) {
            if (ph.type() == ProgramHeader.PT_INTERP && interpreter.isEmpty()) {
                b.check(ph.offset(), ph.filesz(), "PT_INTERP");
                interpreter = Optional.of(b.cstring(ph.offset(), ph.offset() + ph.filesz(), "PT_INTERP string"));
            } else if (ph.type() == ProgramHeader.PT_DYNAMIC && dynamicSegment == null) {
                dynamicSegment = ph;
            } else if (ph.type() == ProgramHeader.PT_NOTE && buildId.isEmpty()) {
                buildId = buildId(b, ph);
            }
        }
        this.tags = new HashMap<>();
        List<Long> neededOffsets = dynamicSegment == null ? List.of() : readDynamicTags(b, dynamicSegment, tags);
        this.dynamic = dynamicInfo(neededOffsets);
        ElfType elfType = ElfType.of(type);
        boolean pieFlag = (dynamic.flags1() & DynamicInfo.DF_1_PIE) != 0;
        boolean isPie = elfType == ElfType.DYN && (pieFlag || interpreter.isPresent());
        boolean isStatic = interpreter.isEmpty() && dynamic.needed().isEmpty()
                && (elfType == ElfType.EXEC || (elfType == ElfType.DYN && pieFlag));
        this.header = new ElfHeader(elfClass, encoding, machine, ElfHeader.machineName(machine),
                buf.get(7) & 0xff, ElfHeader.osAbiName(buf.get(7) & 0xff), buf.get(8) & 0xff, paddingZero,
                elfType, entry, interpreter, isStatic, isPie,
                (mode & S_ISUID) != 0, (mode & S_ISGID) != 0, buildId, dynamicSegment != null);
    }

    /** Closes the file if this image holds it open; the image still answers, opening the file again when it must. */
    @Override
    public void close() {
        in.close();
    }

    /** The file this image was read from, as given. */
    public Path path() {
        return path;
    }

    /** The file's size in bytes when it was read. */
    public long fileSize() {
        return in.size();
    }

    /** Header facts: class, encoding, machine, type, interpreter, static/PIE, setuid/setgid, build-id. */
    public ElfHeader header() {
        return header;
    }

    /** The dynamic section's facts; {@link DynamicInfo#NONE} for a file without {@code PT_DYNAMIC}. */
    public DynamicInfo dynamic() {
        return dynamic;
    }

    /** The program header table, in file order. */
    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** The section header table with names resolved; empty when the file has none (e.g. stripped by sstrip). */
    public synchronized List<SectionHeader> sectionHeaders() throws MalformedElfException {
        if (sections == null) {
            try {
                sections = SectionReader.read(in, shoff, shentsize, sectionCount, shstrndx);
            } catch (RuntimeException | OutOfMemoryError | InternalError e) {
                throw unparsable(e);
            }
        }
        return sections;
    }

    /**
     * The dynamic symbol table in order, entry 0 (the null symbol) included, each with its GNU version.
     * Empty when the file has no dynamic symbol table.
     */
    public synchronized List<DynamicSymbol> dynamicSymbols() throws MalformedElfException {
        if (symbols == null) {
            try {
                symbols = new SymbolReader(in, this).symbols();
            } catch (RuntimeException | OutOfMemoryError | InternalError e) {
                throw unparsable(e);
            }
        }
        return symbols;
    }

    /** How many entries {@link #dynamicSymbols()} has, from the table's size, without reading them. */
    public synchronized int dynamicSymbolCount() throws MalformedElfException {
        if (symbols != null) {
            return symbols.size();
        }
        try {
            return new SymbolReader(in, this).count();
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            throw unparsable(e);
        }
    }

    /**
     * The defined, non-local dynamic symbols named {@code name} (several when versions differ), in table order,
     * found through the object's hash table as ld.so finds them: a handful of entries are read, not the table.
     */
    public List<DynamicSymbol> definitions(String name) throws MalformedElfException {
        synchronized (this) {
            if (symbols != null) {
                List<DynamicSymbol> out = new ArrayList<>(1);
                for (DynamicSymbol d : symbols) {
                    if (d.isDefined() && d.binding() != SymbolBinding.LOCAL && d.name().equals(name)) {
                        out.add(d);
                    }
                }
                return List.copyOf(out);
            }
        }
        try {
            return new SymbolReader(in, this).lookup(name);
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            throw unparsable(e);
        }
    }

    /** The versions this object defines ({@code .gnu.version_d}), base entry first; empty when none. */
    public synchronized List<VersionDefinition> versionDefinitions() throws MalformedElfException {
        if (definitions == null) {
            try {
                definitions = new VersionReader(in, this).definitions();
            } catch (RuntimeException | OutOfMemoryError | InternalError e) {
                throw unparsable(e);
            }
        }
        return definitions;
    }

    /** The versions this object needs, per needed file ({@code .gnu.version_r}); empty when none. */
    public synchronized List<VersionRequirement> versionRequirements() throws MalformedElfException {
        if (requirements == null) {
            try {
                requirements = new VersionReader(in, this).requirements();
            } catch (RuntimeException | OutOfMemoryError | InternalError e) {
                throw unparsable(e);
            }
        }
        return requirements;
    }

    /**
     * Dynamic relocations: DT_RELA/DT_REL first, then DT_JMPREL (the PLT), with their symbol names.
     * A JMPREL range that ends the RELA range is listed once, as glibc's dynamic-link.h treats it.
     */
    public synchronized List<DynamicRelocation> relocations() throws MalformedElfException {
        if (relocations == null) {
            try {
                relocations = new RelocationReader(in, this).relocations();
            } catch (RuntimeException | OutOfMemoryError | InternalError e) {
                throw unparsable(e);
            }
        }
        return relocations;
    }

    /**
     * How many entries {@link #relocations()} has, with the same checks of the tables and of each entry's symbol
     * index, without reading the symbols or decoding the entries (a cost check needs the number only).
     */
    public synchronized int relocationCount() throws MalformedElfException {
        if (relocations != null) {
            return relocations.size();
        }
        try {
            return new RelocationReader(in, this).count();
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            throw unparsable(e);
        }
    }

    /**
     * The string a defined data symbol (STT_OBJECT, such as {@code const char name[] = "..."}) holds, read
     * through the segment that maps it and bounded by the symbol's size; empty when no such symbol exists.
     */
    public Optional<String> stringSymbol(String name) throws MalformedElfException {
        for (DynamicSymbol d : definitions(name)) {
            if (d.type() == SymbolType.OBJECT && d.isDefined() && d.size() > 0) {
                long start = offsetOf(d.value(), "symbol " + name);
                synchronized (this) {
                    return Optional.of(in.cstring(start, start + d.size(), "symbol " + name));
                }
            }
        }
        return Optional.empty();
    }

    // ---- internals shared with the readers of the lazy parts ----

    /** The value of the first dynamic entry with {@code tag}, if present. */
    Optional<Long> tag(long tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    /** The file offset of a virtual address, through the {@code PT_LOAD} segments (as ld.so maps them). */
    long offsetOf(long address, String what) throws MalformedElfException {
        for (ProgramHeader ph : programHeaders) {
            if (ph.type() == ProgramHeader.PT_LOAD && Long.compareUnsigned(address, ph.vaddr()) >= 0
                    && Long.compareUnsigned(address - ph.vaddr(), ph.filesz()) < 0) {
                return ph.offset() + (address - ph.vaddr());
            }
        }
        throw in.malformed(String.format("%s address 0x%x is not inside any loadable segment", what, address));
    }

    /**
     * A string from the dynamic string table (DT_STRTAB bounded by DT_STRSZ). Synchronized: the table and
     * its NUL index are built lazily, and {@link #definitions(String)} reads outside the image's lock.
     */
    synchronized String dynamicString(long offset, String what) throws MalformedElfException {
        return strings().get(offset, what);
    }

    /** Whether the dynamic string at {@code offset} is exactly {@code name}, compared without decoding it. */
    boolean dynamicStringEquals(long offset, byte[] name) throws MalformedElfException {
        return strings().matches(offset, name);
    }

    private synchronized StringTable strings() throws MalformedElfException {
        if (strings == null) {
            Long address = tags.get(DT_STRTAB);
            if (address == null) {
                throw in.malformed("dynamic section has strings but no DT_STRTAB");
            }
            long start = offsetOf(address, "DT_STRTAB");
            long size = tag(DT_STRSZ).orElse(in.size() - start);
            strings = new StringTable(in, start, size, "dynamic string table");
        }
        return strings;
    }

    private StringTable strings;

    /**
     * The backstop of every lazy part: each read is checked, but a parse bug must still end as one line naming
     * the file. (A try in each reader's call, not a lambda: each lambda costs a run its linkage.)
     */
    private MalformedElfException unparsable(Throwable e) {
        return new MalformedElfException(path, "cannot be parsed: " + e);
    }

    private static List<ProgramHeader> readProgramHeaders(ElfBytes b, long phoff, int phentsize, int phnum)
            throws MalformedElfException {
        if (phnum == 0) {
            return List.of();
        }
        int min = b.is64() ? 56 : 32;
        if (phentsize < min) {
            throw b.malformed("program header entry size " + phentsize + " is smaller than " + min);
        }
        b.checkTable(phoff, phnum, phentsize, "program header table");
        List<ProgramHeader> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            long o = phoff + (long) i * phentsize;
            if (b.is64()) {
                out.add(new ProgramHeader((int) b.u32(o), (int) b.u32(o + 4), b.u64(o + 8), b.u64(o + 16),
                        b.u64(o + 32), b.u64(o + 40), b.u64(o + 48)));
            } else {
                out.add(new ProgramHeader((int) b.u32(o), (int) b.u32(o + 24), b.u32(o + 4), b.u32(o + 8),
                        b.u32(o + 16), b.u32(o + 20), b.u32(o + 28)));
            }
        }
        return List.copyOf(out);
    }

    private static Optional<String> buildId(ElfBytes b, ProgramHeader note) throws MalformedElfException {
        b.check(note.offset(), note.filesz(), "PT_NOTE segment");
        long align = note.align() == 8 ? 8 : 4;
        long p = note.offset();
        long end = note.offset() + note.filesz();
        while (end - p >= 12) {
            long namesz = b.u32(p);
            long descsz = b.u32(p + 4);
            long type = b.u32(p + 8);
            long name = p + 12;
            long base = note.offset();
            long desc = base + roundUp(name - base + namesz, align);
            long next = base + roundUp(desc - base + descsz, align);
            if (namesz > end || descsz > end || desc + descsz > end) {
                throw b.malformed(String.format("note at offset 0x%x runs past the end of its PT_NOTE segment", p));
            }
            if (type == NT_GNU_BUILD_ID && namesz == 4 && b.u8(name) == 'G' && b.u8(name + 1) == 'N'
                    && b.u8(name + 2) == 'U' && b.u8(name + 3) == 0 && descsz > 0 && descsz <= 1024) {
                return Optional.of(HexFormat.of().formatHex(b.bytes(desc, (int) descsz)));
            }
            p = next;
        }
        return Optional.empty();
    }

    private static long roundUp(long v, long align) {
        return (v + align - 1) & -align;
    }

    /** Collects the dynamic entries up to DT_NULL into {@code tags}; returns the DT_NEEDED values in order. */
    private static List<Long> readDynamicTags(ElfBytes b, ProgramHeader seg, Map<Long, Long> tags)
            throws MalformedElfException {
        b.check(seg.offset(), seg.filesz(), "PT_DYNAMIC segment");
        int entsize = 2 * b.wordSize();
        long count = seg.filesz() / entsize;
        List<Long> neededOffsets = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long o = seg.offset() + i * entsize;
            long tag = b.word(o);
            long val = b.word(o + b.wordSize());
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_NEEDED) {
                neededOffsets.add(val);
            }
            tags.putIfAbsent(tag, val);
        }
        return neededOffsets;
    }

    private DynamicInfo dynamicInfo(List<Long> neededOffsets) throws MalformedElfException {
        if (tags.isEmpty()) {
            return DynamicInfo.NONE;
        }
        List<String> needed = new ArrayList<>(neededOffsets.size());
        for (long o : neededOffsets) {
            needed.add(dynamicString(o, "DT_NEEDED name"));
        }
        long flags = tag(DT_FLAGS).orElse(0L);
        long flags1 = tag(DT_FLAGS_1).orElse(0L);
        return new DynamicInfo(needed,
                optionalString(DT_SONAME, "DT_SONAME"),
                optionalString(DT_RPATH, "DT_RPATH"),
                optionalString(DT_RUNPATH, "DT_RUNPATH"),
                flags, flags1,
                tags.containsKey(DT_SYMBOLIC) || (flags & DynamicInfo.DF_SYMBOLIC) != 0,
                tags.containsKey(DT_BIND_NOW) || (flags & DynamicInfo.DF_BIND_NOW) != 0
                        || (flags1 & DynamicInfo.DF_1_NOW) != 0,
                tags.containsKey(DT_VERSYM));
    }

    private Optional<String> optionalString(long tag, String what) throws MalformedElfException {
        Long o = tags.get(tag);
        return o == null ? Optional.empty() : Optional.of(dynamicString(o, what));
    }

    private static boolean isMagicPrefix(ByteBuffer buf) {
        byte[] magic = {0x7f, 'E', 'L', 'F'};
        for (int i = 0; i < buf.limit(); i++) {
            if (buf.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static int mode(Path path) throws UnreadableFileException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            return (Integer) mode;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.isDirectory(path) ? S_IFDIR : S_IFREG;
        } catch (IOException e) {
            throw new UnreadableFileException(path, describe(e));
        }
    }

    private static String describe(IOException e) {
        return FileWords.describe(e);
    }
}
