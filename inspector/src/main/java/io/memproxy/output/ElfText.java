package io.memproxy.output;

import io.memproxy.elf.DynamicInfo;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfHeader;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.NonElfKind;
import io.memproxy.elf.NotElfException;
import io.memproxy.elf.SymbolVersion;
import io.memproxy.elf.SymbolVisibility;
import io.memproxy.elf.VersionDefinition;
import io.memproxy.elf.VersionRequirement;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The readable form of {@code memproxy elf}: a summary per file and, when asked, its dynamic symbols. */
public final class ElfText {
    private final PrintWriter out;
    private final Colour colour;

    public ElfText(PrintWriter out, boolean color) {
        this.out = out;
        this.colour = new Colour(color);
    }

    /** Header facts, dynamic section and GNU versions of one file. */
    public void summary(ElfImage image) throws MalformedElfException {
        ElfHeader h = image.header();
        DynamicInfo d = image.dynamic();
        out.println(colour.bold(printable(image.path().toString())));
        out.printf("  %s%n", describe(h, d.soname()));
        row("interpreter", h.interpreter());
        row("soname", d.soname());
        row("needed", d.needed().isEmpty() ? "-" : String.join(", ", d.needed()));
        row("rpath", d.rpath());
        row("runpath", d.runpath());
        if (d.flags() != 0) {
            row("flags", String.join(" ", d.flagNames()));
        }
        if (d.flags1() != 0) {
            row("flags_1", String.join(" ", d.flags1Names()));
        }
        row("entry", String.format("0x%x", h.entry()));
        row("build-id", h.buildId());
        List<VersionDefinition> defs = image.versionDefinitions();
        if (!defs.isEmpty()) {
            out.printf("  %-12s %s%n", "defines",
                    printable(defs.stream().map(ElfText::definition).collect(Collectors.joining(", "))));
        }
        for (VersionRequirement r : image.versionRequirements()) {
            out.printf("  %-12s %s%n", "requires", printable(r.file() + ": " + r.versions().stream()
                    .map(n -> n.name() + (n.isWeak() ? " (weak)" : "")).collect(Collectors.joining(", "))));
        }
    }

    /** The symbols already filtered by the caller; {@code total} is the size of the whole table. */
    public void symbols(List<DynamicSymbol> symbols, int total, String pattern) {
        out.printf("  dynamic symbols%s: %d of %d%n",
                pattern.equals("*") ? "" : " matching '" + pattern + "'", symbols.size(), total);
        int width = symbols.stream().mapToInt(s -> shownName(s).length()).max().orElse(0);
        width = Math.min(Math.max(width, 20), 60);
        for (DynamicSymbol s : symbols) {
            String name = shownName(s);
            StringBuilder line = new StringBuilder("    ");
            line.append(s.isDefined() ? name : colour.faint(name));
            line.append(" ".repeat(Math.max(1, width + 2 - name.length())));
            line.append(String.format("%-7s %-7s", s.type().readelfName(), s.binding().readelfName()));
            if (s.isDefined()) {
                line.append(String.format(" defined    0x%x size %d", s.value(), s.size()));
            } else {
                line.append(" undefined");
                s.version().flatMap(SymbolVersion::file).ifPresent(f -> line.append(" from ").append(printable(f)));
            }
            if (s.visibility() != SymbolVisibility.DEFAULT) {
                line.append(' ').append(s.visibility().name().toLowerCase());
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A file that is not ELF: what it is, and for an ld script what it names. */
    public void notElf(NotElfException e) {
        out.println(colour.bold(printable(e.file().toString())));
        out.printf("  not ELF: %s%n", e.kind().description());
        if (e.kind() == NonElfKind.LINKER_SCRIPT) {
            out.println("  ld.so cannot load it; only the link editor (ld) reads it. It names:");
            for (String input : e.scriptInputs()) {
                String what = input.endsWith(".a") ? "static archive"
                        : input.matches(".*\\.so(\\.[0-9.]+)?") ? "shared library" : "input";
                out.printf("    %-48s %s%n", printable(input), what);
            }
        }
    }

    private static String shownName(DynamicSymbol s) {
        return s.name().isEmpty() && s.index() == 0 ? "(null symbol)" : printable(s.versionedName());
    }

    private static String definition(VersionDefinition d) {
        String s = d.name() + (d.isBase() ? " (base)" : "");
        return d.parents().isEmpty() ? s : s + " < " + String.join(" ", d.parents());
    }

    private static String describe(ElfHeader h, Optional<String> soname) {
        String kind = switch (h.type()) {
            case EXEC -> "executable";
            case DYN -> !h.isPie() ? "shared object"
                    : soname.isPresent() ? "shared object, also runnable (has an interpreter)"
                    : "position-independent executable";
            case REL -> "relocatable object";
            case CORE -> "core file";
            default -> "object of type " + h.type();
        };
        StringBuilder s = new StringBuilder(String.format("ELF %d-bit %s %s, %s, OS ABI %s",
                h.elfClass().bits(), h.encoding(), kind, h.machineName(), h.osAbiName()));
        if (h.isStatic()) {
            s.append(", statically linked");
        }
        if (h.setuid()) {
            s.append(", setuid");
        }
        if (h.setgid()) {
            s.append(", setgid");
        }
        if (!h.identPaddingZero()) {
            s.append(", non-zero e_ident padding");
        }
        return s.toString();
    }

    private void row(String label, Optional<String> value) {
        row(label, value.orElse("-"));
    }

    private void row(String label, String value) {
        out.printf("  %-12s %s%n", label, printable(value));
    }

    /**
     * Text from the file (names, paths) with control characters shown as {@code \xNN}, so a hostile
     * file cannot move the cursor or recolour the terminal.
     */
    static String printable(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (control && out == null) {
                out = new StringBuilder(s.substring(0, i));
            }
            if (out != null) {
                out.append(control ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return out == null ? s : out.toString();
    }
}
