package io.memproxy.cli;

import io.memproxy.config.ConfigFile;
import io.memproxy.doctor.Inspection;
import io.memproxy.ps.ProcessTable;
import io.memproxy.output.PsReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "ps",
        header = "Show what the shim did in running processes, and flag problems.", mixinStandardHelpOptions = true,
        description = {
            "For running processes (all readable ones by default): the executable,",
            "whether libmemproxy.so is mapped, which allocator library is, and the",
            "route the shim must have taken, predicted from the exclusion list and",
            "the mapped objects. Flags processes started before memproxy was",
            "installed, processes without the shim, and processes left on glibc",
            "although an allocator was meant. Reads /proc/PID/exe, maps, auxv and",
            "stat; skips what it may not read, and says how many."
        },
        footer = "%nExamples:%n"
                + "  memproxy ps%n"
                + "  memproxy ps --format json $(pidof nginx)%n"
                + "  memproxy ps --format prometheus > ps.prom%n"
                + "%nExit codes:%n"
                + "  0  no process examined has a problem flag%n"
                + "  1  some process is flagged started-before-install, no-shim,%n"
                + "     allocator-missing or second-allocator, or a named PID does not exist%n"
                + "     or cannot be read%n"
                + "  2  usage error%n"
                + "  3  /proc could not be read%n")
public final class PsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FleetFormat output;

    @Parameters(paramLabel = "PID", arity = "0..*", description = "Processes to examine (default: all).")
    List<String> pidArgs = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "The exclusion list the shim reads (default: /etc/memproxy.conf).")
    String config;

    @Override
    public Integer call() throws IOException {
        List<Integer> pids = new ArrayList<>();
        for (String a : pidArgs) {
            // Checked here rather than by the parser, whose words for this are "Unmatched argument".
            if (!a.matches("[1-9][0-9]{0,9}") || Long.parseLong(a) > Integer.MAX_VALUE) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), a + ": not a process ID (a positive number)");
            }
            pids.add(Integer.parseInt(a));
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        Inspection inspection = new Inspection(new Inspection.Inputs(Path.of("/"), Optional.of(""), Optional.empty(),
                config == null ? ConfigFile.DEFAULT_PATH : config, List.of(), path));
        ProcessTable.Result r;
        try {
            r = new ProcessTable(Path.of("/proc"), inspection.root(), inspection.config()).read(pids);
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, Fleet.describe(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (output.format()) {
            case text -> PsReports.text(r, out);
            case json -> PsReports.json(r, Version.get(), out);
            case prometheus -> PsReports.prometheus(r, System.currentTimeMillis() / 1000, out);
            case markdown -> throw new IllegalStateException("ps offers no markdown");
        }
        // config-changed and exe-deleted only qualify the prediction; the others are memproxy problems.
        boolean flagged = r.processes().stream().anyMatch(p -> p.flags().stream().anyMatch(PsReports.PROBLEMS::contains));
        if (!pids.isEmpty() && r.unreadable() > 0) {
            spec.commandLine().getErr().println("memproxy: " + r.unreadable() + " of the named processes could not be read");
        }
        return flagged || (!pids.isEmpty() && (r.gone() > 0 || r.unreadable() > 0)) ? ExitCodes.PROBLEM : ExitCodes.OK;
    }
}
