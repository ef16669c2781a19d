package io.memproxy.doctor;

import io.memproxy.elf.ProgramHeader;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.trial.Runner;
import io.memproxy.trial.StartCost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * chain.cost: the objects the chain brings into a process that the program itself would not load (Debian's
 * jemalloc and tcmalloc link the C++ runtime, so every process maps libstdc++ and applies its relocations at
 * start), read from the ELF files; with --probe, the start-up time this costs, measured.
 */
public final class ChainCostCheck implements Check {
    /**
     * A measured extra start-up above this, in nearly every pair (sign test), makes the finding a warning. A
     * millisecond per exec is a second lost by a shell script that runs a thousand commands, and about what
     * Debian's jemalloc costs (its libstdc++ carries some 5,000 relocations: `ls` of an empty directory starts in
     * 2.5 ms instead of 1.1 ms), while mimalloc costs 0.3 ms. From the ELF files alone the finding stays
     * informational: the same objects cost more or less depending on the machine, so only a measurement warns.
     */
    static final double WARN_MILLIS = 1.0;

    private final Optional<Measure> measure;

    /** How to measure the start-up cost with --probe: the probe, memproxy-run, how many starts of each kind. */
    public record Measure(Path probe, Path runner, int runs) {}

    public ChainCostCheck(Optional<Measure> measure) {
        this.measure = measure;
    }

    @Override
    public String name() {
        return "chain";
    }

    @Override
    public String title() {
        return "Cost of the chain in every process";
    }

    /** One object the chain adds, with what loading it costs. */
    public record Added(String path, long fileBytes, long mappedBytes, int relocations) {}

    @Override
    public List<Finding> run(Inspection in) throws Exception {
        boolean anyLoaded = false;
        for (Link l : in.chain()) {
            anyLoaded |= l.loaded();
        }
        if (!anyLoaded) {
            return List.of();
        }
        LinkMap m = in.referenceMap();
        List<Added> added = added(in, m);
        if (added.isEmpty()) {
            return List.of();
        }
        long relocations = 0;
        long mapped = 0;
        for (Added a : added) {
            relocations += a.relocations();
            mapped += a.mappedBytes();
        }
        List<String> parts = new ArrayList<>();
        for (Added a : added) {
            parts.add(a.path().substring(a.path().lastIndexOf('/') + 1) + " (" + size(a.fileBytes()) + ", "
                    + grouped(a.relocations()) + " relocations)");
        }
        String exe = in.targets().get(0);
        String message = "the chain adds " + added.size() + " object" + (added.size() == 1 ? "" : "s") + " to every process that "
                + exe + " would not load itself: " + String.join(", ", parts) + "; "
                + grouped(relocations) + " relocations and " + size(mapped) + " mapped at every start";
        List<String> subjects = new ArrayList<>();
        for (Added a : added) {
            subjects.add(a.path());
        }
        Optional<StartCost> cost = Optional.empty();
        if (measure.isPresent()) {
            Measured measuredCost = measured(in);
            message += measuredCost.text();
            cost = measuredCost.cost();
        }
        boolean slow = cost.isPresent() && cost.get().differenceMillis().median() > WARN_MILLIS && cost.get().consistentlySlower();
        Severity severity = slow ? Severity.WARNING : Severity.INFO;
        String fix = severity == Severity.INFO ? ""
                : "every exec pays this, excluded programs too (a shell script running thousands of commands notices):"
                        + " prefer an allocator that does not link the C++ runtime (Debian's mimalloc adds only itself),"
                        + " or preload the chain only into the services that gain from it (LD_PRELOAD in their units)";
        return List.of(new Finding("chain.cost", severity, subjects, message, fix));
    }

    /**
     * The found objects of the link map outside the executable's own DT_NEEDED closure (and the interpreter,
     * which every dynamic program has): what the chain alone brings in.
     */
    static List<Added> added(Inspection in, LinkMap m) throws Exception {
        Set<LinkMapEntry> own = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<LinkMapEntry> todo = new ArrayDeque<>(List.of(m.executable()));
        while (!todo.isEmpty()) {
            LinkMapEntry o = todo.pop();
            if (own.add(o)) {
                todo.addAll(o.needs());
            }
        }
        Map<String, Added> out = new LinkedHashMap<>();
        for (LinkMapEntry o : m.loadOrder()) {
            if (!o.found() || own.contains(o) || o.elf().isEmpty() || isInterpreter(o) || out.containsKey(o.path())) {
                continue;
            }
            long mapped = 0;
            for (ProgramHeader h : o.elf().get().programHeaders()) {
                if (h.type() == ProgramHeader.PT_LOAD) {
                    mapped += h.memsz();
                }
            }
            // The size of the file the loader emulation read, without resolving the path again.
            out.put(o.path(), new Added(o.path(), o.elf().get().fileSize(), mapped, o.elf().get().relocationCount()));
        }
        return List.copyOf(out.values());
    }

    private static boolean isInterpreter(LinkMapEntry o) {
        String n = o.soname().orElse(o.path());
        return n.startsWith("ld-linux") || n.endsWith("/ld-linux-x86-64.so.2");
    }

    /** The measurement's words for the message, and the measurement when there is one. */
    private record Measured(String text, Optional<StartCost> cost) {
        static Measured not(String why) {
            return new Measured("; " + why, Optional.empty());
        }
    }

    private Measured measured(Inspection in) {
        Optional<String> chain = in.preloadVariable();
        if (chain.isEmpty() || !in.inputs().root().toString().equals("/")) {
            return Measured.not("the start-up cost is measured only for a chain given with --preload or LD_PRELOAD on this machine");
        }
        Measure x = measure.get();
        Optional<String> bad = Runner.unusable(x.runner());
        if (bad.isPresent() || !Files.isExecutable(x.probe())) {
            return Measured.not("start-up cost not measured: " + bad.orElse(x.probe() + ": the probe program is missing (build it with make)"));
        }
        Map<String, String> without = new java.util.HashMap<>(Map.of("PATH", "/usr/bin:/bin"));
        without.put("MEMPROXY_CONF", in.file(in.config().path()).toString());
        Map<String, String> with = new java.util.HashMap<>(without);
        with.put("LD_PRELOAD", chain.get());
        Path dir = null;
        try {
            dir = Files.createTempDirectory("memproxy-cost");
            StartCost c = StartCost.measure(new Runner(x.runner(), dir), x.probe(), without, with, x.runs());
            return new Measured("; measured over " + x.runs() + " interleaved starts of the probe: " + c.describe(), Optional.of(c));
        } catch (IOException e) {
            return Measured.not("start-up cost not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Measured.not("start-up cost not measured: interrupted");
        } finally {
            delete(dir);
        }
    }

    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Nothing else to do: the directory is under the system's temporary directory.
        }
    }

    private static final long MIB = 1024 * 1024;

    /**
     * 2.1 MiB, 820 KiB: what {@code String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0)} and
     * {@code "%d KiB"} give, in integers. The formatter costs a doctor run some 10 ms of class loading and
     * interpretation for these few numbers; the quotient is exact in a double, so rounding the exact tenths
     * half up is what the formatter's rounding of its decimal digits gives.
     */
    public static String size(long bytes) {
        if (bytes >= MIB) {
            long tenths = bytes * 10 / MIB + (bytes * 10 % MIB * 2 >= MIB ? 1 : 0);
            return tenths / 10 + "." + tenths % 10 + " MiB";
        }
        return (bytes + 1023) / 1024 + " KiB";
    }

    /** 12,345: what {@code String.format(Locale.ROOT, "%,d", n)} gives, without the formatter. */
    public static String grouped(long n) {
        String digits = Long.toString(n);
        int sign = n < 0 ? 1 : 0;
        StringBuilder out = new StringBuilder(digits.length() + digits.length() / 3);
        for (int i = 0; i < digits.length(); i++) {
            int fromEnd = digits.length() - i;
            if (i > sign && fromEnd % 3 == 0) {
                out.append(',');
            }
            out.append(digits.charAt(i));
        }
        return out.toString();
    }
}
