package io.memproxy.loader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Versions, weak definitions and RTLD_NEXT on the fixtures, against LD_DEBUG=bindings of the real loader. */
class FixtureBindingTest {
    static final Path L = Path.of(System.getProperty("memproxy.fixtures", "target/fixtures"), "loader").toAbsolutePath();

    static Map<String, Integer> real(List<String> cmd, Map<String, String> env, Set<String> symbols) {
        var out = RealLoader.run(cmd, env, null);
        Map<String, Integer> m = new TreeMap<>();
        for (String l : out.err().split("\n")) {
            Matcher x = AllocatorBindings.LINE.matcher(l);
            if (x.matches() && symbols.contains(x.group(6))) {
                m.merge(x.group(1) + " -> " + x.group(3) + " " + x.group(6) + (x.group(7) == null ? "" : " [" + x.group(7) + "]"), 1, Integer::sum);
            }
        }
        return m;
    }

    /**
     * A program calling foo (linked against V1-only, V1+V2, unversioned libv), bar (weak first, then strong),
     * a non-PIE program with a copy relocation and a canonical PLT entry, and a GNU_UNIQUE C++ static.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = ';', value = {"ver/m_v1;foo;", "ver/m_v2;foo;", "ver/m_nover;foo;", "weak/m;bar;",
        "weak/m;bar;LD_DYNAMIC_WEAK=1", "copy/m;gvar gfun;", "unique/m;_ZZ7countervE1c;"})
    void bindingsMatch(String exe, String symbolList, String extra) {
        Set<String> symbols = Set.of(symbolList.split(" "));
        String path = L.resolve(exe).toString();
        Map<String, String> env = new HashMap<>(Map.of("LD_TRACE_LOADED_OBJECTS", "1", "LD_WARN", "yes", "LD_BIND_NOW", "1",
                "LD_DEBUG", "bindings"));
        Map<String, String> loaderVars = new HashMap<>();
        if (extra != null) {
            String[] kv = extra.split("=", 2);
            env.put(kv[0], kv[1]);
            loaderVars.put(kv[0], kv[1]);
        }
        Map<String, Integer> real = real(List.of(RealLoader.LD_SO, path), env, symbols);
        LinkMap map = LinkMap.load(LoaderEnvironment.system().withStart(LoaderEnvironment.Start.LOADER_COMMAND).withVariables(loaderVars), path);
        Map<String, Integer> ours = new TreeMap<>();
        for (SymbolBinder.Binding b : new SymbolBinder(map).relocationBindings(symbols::contains)) {
            ours.merge(b.from().name() + " -> " + b.to().map(LinkMapEntry::name).orElse("?") + " " + b.symbol()
                    + b.version().map(v -> " [" + v + "]").orElse(""), 1, Integer::sum);
        }
        assertFalse(real.isEmpty());
        assertEquals(real, ours);
    }

    /**
     * Two RTLD_NEXT malloc wrappers preloaded in front of true: their constructors call dlsym(RTLD_NEXT), which
     * LD_DEBUG prints without a version. This runs the wrappers and true (which only exits).
     */
    @Test
    void rtldNextMatches() {
        String nx1 = L.resolve("pre/libnx1.so").toString();
        String nx2 = L.resolve("pre/libnx2.so").toString();
        Map<String, Integer> real = real(List.of("/usr/bin/true"), Map.of("LD_PRELOAD", nx1 + " " + nx2, "LD_DEBUG", "bindings"), Set.of("malloc"));
        Map<String, Integer> dlsym = new TreeMap<>();
        real.forEach((k, v) -> {
            if (!k.contains("[")) {
                dlsym.put(k, v);
            }
        });
        LinkMap map = LinkMap.load(LoaderEnvironment.system().withPreload(nx1 + " " + nx2), "/usr/bin/true");
        SymbolBinder binder = new SymbolBinder(map);
        Map<String, Integer> ours = new TreeMap<>();
        List<LinkMapEntry> callers = new ArrayList<>(map.scope().stream().filter(LinkMapEntry::isPreload).toList());
        for (LinkMapEntry o : callers) {
            ours.merge(o.name() + " -> " + binder.next(o, "malloc").map(LinkMapEntry::name).orElse("?") + " malloc", 1, Integer::sum);
        }
        assertEquals(2, ours.size());
        assertEquals(dlsym, ours);
    }
}
