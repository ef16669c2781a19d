package io.memproxy.cli;

import io.memproxy.loader.LinkMap;
import io.memproxy.loader.HostCapabilities;
import io.memproxy.loader.LinkMap;
import io.memproxy.loader.LinkMapEntry;
import io.memproxy.loader.LoaderEnvironment;
import io.memproxy.loader.LoaderException;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.output.Colour;
import io.memproxy.output.LddReports;
import io.memproxy.output.Marks;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "ldd",
        header = "List the objects ld.so loads for programs, found where and why.", mixinStandardHelpOptions = true,
        description = {
            "List the objects ld.so loads for each program, in its order, found where and",
            "why, without running anything: preloads (LD_PRELOAD, /etc/ld.so.preload),",
            "DT_NEEDED breadth-first, RPATH/RUNPATH, LD_LIBRARY_PATH, ld.so.cache and",
            "glibc-hwcaps subdirectories, as glibc 2.36 does on x86-64 and i386, and on",
            "aarch64 for an arm64 image under --root (its CPU is assumed: see --hwcaps). The loader",
            "variables of this environment count, as for ldd (-i ignores them)."
        },
        footer = {"%nExamples:%n  memproxy ldd /usr/bin/ls%n  memproxy ldd --tree --preload libjemalloc.so.2 /usr/bin/python3%n  memproxy ldd --json /usr/bin/*%n  memproxy ldd --root /srv/image /usr/bin/sort%n  memproxy ldd --root /srv/arm64-image --hwcaps armv8.0 /usr/bin/pigz%n"
            + "%nExit codes:%n  0  every program was analysed%n  1  a program is unreadable, not ELF, or cannot be loaded%n     (missing library, fatal loader error)%n  2  usage error%n  3  internal failure%n"})
public final class LddCommand implements Callable<Integer> {
    @ParentCommand
    MemproxyCommand parent;

    @Spec
    CommandSpec spec;

    // Paths, so that completion offers files; each is used as given (ld.so's name for it).
    @Parameters(arity = "1..*", paramLabel = "EXE", description = "Programs to analyse (each file is parsed once, in parallel).")
    List<java.nio.file.Path> executables;

    @Mixin
    LoaderOptions loader;

    @Mixin
    OutputOptions output;

    @Option(names = "--tree", description = "Draw the dependency tree with the reason each object was found.")
    boolean tree;

    @Override
    public Integer call() throws IOException {
        LoaderEnvironment env = loader.environment();
        LoaderFiles files = new LoaderFiles(env.root());
        List<LddReports.Program> results = IntStream.range(0, executables.size()).parallel()
                .mapToObj(i -> analyse(env, files, executables.get(i).toString())).toList();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean problem = false;
        boolean json = output.format() == Format.json;
        if (json) {
            LddReports.json(results, out);
        }
        Colour colour = new Colour(output.colour(parent.terminal()));
        // One write for all programs: the launcher's writers flush on every line.
        java.io.StringWriter buffer = new java.io.StringWriter();
        PrintWriter page = new PrintWriter(buffer);
        for (LddReports.Program r : results) {
            if (r.error() != null) {
                err.println("memproxy: " + r.error());
                problem = true;
                continue;
            }
            LinkMap m = r.map();
            for (LinkMap.IgnoredPreload p : m.ignoredPreloads()) {
                err.println("memproxy: " + r.exe() + ": object '" + p.entry() + "' from " + p.source().label()
                        + " cannot be preloaded (" + p.reason() + "): ignored");
            }
            if (m.fatal().isPresent()) {
                err.println("memproxy: " + r.exe() + ": error while loading shared libraries: " + m.fatal().get());
            }
            problem |= !m.complete();
            if (json) {
                continue;
            }
            if (executables.size() > 1 && !tree) {
                page.println(r.exe() + ":");
            }
            if (tree) {
                LddReports.tree(m, colour, Marks.of(parent.terminal().unicode()), env.hwcaps().orElse(HostCapabilities.AARCH64_DEFAULT), page);
            } else if (m.fatal().isEmpty()) {
                LddReports.lines(m).forEach(l -> page.println("\t" + l));
            }
        }
        files.cacheProblem().ifPresent(p -> err.println("memproxy: warning: " + p));
        page.flush();
        out.print(buffer);
        out.flush();
        return problem ? ExitCodes.PROBLEM : ExitCodes.OK;
    }

    static LddReports.Program analyse(LoaderEnvironment env, LoaderFiles files, String exe) {
        try {
            return new LddReports.Program(exe, LinkMap.load(env, files, exe), null);
        } catch (LoaderException e) {
            return new LddReports.Program(exe, null, e.getMessage());
        }
    }
}
