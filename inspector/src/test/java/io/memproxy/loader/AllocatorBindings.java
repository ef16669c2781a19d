package io.memproxy.loader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run's malloc-family bindings as a multiset of "FROM -> TO SYMBOL [VERSION] protected" lines: as ld.so
 * prints them with LD_DEBUG=bindings, and as SymbolBinder predicts them, so the agreement tests compare the two.
 */
public final class AllocatorBindings {
    static final Pattern LINE = Pattern.compile(
            "^ *\\d+:\\tbinding file (.*) \\[(\\d+)\\] to (.*) \\[(\\d+)\\]: (normal|protected) symbol `([^']*)'(?: \\[([^\\]]*)\\])?$");

    private AllocatorBindings() {
    }

    /** The environment of a trace-mode run with BIND_NOW (no code of the program runs) printing its bindings. */
    public static Map<String, String> traceEnvironment(String preload) {
        Map<String, String> env = new HashMap<>(Map.of("LD_TRACE_LOADED_OBJECTS", "1", "LD_WARN", "yes", "LD_BIND_NOW", "1",
                "LD_DEBUG", "bindings"));
        if (preload != null) {
            env.put("LD_PRELOAD", preload);
        }
        return env;
    }

    /** The malloc-family bindings in ld.so's LD_DEBUG=bindings output (its stderr). */
    public static Map<String, Integer> real(String stderr) {
        Map<String, Integer> m = new TreeMap<>();
        for (String l : stderr.split("\n")) {
            Matcher x = LINE.matcher(l);
            if (x.matches() && AllocatorSymbols.ALL.contains(x.group(6))) {
                m.merge(x.group(1) + " -> " + x.group(3) + " " + x.group(6) + (x.group(7) == null ? "" : " [" + x.group(7) + "]")
                        + (x.group(5).equals("protected") ? " protected" : ""), 1, Integer::sum);
            }
        }
        return m;
    }

    /** The malloc-family bindings SymbolBinder predicts for the program loaded under {@code env}. */
    public static Map<String, Integer> predicted(LoaderEnvironment env, LoaderFiles files, String exe) {
        LinkMap map = LinkMap.load(env, files, exe);
        Map<String, Integer> m = new TreeMap<>();
        for (SymbolBinder.Binding b : new SymbolBinder(map).relocationBindings(AllocatorSymbols.ALL::contains)) {
            if (b.to().isPresent()) {
                m.merge(b.from().name() + " -> " + b.to().get().name() + " " + b.symbol() + b.version().map(v -> " [" + v + "]").orElse("")
                        + (b.protectedKind() ? " protected" : ""), 1, Integer::sum);
            }
        }
        return m;
    }

    /** The chains the agreement tests run: none, each allocator alone, the shim in front of each, then {@code more}. */
    public static List<String> chains(List<String> allocators, String shim, String... more) {
        List<String> chains = new ArrayList<>();
        chains.add(null);
        chains.addAll(allocators);
        allocators.forEach(a -> chains.add(shim + " " + a));
        chains.addAll(List.of(more));
        return chains;
    }

    /** One side's malloc-family bindings of a program under a chain (null: no preload). */
    public interface Side {
        Map<String, Integer> bindings(String exe, String chain) throws Exception;
    }

    /** One (program, chain) run: what ld.so printed and what SymbolBinder predicts. */
    public record Run(String exe, String chain, Map<String, Integer> real, Map<String, Integer> ours) {
        public boolean agree() {
            return real.equals(ours);
        }
    }

    /** Every program under every chain, each run by ld.so ({@code real}) and predicted ({@code ours}). */
    public static Tally compare(List<String> chains, List<String> programs, Side real, Side ours) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (String chain : chains) {
            for (String exe : programs) {
                runs.add(new Run(exe, chain, real.bindings(exe, chain), ours.bindings(exe, chain)));
            }
        }
        return new Tally(runs, programs.size(), chains.size());
    }

    /** The runs of {@link #compare}, and how many agree. */
    public record Tally(List<Run> runs, int programs, int chains) {
        public int total() {
            return runs.size();
        }

        public long agree() {
            return runs.stream().filter(Run::agree).count();
        }

        /** "LABEL: A of T (program, chain) pairs agree with LD_DEBUG=bindings (P programs x C chains)", then the first differences. */
        public void print(String label) {
            System.out.printf("%s: %d of %d (program, chain) pairs agree with LD_DEBUG=bindings (%d programs x %d chains)%n",
                    label, agree(), total(), programs, chains);
            runs.stream().filter(r -> !r.agree()).limit(8)
                    .forEach(r -> System.out.println(r.exe() + " with " + r.chain() + "\n  real: " + r.real() + "\n  ours: " + r.ours()));
        }
    }
}
