package io.memproxy.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memproxy.elf.DynamicInfo;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.VersionDefinition;
import io.memproxy.elf.VersionRequirement;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of {@code memproxy elf} (schema in README, section "memproxy elf"): one document
 * {@code {"schema_version":1,"files":[...]}}, one entry per file argument in order.
 */
public final class ElfJson {
    /** 2: keys in snake_case, like every other document (1 had camelCase keys). */
    public static final int SCHEMA_VERSION = 2;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ArrayNode files = F.arrayNode();

    /** Adds a file read as ELF; {@code symbols} is present when symbols were asked for. */
    public void add(ElfImage image, Optional<List<DynamicSymbol>> symbols) throws MalformedElfException {
        ElfHeader h = image.header();
        ObjectNode f = files.addObject();
        f.put("path", image.path().toString());
        ObjectNode elf = f.putObject("elf");
        elf.put("class", h.elfClass().bits());
        elf.put("encoding", h.encoding().name());
        elf.putObject("machine").put("code", h.machine()).put("name", h.machineName());
        elf.putObject("os_abi").put("code", h.osAbi()).put("name", h.osAbiName());
        elf.put("abi_version", h.abiVersion());
        elf.put("ident_padding_zero", h.identPaddingZero());
        elf.put("type", h.type().name());
        elf.put("entry", unsigned(h.entry()));
        elf.put("interpreter", h.interpreter().orElse(null));
        elf.put("static", h.isStatic());
        elf.put("pie", h.isPie());
        elf.put("setuid", h.setuid());
        elf.put("setgid", h.setgid());
        elf.put("build_id", h.buildId().orElse(null));

        DynamicInfo d = image.dynamic();
        ObjectNode dyn = elf.putObject("dynamic");
        dyn.put("present", h.hasDynamicSection());
        ArrayNode needed = dyn.putArray("needed");
        d.needed().forEach(needed::add);
        dyn.put("soname", d.soname().orElse(null));
        dyn.put("rpath", d.rpath().orElse(null));
        dyn.put("runpath", d.runpath().orElse(null));
        dyn.put("flags", unsigned(d.flags()));
        ArrayNode flagNames = dyn.putArray("flag_names");
        d.flagNames().forEach(flagNames::add);
        dyn.put("flags1", unsigned(d.flags1()));
        ArrayNode flags1Names = dyn.putArray("flags1Names");
        d.flags1Names().forEach(flags1Names::add);
        dyn.put("symbolic", d.symbolic());
        dyn.put("bind_now", d.bindNow());
        dyn.put("has_versym", d.hasVersym());

        ArrayNode defs = elf.putArray("version_definitions");
        for (VersionDefinition v : image.versionDefinitions()) {
            ObjectNode o = defs.addObject();
            o.put("index", v.index());
            o.put("name", v.name());
            o.put("flags", v.flags());
            o.put("base", v.isBase());
            ArrayNode parents = o.putArray("parents");
            v.parents().forEach(parents::add);
        }
        ArrayNode reqs = elf.putArray("version_requirements");
        for (VersionRequirement r : image.versionRequirements()) {
            ObjectNode o = reqs.addObject();
            o.put("file", r.file());
            ArrayNode versions = o.putArray("versions");
            for (VersionRequirement.Need n : r.versions()) {
                versions.addObject().put("name", n.name()).put("index", n.other()).put("flags", n.flags())
                        .put("weak", n.isWeak());
            }
        }
        if (symbols.isPresent()) {
            ArrayNode syms = elf.putArray("symbols");
            for (DynamicSymbol s : symbols.get()) {
                ObjectNode o = syms.addObject();
                o.put("index", s.index());
                o.put("name", s.name());
                o.put("versioned_name", s.versionedName());
                o.put("binding", s.binding().name());
                o.put("type", s.type().name());
                o.put("visibility", s.visibility().name());
                o.put("defined", s.isDefined());
                o.put("shndx", s.shndx());
                o.put("value", unsigned(s.value()));
                o.put("size", unsigned(s.size()));
                if (s.version().isPresent()) {
                    ObjectNode v = o.putObject("version");
                    v.put("index", s.version().get().index());
                    v.put("hidden", s.version().get().hidden());
                    v.put("name", s.version().get().isNamed() ? s.version().get().name() : null);
                    v.put("default", s.isDefaultVersion());
                    v.put("file", s.version().get().file().orElse(null));
                } else {
                    o.putNull("version");
                }
            }
        }
    }

    /** ELF addresses and sizes are unsigned 64-bit values. */
    private static java.math.BigInteger unsigned(long v) {
        return new java.math.BigInteger(Long.toUnsignedString(v));
    }

    /** Adds a file that could not be read as ELF. */
    public void add(ElfException e) {
        ObjectNode f = files.addObject();
        f.put("path", e.file().toString());
        ObjectNode err = f.putObject("error");
        if (e instanceof NotElfException n) {
            err.put("kind", "not-elf");
            err.put("is", n.kind().name().toLowerCase().replace('_', '-'));
            ArrayNode inputs = err.putArray("script_inputs");
            n.scriptInputs().forEach(inputs::add);
        } else if (e instanceof MalformedElfException) {
            err.put("kind", "malformed");
        } else {
            err.put("kind", "unreadable");
        }
        err.put("message", e.getMessage());
    }

    /** The whole document, pretty-printed. */
    public String render() {
        ObjectNode root = F.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.set("files", files);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
