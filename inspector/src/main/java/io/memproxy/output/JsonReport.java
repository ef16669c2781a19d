package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.memproxy.doctor.AllocatorBinding;
import io.memproxy.doctor.ChainEntry;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Finding;
import io.memproxy.doctor.Route;
import io.memproxy.finding.Severity;
import io.memproxy.doctor.SystemFacts;
import io.memproxy.shimmodel.ShimRoute;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor's JSON document, of doctor, check and report (docs/json.md), and the finding object
 * every document shares. Add fields freely; rename or remove one only with a new {@link #SCHEMA_VERSION}.
 */
public final class JsonReport {
    public static final int SCHEMA_VERSION = 1;

    private JsonReport() {}

    /** The document; {@code system} only in support reports (memproxy report). */
    record Document(int schemaVersion, String memproxyVersion, String glibcVersion, String config, Totals summary,
            List<LinkEntry> chain, List<RouteEntry> routes, List<BindingEntry> bindings, List<CheckEntry> checks,
            List<FindingEntry> findings, @JsonInclude(JsonInclude.Include.NON_NULL) SystemEntry system) implements Json.Document {}

    record LinkEntry(String entry, String source, String path, String role, String problem) {}

    record Totals(long errors, long warnings, long crashedChecks, long passedChecks) {}

    record RouteEntry(String exe, String route, String allocator, String reason, String mallocFrom) {}

    record BindingEntry(String exe, String symbol, String from, String to) {}

    record CheckEntry(String name, String title, String status, String crash) {}

    /** A finding as every document writes it; {@code check} is left out where findings are not per check. */
    public record FindingEntry(String id, String severity, @JsonInclude(JsonInclude.Include.NON_NULL) String check,
            List<String> subjects, String message, String fix) {
        public static FindingEntry of(Finding f, String check) {
            return new FindingEntry(f.id(), f.severity().label(), check, f.subjects(), f.message(), f.fix());
        }
    }

    /** Keys of {@code loader_variables} are the variables' names. */
    record SystemEntry(String kernel, String distribution, String glibcVersion, Map<String, String> loaderVariables,
            List<ObjectEntry> objects, String config) {}

    record ObjectEntry(String entry, String path, String role, String buildId, String sha256, long size) {}

    public static void write(Diagnosis d, Writer out) throws IOException {
        write(d, Optional.empty(), out);
    }

    /** The document with a {@code system} object for support reports (memproxy report). */
    public static void write(Diagnosis d, Optional<SystemFacts> system, Writer out) throws IOException {
        Json.write(document(d, system), out);
    }

    static Document document(Diagnosis d, Optional<SystemFacts> system) {
        List<FindingEntry> findings = new ArrayList<>();
        for (CheckResult c : d.checks()) {
            c.findings().forEach(f -> findings.add(FindingEntry.of(f, c.name())));
        }
        return new Document(SCHEMA_VERSION, d.memproxyVersion(), d.glibcVersion(), d.config(),
                new Totals(d.count(Severity.ERROR), d.count(Severity.WARNING), d.crashedChecks(), d.passedChecks()),
                d.chain().stream().map(e -> new LinkEntry(e.entry(), e.source(), e.path(), e.role(), e.problem())).toList(),
                d.routes().stream().map(r -> new RouteEntry(r.exe(), r.route().word(), r.allocator(), r.reason(), r.mallocFrom())).toList(),
                d.bindings().stream().map(b -> new BindingEntry(b.exe(), b.symbol(), b.from(), b.to())).toList(),
                d.checks().stream().map(c -> new CheckEntry(c.name(), c.title(), c.status().label(), c.crash().orElse(null))).toList(),
                findings, system.map(JsonReport::system).orElse(null));
    }

    private static SystemEntry system(SystemFacts s) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String v : SystemFacts.LOADER_VARIABLES) {
            if (s.loaderVariables().containsKey(v)) {
                variables.put(v, s.loaderVariables().get(v));
            }
        }
        return new SystemEntry(s.kernel(), s.distribution(), s.glibcVersion(), variables, s.objects().stream()
                .map(o -> new ObjectEntry(o.entry(), o.path(), o.role(), o.buildId(), o.sha256(), o.size())).toList(), s.config());
    }

    /** Reads a document {@link #write} produced; the inverse that keeps the schema honest. */
    public static Diagnosis read(String json) throws IOException {
        JsonNode root = Json.MAPPER.readTree(json);
        int version = root.path("schema_version").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new IOException("unsupported schema_version " + root.path("schema_version"));
        }
        Document doc = Json.MAPPER.treeToValue(root, Document.class);
        Map<String, List<Finding>> byCheck = new LinkedHashMap<>();
        for (FindingEntry f : doc.findings()) {
            byCheck.computeIfAbsent(f.check(), k -> new ArrayList<>())
                    .add(new Finding(f.id(), Severity.fromLabel(f.severity()), f.subjects(), f.message(), f.fix()));
        }
        List<Route> routes = new ArrayList<>();
        for (RouteEntry r : doc.routes()) {
            ShimRoute route = ShimRoute.ofWord(r.route()).orElseThrow(() -> new IOException("unknown route '" + r.route() + "'"));
            routes.add(new Route(r.exe(), route, r.allocator(), r.reason(), r.mallocFrom()));
        }
        return new Diagnosis(doc.memproxyVersion(), doc.glibcVersion(), doc.config(),
                doc.chain().stream().map(e -> new ChainEntry(e.entry(), e.source(), e.path(), e.role(), e.problem())).toList(),
                routes,
                doc.bindings().stream().map(b -> new AllocatorBinding(b.exe(), b.symbol(), b.from(), b.to())).toList(),
                doc.checks().stream().map(c -> new CheckResult(c.name(), c.title(), byCheck.getOrDefault(c.name(), List.of()),
                        Optional.ofNullable(c.crash()))).toList());
    }
}
