package io.memproxy.loader;

import io.memproxy.elf.DynamicRelocation;
import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.RelocationKind;
import io.memproxy.elf.SymbolBinding;
import io.memproxy.elf.SymbolType;
import io.memproxy.elf.SymbolVersion;
import io.memproxy.elf.SymbolVisibility;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Symbol resolution over a {@link LinkMap}, as ld.so does it at start-up (elf/dl-lookup.c:
 * _dl_lookup_symbol_x, do_lookup_x, check_match; elf/do-rel.h; sysdeps/x86_64/dl-machine.h) and for
 * {@code dlsym(RTLD_NEXT, …)} (elf/dl-sym.c).
 */
public final class SymbolBinder {
    /**
     * One lookup ld.so performs. {@code version} is the version the reference asks for (what LD_DEBUG shows in
     * brackets); {@code to} is empty when nothing defines the symbol. {@code protectedKind} is LD_DEBUG's
     * "protected" (a protected reference bound back to its own object).
     */
    public record Binding(LinkMapEntry from, String symbol, Optional<String> version, Optional<LinkMapEntry> to,
            boolean protectedKind, boolean weakReference) {}

    /** A lookup's request: name, version asked for (null for none), reference symbol (for protected), class. */
    private record Request(String name, String version, DynamicSymbol ref, int typeClass, boolean newest) {}

    /** ELF_RTYPE_CLASS_* (sysdeps/generic/ldsodefs.h). */
    private static final int CLASS_PLT = 1;
    private static final int CLASS_COPY = 2;

    private static final Map<ElfImage, Map<String, List<DynamicSymbol>>> SYMBOLS = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final LinkMap map;
    private final boolean dynamicWeak;
    private final Map<String, LinkMapEntry> unique = new HashMap<>();

    public SymbolBinder(LinkMap map) {
        this.map = map;
        this.dynamicWeak = map.environment().dynamicWeak() && !map.secure();
    }

    public LinkMap linkMap() {
        return map;
    }

    /**
     * Every lookup the relocations of the loaded objects make with LD_BIND_NOW, in relocation order, for the
     * symbols {@code wanted} accepts. Like ld.so, a relocation against the same symbol and class as the one just
     * before it reuses that result (l_lookup_cache) and makes no new lookup.
     */
    /**
     * Objects whose symbol table or relocations could not be read during {@link #relocationBindings}, as
     * "path: problem": their bindings are missing from the answer, which is therefore incomplete.
     */
    public List<String> malformed() {
        return List.copyOf(malformed);
    }

    private final java.util.Set<String> malformed = new java.util.LinkedHashSet<>();

    public List<Binding> relocationBindings(Predicate<String> wanted) {
        List<Binding> out = new ArrayList<>();
        List<LinkMapEntry> objects = new ArrayList<>(map.loadOrder());
        objects.add(0, map.executable());
        for (LinkMapEntry o : objects) {
            if (!o.found() || o.foundBy() == FoundBy.INTERPRETER) {
                continue;
            }
            List<DynamicSymbol> symbols;
            List<DynamicRelocation> relocations;
            try {
                symbols = o.image().dynamicSymbols();
                relocations = new ArrayList<>(o.image().relocations());
            } catch (ElfException e) {
                malformed.add(o.path() + ": " + e.problem());
                continue;
            }
            relocations.sort(Comparator.comparing(DynamicRelocation::table));
            int cachedSymbol = -1;
            int cachedClass = -1;
            for (DynamicRelocation r : relocations) {
                if (r.symbolIndex() == 0 || r.kind() == RelocationKind.RELATIVE || r.kind() == RelocationKind.IRELATIVE) {
                    continue;
                }
                DynamicSymbol ref = symbols.get(r.symbolIndex());
                if (ref.binding() == SymbolBinding.LOCAL || bindsLocally(ref)) {
                    continue;
                }
                int typeClass = switch (r.kind()) {
                    case JUMP_SLOT, TLS -> CLASS_PLT;
                    case COPY -> CLASS_COPY;
                    default -> 0;
                };
                if (r.symbolIndex() == cachedSymbol && typeClass == cachedClass) {
                    continue;
                }
                cachedSymbol = r.symbolIndex();
                cachedClass = typeClass;
                if (!wanted.test(ref.name())) {
                    continue;
                }
                String version = ref.version().filter(v -> v.index() > 1 && v.isNamed()).map(v -> v.name()).orElse(null);
                out.add(lookup(o, new Request(ref.name(), version, ref, typeClass, false)));
            }
        }
        return out;
    }

    /** Which object a reference from {@code from} to {@code symbol} (optionally {@code version}) binds to. */
    public Binding bind(LinkMapEntry from, String symbol, Optional<String> version) {
        return lookup(from, new Request(symbol, version.orElse(null), null, 0, false));
    }

    /**
     * dlsym(RTLD_NEXT, symbol) called from {@code caller}: the global scope after the caller, unversioned,
     * preferring the default (@@) version (elf/dl-sym.c: do_sym, DL_LOOKUP_RETURN_NEWEST).
     */
    public Optional<LinkMapEntry> next(LinkMapEntry caller, String symbol) {
        List<LinkMapEntry> scope = map.scope();
        int i = scope.indexOf(caller);
        if (i < 0) {
            return Optional.empty();
        }
        Optional<Found> f = search(scope.subList(i + 1, scope.size()), new Request(symbol, null, null, 0, true), caller);
        return f.isPresent() ? Optional.of(f.get().object()) : Optional.empty();
    }

    private record Found(LinkMapEntry object, DynamicSymbol symbol) {}

    private Binding lookup(LinkMapEntry from, Request q) {
        List<LinkMapEntry> scope = new ArrayList<>();
        if (from.image().dynamic().symbolic()) {
            scope.add(from);
        }
        scope.addAll(map.scope());
        Optional<Found> f = search(scope, q, from);
        boolean prot = q.ref() != null && q.ref().visibility() == SymbolVisibility.PROTECTED;
        Optional<LinkMapEntry> to = f.isPresent() ? Optional.of(f.get().object()) : Optional.empty();
        if (prot && f.isPresent() && f.get().object() != from) {
            // _dl_lookup_symbol_x: a protected reference binds back to the object that makes it.
            to = Optional.of(from);
        }
        boolean weak = q.ref() != null && q.ref().binding() == SymbolBinding.WEAK;
        return new Binding(from, q.name(), Optional.ofNullable(q.version()), to, prot, weak);
    }

    /** do_lookup_x over a scope; the first object whose first acceptable candidate binds decides. */
    private Optional<Found> search(List<LinkMapEntry> scope, Request q, LinkMapEntry from) {
        Found weakFallback = null;
        for (LinkMapEntry o : scope) {
            if (!o.found()) {
                continue;
            }
            if ((q.typeClass() & CLASS_COPY) != 0 && o == map.executable()) {
                continue;
            }
            DynamicSymbol s = candidate(o, q);
            if (s == null || bindsLocally(s)) {
                continue;
            }
            switch (s.binding()) {
                case WEAK:
                    if (dynamicWeak) {
                        if (weakFallback == null) {
                            weakFallback = new Found(o, s);
                        }
                        break;
                    }
                    return Optional.of(new Found(o, s));
                case GLOBAL:
                    return Optional.of(new Found(o, s));
                case GNU_UNIQUE:
                    // do_lookup_unique: the first definition found is the one for the whole namespace.
                    unique.putIfAbsent(q.name(), o);
                    LinkMapEntry first = unique.get(q.name());
                    return Optional.of(new Found(first, s));
                default:
                    break;
            }
        }
        return Optional.ofNullable(weakFallback);
    }

    /** check_match over the object's symbols of that name, in table order, with the version rules. */
    private static DynamicSymbol candidate(LinkMapEntry o, Request q) {
        ElfImage elf = o.image();
        List<DynamicSymbol> named = symbolsNamed(elf, q.name());
        boolean versym = elf.dynamic().hasVersym();
        DynamicSymbol versioned = null;
        int numVersions = 0;
        for (DynamicSymbol s : named) {
            if (s.value() == 0 && s.shndx() != DynamicSymbol.SHN_ABS && s.type() != SymbolType.TLS) {
                continue;
            }
            if ((q.typeClass() & CLASS_PLT) != 0 && s.shndx() == DynamicSymbol.SHN_UNDEF) {
                continue;
            }
            if (!allowedType(s.type())) {
                continue;
            }
            if (q.version() != null) {
                if (versym) {
                    SymbolVersion v = s.version().orElse(null);
                    boolean hiddenBit = v != null && v.hidden();
                    String defName = v != null && v.isNamed() ? v.name() : null;
                    boolean same = q.version().equals(defName);
                    if (!same && (defName != null || hiddenBit)) {
                        continue;
                    }
                }
                return s;
            }
            if (versym) {
                SymbolVersion v = s.version().orElse(null);
                int ndx = v != null ? v.index() : 1;
                if (ndx >= (q.newest() ? 2 : 3)) {
                    if (!(v != null && v.hidden()) && numVersions++ == 0) {
                        versioned = s;
                    }
                    continue;
                }
            }
            return s;
        }
        return numVersions == 1 ? versioned : null;
    }

    private static boolean allowedType(SymbolType t) {
        return switch (t) {
            case NOTYPE, OBJECT, FUNC, COMMON, TLS, GNU_IFUNC -> true;
            default -> false;
        };
    }

    /** Hidden and internal symbols are local to their object (dl_symbol_visibility_binds_local_p). */
    private static boolean bindsLocally(DynamicSymbol s) {
        return s.visibility() == SymbolVisibility.HIDDEN || s.visibility() == SymbolVisibility.INTERNAL;
    }

    private static List<DynamicSymbol> symbolsNamed(ElfImage elf, String name) {
        Map<String, List<DynamicSymbol>> index = SYMBOLS.get(elf);
        if (index == null) {
            // Plain loops, not computeIfAbsent with lambdas: each lambda costs a run its linkage.
            Map<String, List<DynamicSymbol>> m = new HashMap<>();
            try {
                for (DynamicSymbol s : elf.dynamicSymbols()) {
                    if (s.index() != 0) {
                        List<DynamicSymbol> same = m.get(s.name());
                        if (same == null) {
                            same = new ArrayList<>(1);
                            m.put(s.name(), same);
                        }
                        same.add(s);
                    }
                }
            } catch (ElfException ex) {
                // An unreadable symbol table defines nothing, as far as this emulation goes.
            }
            synchronized (SYMBOLS) {
                index = SYMBOLS.get(elf);
                if (index == null) {
                    index = m;
                    SYMBOLS.put(elf, m);
                }
            }
        }
        return index.getOrDefault(name, List.of());
    }
}
