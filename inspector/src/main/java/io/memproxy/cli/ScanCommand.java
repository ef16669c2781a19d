package io.memproxy.cli;

import io.memproxy.executable.ExecutableClass;
import io.memproxy.executable.Platform;
import io.memproxy.scan.ChainCoverage;
import io.memproxy.output.ScanReports;
import io.memproxy.scan.Classifier;
import io.memproxy.scan.Scan;
import io.memproxy.scan.ScanSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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

@Command(name = "scan",
        header = "Classify executables by what preloading the shim means for them.", mixinStandardHelpOptions = true,
        description = {
            "Classify every ELF executable under DIRs (default: the directories on",
            "PATH and /usr/lib*) by what preloading libmemproxy.so means for it:",
            "fine, static, other-libc, own-malloc, other-allocator,",
            "secure-execution, 32-bit, other-machine, unreadable, malformed.",
            "Symbolic links are not followed; a file with several hard links is",
            "examined once. --suggest-config prints the exclusion list it implies."
        },
        footer = "%nExamples:%n"
                + "  memproxy scan /usr/bin /usr/lib/x86_64-linux-gnu%n"
                + "  memproxy scan --suggest-config > exclusions.conf%n"
                + "  memproxy scan --root /srv/image --format json%n"
                + "%nExit codes:%n"
                + "  0  every file was examined%n"
                + "  1  some files or directories could not be read or are malformed%n"
                + "     (they are listed)%n"
                + "  2  usage error (--root is not a directory)%n"
                + "  3  the scan could not run (the root cannot be read, internal failure)%n")
public final class ScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FleetFormat output;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "Directories (or files) to scan, as the examined system names them.")
    List<String> dirs = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR", description = "Scan an offline system image under DIR; links never lead out of it.")
    Path root;

    @picocli.CommandLine.Mixin
    ImageOptions image = new ImageOptions();

    @Option(names = "--suggest-config", description = "Print a commented memproxy.conf fragment naming the programs to exclude, and why.")
    boolean suggestConfig;

    @Option(names = "--all", description = "In text, list fine executables too.")
    boolean all;

    @Option(names = "--threads", paramLabel = "N", description = "Files examined in parallel (default: the number of CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-progress", description = "No progress bar (there is none anyway when stderr is not a terminal).")
    boolean noProgress;

    @Option(names = "--search-path", paramLabel = "DIRS", description = "The PATH whose directories are scanned by default (default: $PATH).")
    String searchPath;

    @Override
    public Integer call() throws IOException, InterruptedException {
        image.checkNotWithRoot(root);
        Path r = image.given() ? image.open().root() : root == null ? Path.of("/") : root.toAbsolutePath().normalize();
        io.memproxy.loader.Root confined = image.given() ? io.memproxy.loader.Root.at(r) : Fleet.root(root);
        try (var top = confined.directory("/", false)) {
            top.list(n -> true);
        } catch (IOException e) {
            throw new MemproxyException(ExitCodes.COULD_NOT_RUN, r + ": cannot be read (" + io.memproxy.loader.Root.message(e)
                    .replaceFirst("^[^:]*: ", "") + ") (--root)");
        }
        if (threads < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        List<String> targets = new ArrayList<>();
        for (String d : dirs) {
            targets.add(d.startsWith("/") ? d : Path.of(d).toAbsolutePath().normalize().toString());
        }
        if (targets.isEmpty()) {
            String path = searchPath != null ? searchPath : image.given() ? image.open().config().path()
                    : Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
            for (String d : Scan.defaultDirectories(r, path)) {
                if (confined.stat(d).map(java.nio.file.attribute.BasicFileAttributes::isDirectory).orElse(false)) {
                    targets.add(d);
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Format f = output.format();
        ScanReports.Sink sink;
        if (suggestConfig) {
            sink = ScanReports.suggestedConfig(out, Version.get());
        } else {
            sink = switch (f) {
                case text -> ScanReports.text(out, all, ChainCoverage.of(confined));
                case json -> ScanReports.json(out, Version.get(), image.given() ? image.image.toString() : r.toString(), ChainCoverage.of(confined));
                case prometheus -> ScanReports.prometheus(out, System.currentTimeMillis() / 1000);
                case markdown -> throw new IllegalStateException("scan offers no markdown");
            };
        }
        Scan scan = new Scan(new Scan.Options(r, targets, threads), new Classifier(Platform.of(r)));
        ScanSummary s;
        if (!noProgress && TerminalProgress.wanted()) {
            try (ScanProgress bar = new ScanProgress()) {
                s = scan.run(file -> {
                    if (f == Format.text && !suggestConfig && ScanReports.listedInText(file, all)) {
                        bar.clearLine();
                    }
                    sink.file(file);
                    out.flush();
                }, bar);
            }
        } else {
            s = scan.run(sink::file, Scan.Progress.NONE);
        }
        sink.end(s);
        out.flush();
        long problems = s.count(ExecutableClass.UNREADABLE) + s.count(ExecutableClass.MALFORMED) + s.unreadableDirs();
        return problems > 0 ? ExitCodes.PROBLEM : ExitCodes.OK;
    }
}
