package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.memproxy.elf.DynamicInfo;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.SymbolVersion;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of {@code memproxy elf} (schema in docs/json.md, section "elf"): one document
 * {@code {"schema_version":2,"files":[...]}}, one entry per file argument in order.
 */
public final class ElfJson {
    /** 2: keys in snake_case, like every other document (1 had camelCase keys). */
    public static final int SCHEMA_VERSION = 2;
    private final List<FileEntry> files = new ArrayList<>();

    record Document(int schemaVersion, List<FileEntry> files) implements Json.Document {}

    /** A file read as ELF has {@code elf}; one that could not be read has {@code error}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileEntry(String path, Elf elf, Error error) {}

    /**
     * ELF addresses and sizes are unsigned 64-bit values, hence BigInteger. Keys that are Java
     * keywords are named explicitly, and a record with such a key lists its order (Jackson would move it last).
     */
    @JsonPropertyOrder({"class", "encoding", "machine", "os_abi", "abi_version", "ident_padding_zero", "type", "entry", "interpreter",
        "static", "pie", "setuid", "setgid", "build_id", "dynamic", "version_definitions", "version_requirements", "symbols"})
    record Elf(@JsonProperty("class") int elfClass, String encoding, Code machine, Code osAbi, int abiVersion, boolean identPaddingZero, String type,
            BigInteger entry, String interpreter, @JsonProperty("static") boolean isStatic,
            boolean pie, boolean setuid, boolean setgid, String buildId, Dynamic dynamic, List<Definition> versionDefinitions,
            List<Requirement> versionRequirements, @JsonInclude(JsonInclude.Include.NON_NULL) List<Symbol> symbols) {}

    record Code(int code, String name) {}

    record Dynamic(boolean present, List<String> needed, String soname, String rpath, String runpath, BigInteger flags,
            List<String> flagNames, BigInteger flags1, List<String> flags1Names, boolean symbolic, boolean bindNow, boolean hasVersym) {}

    record Definition(int index, String name, int flags, boolean base, List<String> parents) {}

    record Requirement(String file, List<Need> versions) {}

    record Need(String name, int index, int flags, boolean weak) {}

    record Symbol(int index, String name, String versionedName, String binding, String type, String visibility, boolean defined,
            int shndx, BigInteger value, BigInteger size, Version version) {}

    @JsonPropertyOrder({"index", "hidden", "name", "default", "file"})
    record Version(int index, boolean hidden, String name, @JsonProperty("default") boolean isDefault,
            String file) {}

    /** {@code is} and {@code script_inputs} only for a file that is not ELF. */
    record Error(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) String is,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> scriptInputs, String message) {}

    /** Adds a file read as ELF; {@code symbols} is present when symbols were asked for. */
    public void add(ElfImage image, Optional<List<DynamicSymbol>> symbols) throws MalformedElfException {
        ElfHeader h = image.header();
        DynamicInfo d = image.dynamic();
        Dynamic dynamic = new Dynamic(h.hasDynamicSection(), d.needed(), d.soname().orElse(null), d.rpath().orElse(null),
                d.runpath().orElse(null), unsigned(d.flags()), d.flagNames(), unsigned(d.flags1()), d.flags1Names(), d.symbolic(),
                d.bindNow(), d.hasVersym());
        List<Definition> defs = image.versionDefinitions().stream()
                .map(v -> new Definition(v.index(), v.name(), v.flags(), v.isBase(), v.parents())).toList();
        List<Requirement> reqs = image.versionRequirements().stream().map(r -> new Requirement(r.file(), r.versions().stream()
                .map(n -> new Need(n.name(), n.other(), n.flags(), n.isWeak())).toList())).toList();
        List<Symbol> syms = symbols.map(list -> list.stream().map(ElfJson::symbol).toList()).orElse(null);
        files.add(new FileEntry(image.path().toString(), new Elf(h.elfClass().bits(), h.encoding().name(),
                new Code(h.machine(), h.machineName()), new Code(h.osAbi(), h.osAbiName()), h.abiVersion(), h.identPaddingZero(),
                h.type().name(), unsigned(h.entry()), h.interpreter().orElse(null), h.isStatic(), h.isPie(), h.setuid(), h.setgid(),
                h.buildId().orElse(null), dynamic, defs, reqs, syms), null));
    }

    private static Symbol symbol(DynamicSymbol s) {
        Version version = s.version().map((SymbolVersion v) -> new Version(v.index(), v.hidden(), v.isNamed() ? v.name() : null,
                s.isDefaultVersion(), v.file().orElse(null))).orElse(null);
        return new Symbol(s.index(), s.name(), s.versionedName(), s.binding().name(), s.type().name(), s.visibility().name(),
                s.isDefined(), s.shndx(), unsigned(s.value()), unsigned(s.size()), version);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /** Adds a file that could not be read as ELF. */
    public void add(ElfException e) {
        Error error;
        if (e instanceof NotElfException n) {
            error = new Error("not-elf", n.kind().name().toLowerCase().replace('_', '-'), n.scriptInputs(), e.getMessage());
        } else {
            error = new Error(e instanceof MalformedElfException ? "malformed" : "unreadable", null, null, e.getMessage());
        }
        files.add(new FileEntry(e.file().toString(), null, error));
    }

    /** The whole document, pretty-printed, then a newline. */
    public void write(PrintWriter out) {
        Json.write(new Document(SCHEMA_VERSION, files), out);
    }
}
