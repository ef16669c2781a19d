package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memproxy.executable.ExecutableClass;
import io.memproxy.loader.LoaderRules;
import io.memproxy.scan.ChainCoverage;
import io.memproxy.scan.ScanSummary;
import io.memproxy.scan.ScannedFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The scan's outputs. Each receives files as the scan reports them and writes its end with the totals. */
public final class ScanReports {
    private ScanReports() {}

    /** A rendering of a scan, fed file by file, in walk order. */
    public interface Sink {
        void file(ScannedFile f);

        void end(ScanSummary s);
    }

    /** One line per executable that is not fine (every one with {@code all}), problems included, then totals. */
    public static Sink text(PrintWriter out, boolean all, ChainCoverage coverage) {
        return new Sink() {
            final java.util.Map<String, Integer> machines = new java.util.TreeMap<>();

            @Override
            public void file(ScannedFile f) {
                if (f.isExecutable() && !f.machine().isEmpty()) {
                    machines.merge(f.machine(), 1, Integer::sum);
                }
                if (listedInText(f, all)) {
                    out.println(String.format("%-16s  %s%s", f.primary().label(), f.path(), detail(f)));
                }
            }

            @Override
            public void end(ScanSummary s) {
                out.println(summaryLine(s));
                List<String> parts = new ArrayList<>();
                for (ExecutableClass c : ExecutableClass.values()) {
                    if (s.count(c) > 0) {
                        parts.add(s.count(c) + " " + c.label());
                    }
                }
                out.println("  " + (parts.isEmpty() ? "no executables" : String.join(", ", parts)));
                if (!machines.isEmpty()) {
                    List<String> m = new ArrayList<>();
                    machines.forEach((name, n) -> m.add(n + " " + name));
                    out.println("  executables by machine: " + String.join(", ", m));
                }
                if (s.count(ExecutableClass.BITS_32) > 0) {
                    out.println("  " + coverage.describe(LoaderRules.DEBIAN_12_I386, s.count(ExecutableClass.BITS_32)));
                }
                if (!s.capabilities().isEmpty()) {
                    out.println("  file capabilities " + s.capabilities());
                }
                out.flush();
            }
        };
    }

    /** Whether the text output has a line for the file: every problem, and fine executables only with --all. */
    public static boolean listedInText(ScannedFile f, boolean all) {
        return f.kind() == ScannedFile.Kind.DIRECTORY || (f.isExecutable() && (all || f.primary() != ExecutableClass.FINE));
    }

    static String summaryLine(ScanSummary s) {
        return String.format("scanned %s: %d files, %d with an execute bit: %d executables, %d other ELF objects,"
                        + " %d not ELF; %d symbolic links not followed, %d repeated hard links; %.2f s",
                String.join(" ", s.directories()), s.files(), s.candidates(), s.executableCount(), s.otherElf(),
                s.notElf(), s.symlinks(), s.hardLinks(), s.seconds());
    }

    /** What makes the file's class true, after its path. */
    static String detail(ScannedFile f) {
        List<String> d = new ArrayList<>();
        if (!f.problem().isEmpty()) {
            d.add(f.problem());
        }
        if (!f.ownMalloc().isEmpty()) {
            d.add("defines " + String.join(", ", f.ownMalloc()));
        }
        if (!f.allocators().isEmpty()) {
            d.add("needs " + String.join(", ", f.allocators()));
        }
        if (f.classes().contains(ExecutableClass.OTHER_LIBC)) {
            d.add("interpreter " + f.interpreter().orElse(""));
        }
        if (!f.secureBits().isEmpty()) {
            d.add(String.join(", ", f.secureBits()));
        }
        if (f.classes().size() > 1) {
            d.add("also " + String.join(", ", f.classes().subList(1, f.classes().size()).stream()
                    .map(ExecutableClass::label).toList()));
        }
        return d.isEmpty() ? "" : "  (" + String.join("; ", d) + ")";
    }

    /** The version of scan's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    /** One examined file ("class" is a Java keyword: named, and the order listed); {@code class}, {@code classes} and {@code exclude} only for executables and directories. */
    @JsonPropertyOrder({"path", "machine", "kind", "class", "classes", "exclude", "interpreter", "allocators", "own_malloc", "secure",
        "problem"})
    record FileEntry(String path, String machine, String kind,
            @JsonProperty("class") @JsonInclude(JsonInclude.Include.NON_NULL) String primaryClass,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> classes,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean exclude,
            @JsonInclude(JsonInclude.Include.NON_NULL) String interpreter,
            List<String> allocators, List<String> ownMalloc, List<String> secure, String problem) {}

    /** Keys of {@code classes} are the class labels; a key the naming cannot spell is named, and the order listed. */
    @JsonPropertyOrder({"directories", "files", "candidates", "executables", "classes", "bits_32", "other_elf", "not_elf",
        "symlinks_not_followed", "repeated_hard_links", "unreadable_directories", "capabilities", "seconds"})
    record Totals(List<String> directories, long files, long candidates, long executables, Map<String, Long> classes,
            @JsonProperty("bits_32") Bits32 bits32, long otherElf, long notElf, long symlinksNotFollowed, long repeatedHardLinks,
            long unreadableDirectories, String capabilities, double seconds) {}

    /** Whether the installed chain reaches the 32-bit programs (their own ld.so reads it too). */
    record Bits32(long executables, boolean loaderInstalled, boolean preloadCovers, String shim, List<String> ignoredEntries) {}

    /**
     * The JSON document (docs/json.md, "scan"): every examined file, then the totals. Streamed, one
     * record per file as the scan reports it: a tree of 150,000 files is scanned in 16 MiB of heap
     * (ScanMemoryTest), where a document held whole would need more than twice that.
     */
    public static Sink json(PrintWriter out, String memproxyVersion, String root, ChainCoverage coverage) throws IOException {
        JsonGenerator g = Json.MAPPER.createGenerator(out);
        g.writeStartObject();
        g.writeNumberField("schema_version", SCHEMA_VERSION);
        g.writeStringField("memproxy_version", memproxyVersion);
        g.writeStringField("root", root);
        g.writeArrayFieldStart("files");
        return new Sink() {
            @Override
            public void file(ScannedFile f) {
                boolean classified = f.isExecutable() || f.kind() == ScannedFile.Kind.DIRECTORY;
                try {
                    Json.MAPPER.writeValue(g, new FileEntry(f.path(), f.machine(), f.kind().label(),
                            classified ? f.primary().label() : null,
                            classified ? f.classes().stream().map(ExecutableClass::label).toList() : null,
                            classified ? f.primary().shouldBeExcluded() : null,
                            f.interpreter().orElse(null), f.allocators(), f.ownMalloc(), f.secureBits(), f.problem()));
                    g.writeRaw('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void end(ScanSummary s) {
                Map<String, Long> classes = new LinkedHashMap<>();
                for (ExecutableClass c : ExecutableClass.values()) {
                    classes.put(c.label(), s.count(c));
                }
                ChainCoverage.InClass c32 = coverage.classes().get(LoaderRules.DEBIAN_12_I386);
                Bits32 bits32 = new Bits32(s.count(ExecutableClass.BITS_32), c32 != null, c32 != null && coverage.preloadFile() && c32.covered(),
                        c32 == null ? "" : c32.shim(), c32 == null ? List.of() : c32.ignored());
                try {
                    g.writeEndArray();
                    g.writeFieldName("summary");
                    Json.MAPPER.writeValue(g, new Totals(s.directories(), s.files(), s.candidates(), s.executableCount(), classes, bits32,
                            s.otherElf(), s.notElf(), s.symlinks(), s.hardLinks(), s.unreadableDirs(),
                            s.capabilities().isEmpty() ? "checked" : s.capabilities(), s.seconds()));
                    g.writeEndObject();
                    g.close();
                    out.println();
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The totals as node_exporter textfile-collector metrics (docs/ps-and-prometheus.md). */
    public static Sink prometheus(PrintWriter out, long unixSeconds) {
        return new Sink() {
            @Override
            public void file(ScannedFile f) {
                // Only totals are metrics.
            }

            @Override
            public void end(ScanSummary s) {
                PrometheusText p = new PrometheusText(out);
                p.gauge("memproxy_scan_executables", "Executables under the scanned directories, by class (memproxy scan).");
                for (ExecutableClass c : ExecutableClass.values()) {
                    p.sample("memproxy_scan_executables", s.count(c), "class", c.label());
                }
                p.gauge("memproxy_scan_exclusions_suggested", "Executables the exclusion list should name (own-malloc, other-allocator).");
                p.sample("memproxy_scan_exclusions_suggested",
                        s.count(ExecutableClass.OWN_MALLOC) + s.count(ExecutableClass.OTHER_ALLOCATOR));
                p.gauge("memproxy_scan_files", "Files with an execute bit that are not executables, by kind.");
                p.sample("memproxy_scan_files", s.otherElf(), "kind", "other-elf");
                p.sample("memproxy_scan_files", s.notElf(), "kind", "not-elf");
                p.gauge("memproxy_scan_unreadable_directories", "Directories the scan could not list.");
                p.sample("memproxy_scan_unreadable_directories", s.unreadableDirs());
                p.gauge("memproxy_scan_duration_seconds", "Wall time of the scan.");
                p.sample("memproxy_scan_duration_seconds", s.seconds());
                p.gauge("memproxy_scan_last_run_timestamp_seconds", "Unix time at which the scan finished.");
                p.sample("memproxy_scan_last_run_timestamp_seconds", unixSeconds);
                out.flush();
            }
        };
    }

    /**
     * A commented memproxy.conf fragment naming the executables the shim should leave alone, with why;
     * the rest of the scan's findings as comments. Names only: the shim matches the executable's file name.
     */
    public static Sink suggestedConfig(PrintWriter out, String memproxyVersion) {
        return new Sink() {
            // name -> the reasons, in walk order; only executables to exclude are kept.
            private final Map<String, List<String>> names = new LinkedHashMap<>();

            @Override
            public void file(ScannedFile f) {
                if (f.isExecutable() && f.classes().stream().anyMatch(ExecutableClass::shouldBeExcluded)) {
                    String name = f.path().substring(f.path().lastIndexOf('/') + 1);
                    String why = f.path() + " " + (f.classes().contains(ExecutableClass.OWN_MALLOC)
                            ? ExecutableClass.OWN_MALLOC.meaning() + " (" + String.join(", ", f.ownMalloc()) + ")"
                            : ExecutableClass.OTHER_ALLOCATOR.meaning() + " (" + String.join(", ", f.allocators()) + ")");
                    names.computeIfAbsent(name, n -> new ArrayList<>()).add(why);
                }
            }

            @Override
            public void end(ScanSummary s) {
                out.println("# memproxy.conf fragment suggested by memproxy scan " + memproxyVersion);
                out.println("# over " + String.join(" ", s.directories()));
                out.println("# One program name per line: the shim leaves these on glibc's malloc (memproxy.conf(5)).");
                for (var e : names.entrySet()) {
                    out.println("#");
                    for (String why : e.getValue()) {
                        out.println("# " + why);
                    }
                    out.println(e.getKey());
                }
                out.println("#");
                if (names.isEmpty()) {
                    out.println("# No executable needs excluding.");
                }
                // 32-bit programs are listed like the others: a $LIB chain routes them.
                out.println(String.format("# Not listed, since preloading has no effect on them: %d static, %d other-libc,"
                                + " %d other-machine executables.", s.count(ExecutableClass.STATIC),
                        s.count(ExecutableClass.OTHER_LIBC), s.count(ExecutableClass.OTHER_MACHINE)));
                out.println(String.format("# Not listed: %d secure-execution programs (the shim decides for them by its"
                        + " secure-execution rule).", s.count(ExecutableClass.SECURE_EXECUTION)));
                long problems = s.count(ExecutableClass.UNREADABLE) + s.count(ExecutableClass.MALFORMED) + s.unreadableDirs();
                if (problems > 0) {
                    out.println("# Not examined: " + problems + " unreadable or malformed files and directories"
                            + " (run memproxy scan without --suggest-config to list them).");
                }
                out.flush();
            }
        };
    }

}
