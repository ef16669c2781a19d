package io.memproxy.shimmodel;

import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.MalformedElfException;
import io.memproxy.elf.SymbolBinding;
import io.memproxy.elf.SymbolType;
import io.memproxy.elf.SymbolVisibility;
import java.util.HashMap;
import java.util.Map;

/**
 * An ELF object a process maps (a chain entry, a library, the program itself) as the shim's walk over the
 * process's objects sees it: whether it is the shim or libc, and whether the shim's lookup finds a symbol in it.
 */
public final class MappedObject implements ShimModel.Exports {
    private final String path;
    private final ElfImage image;
    private final Map<String, Boolean> shimVisible = new HashMap<>();
    private final Map<String, Boolean> exported = new HashMap<>();

    public MappedObject(String path, ElfImage image) {
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
        return fileName().startsWith("libmemproxy") || image.dynamic().soname().orElse("").startsWith("libmemproxy");
    }

    public boolean isLibc() {
        return image.dynamic().soname().orElse("").equals("libc.so.6");
    }

    /**
     * Whether the shim's own lookup finds {@code name} here (shim/src/elfsym.c: matches): a defined,
     * non-zero STT_FUNC, global or weak, not hidden, in its default version.
     */
    @Override
    public boolean shimFinds(String name) throws MalformedElfException {
        Boolean known = shimVisible.get(name);
        if (known == null) {
            known = false;
            for (DynamicSymbol d : image.definitions(name)) {
                known |= d.value() != 0 && d.type() == SymbolType.FUNC
                        && (d.binding() == SymbolBinding.GLOBAL || d.binding() == SymbolBinding.WEAK)
                        && visible(d) && !(d.version().isPresent() && d.version().get().hidden());
            }
            shimVisible.put(name, known);
        }
        return known;
    }

    /** Whether the object exports a definition other objects can bind to (function or ifunc). */
    public boolean exports(String name) throws MalformedElfException {
        Boolean known = exported.get(name);
        if (known == null) {
            known = false;
            for (DynamicSymbol d : image.definitions(name)) {
                known |= (d.type() == SymbolType.FUNC || d.type() == SymbolType.GNU_IFUNC) && visible(d);
            }
            exported.put(name, known);
        }
        return known;
    }

    private static boolean visible(DynamicSymbol d) {
        return d.visibility() != SymbolVisibility.HIDDEN && d.visibility() != SymbolVisibility.INTERNAL;
    }
}
