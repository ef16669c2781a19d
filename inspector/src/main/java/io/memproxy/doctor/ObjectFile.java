package io.memproxy.doctor;

import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.SymbolBinding;
import io.memproxy.elf.SymbolType;
import io.memproxy.elf.SymbolVisibility;
import java.util.HashSet;
import java.util.Set;

/** An ELF object of the chain or a target, with the symbol questions the doctor asks of it. */
public final class ObjectFile implements ShimModel.Exports {
    private final String path;
    private final ElfImage image;
    private Set<String> shimVisible;
    private Set<String> exported;

    ObjectFile(String path, ElfImage image) {
        this.path = path;
        this.image = image;
    }

    /** The path as the examined system names it. */
    public String path() {
        return path;
    }

    public ElfImage image() {
        return image;
    }

    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public boolean isShim() {
        return fileName().startsWith("libmemproxy") || image.dynamic().soname().map(s -> s.startsWith("libmemproxy")).orElse(false);
    }

    public boolean isLibc() {
        return image.dynamic().soname().map(s -> s.equals("libc.so.6")).orElse(false);
    }

    /**
     * Whether the shim's own lookup finds {@code name} here (shim/src/elfsym.c: matches): a defined,
     * non-zero STT_FUNC, global or weak, not hidden, in its default version.
     */
    @Override
    public boolean shimFinds(String name) throws MalformedElfException {
        if (shimVisible == null) {
            Set<String> s = new HashSet<>();
            for (DynamicSymbol d : image.dynamicSymbols()) {
                if (d.isDefined() && d.value() != 0 && d.type() == SymbolType.FUNC
                        && (d.binding() == SymbolBinding.GLOBAL || d.binding() == SymbolBinding.WEAK)
                        && d.visibility() != SymbolVisibility.HIDDEN && d.visibility() != SymbolVisibility.INTERNAL
                        && d.version().map(v -> !v.hidden()).orElse(true)) {
                    s.add(d.name());
                }
            }
            shimVisible = s;
        }
        return shimVisible.contains(name);
    }

    /** Whether the object exports a definition other objects can bind to (function or ifunc). */
    public boolean exports(String name) throws MalformedElfException {
        if (exported == null) {
            Set<String> s = new HashSet<>();
            for (DynamicSymbol d : image.dynamicSymbols()) {
                if (d.isDefined() && (d.type() == SymbolType.FUNC || d.type() == SymbolType.GNU_IFUNC)
                        && d.binding() != SymbolBinding.LOCAL
                        && d.visibility() != SymbolVisibility.HIDDEN && d.visibility() != SymbolVisibility.INTERNAL) {
                    s.add(d.name());
                }
            }
            exported = s;
        }
        return exported.contains(name);
    }
}
