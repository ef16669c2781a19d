package io.memproxy.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.doctor.AllocatorBinding;
import io.memproxy.doctor.ChainEntry;
import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Route;
import io.memproxy.doctor.SystemFacts;
import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.shimmodel.ShimRoute;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor's JSON document. The field names are a public interface (README "JSON schema"): add
 * fields freely, but rename or remove one only together with a new {@link #SCHEMA_VERSION}.
 */
public final class JsonReport {
    public static final int SCHEMA_VERSION = 1;

    private JsonReport() {}

    public static void write(Diagnosis d, Writer out) throws IOException {
        write(d, Optional.empty(), out);
    }

    /** The document with a {@code system} object for support reports (memproxy report). */
    public static void write(Diagnosis d, Optional<SystemFacts> system, Writer out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schema_version", SCHEMA_VERSION);
            g.writeStringField("memproxy_version", d.memproxyVersion());
            g.writeStringField("glibc_version", d.glibcVersion());
            g.writeStringField("config", d.config());
            g.writeObjectFieldStart("summary");
            g.writeNumberField("errors", d.count(Severity.ERROR));
            g.writeNumberField("warnings", d.count(Severity.WARNING));
            g.writeNumberField("crashed_checks", d.crashedChecks());
            g.writeNumberField("passed_checks", d.passedChecks());
            g.writeEndObject();
            g.writeArrayFieldStart("chain");
            for (ChainEntry e : d.chain()) {
                g.writeStartObject();
                g.writeStringField("entry", e.entry());
                g.writeStringField("source", e.source());
                g.writeStringField("path", e.path());
                g.writeStringField("role", e.role());
                g.writeStringField("problem", e.problem());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("routes");
            for (Route r : d.routes()) {
                g.writeStartObject();
                g.writeStringField("exe", r.exe());
                g.writeStringField("route", r.route().word());
                g.writeStringField("allocator", r.allocator());
                g.writeStringField("reason", r.reason());
                g.writeStringField("malloc_from", r.mallocFrom());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("bindings");
            for (AllocatorBinding b : d.bindings()) {
                g.writeStartObject();
                g.writeStringField("exe", b.exe());
                g.writeStringField("symbol", b.symbol());
                g.writeStringField("from", b.from());
                g.writeStringField("to", b.to());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("checks");
            for (CheckResult c : d.checks()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("title", c.title());
                g.writeStringField("status", c.status().label());
                if (c.crash().isPresent()) {
                    g.writeStringField("crash", c.crash().get());
                } else {
                    g.writeNullField("crash");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("findings");
            for (CheckResult c : d.checks()) {
                for (Finding f : c.findings()) {
                    finding(g, f, c.name());
                }
            }
            g.writeEndArray();
            if (system.isPresent()) {
                writeSystem(g, system.get());
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeSystem(JsonGenerator g, SystemFacts s) throws IOException {
        g.writeObjectFieldStart("system");
        g.writeStringField("kernel", s.kernel());
        g.writeStringField("distribution", s.distribution());
        g.writeStringField("glibc_version", s.glibcVersion());
        g.writeObjectFieldStart("loader_variables");
        for (String v : SystemFacts.LOADER_VARIABLES) {
            if (s.loaderVariables().containsKey(v)) {
                g.writeStringField(v, s.loaderVariables().get(v));
            }
        }
        g.writeEndObject();
        g.writeArrayFieldStart("objects");
        for (SystemFacts.ObjectFacts o : s.objects()) {
            g.writeStartObject();
            g.writeStringField("entry", o.entry());
            g.writeStringField("path", o.path());
            g.writeStringField("role", o.role());
            g.writeStringField("build_id", o.buildId());
            g.writeStringField("sha256", o.sha256());
            g.writeNumberField("size", o.size());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("config", s.config());
        g.writeEndObject();
    }

    /** Reads a document {@link #write} produced; the inverse that keeps the schema honest. */
    public static Diagnosis read(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        int version = root.path("schema_version").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new IOException("unsupported schema_version " + root.path("schema_version"));
        }
        List<ChainEntry> chain = new ArrayList<>();
        for (JsonNode e : root.path("chain")) {
            chain.add(new ChainEntry(text(e, "entry"), text(e, "source"), text(e, "path"), text(e, "role"), text(e, "problem")));
        }
        List<Route> routes = new ArrayList<>();
        for (JsonNode r : root.path("routes")) {
            String route = text(r, "route");
            routes.add(new Route(text(r, "exe"), ShimRoute.ofWord(route).orElseThrow(() -> new IOException("unknown route '" + route + "'")),
                    text(r, "allocator"), text(r, "reason"), text(r, "malloc_from")));
        }
        List<AllocatorBinding> bindings = new ArrayList<>();
        for (JsonNode b : root.path("bindings")) {
            bindings.add(new AllocatorBinding(text(b, "exe"), text(b, "symbol"), text(b, "from"), text(b, "to")));
        }
        Map<String, List<Finding>> byCheck = new LinkedHashMap<>();
        for (JsonNode f : root.path("findings")) {
            List<String> subjects = new ArrayList<>();
            f.path("subjects").forEach(s -> subjects.add(s.asText()));
            byCheck.computeIfAbsent(text(f, "check"), k -> new ArrayList<>()).add(new Finding(text(f, "id"),
                    Severity.fromLabel(text(f, "severity")), subjects, text(f, "message"), text(f, "fix")));
        }
        List<CheckResult> checks = new ArrayList<>();
        for (JsonNode c : root.path("checks")) {
            JsonNode crash = c.path("crash");
            checks.add(new CheckResult(text(c, "name"), text(c, "title"), byCheck.getOrDefault(text(c, "name"), List.of()),
                    crash.isTextual() ? Optional.of(crash.asText()) : Optional.empty()));
        }
        return new Diagnosis(text(root, "memproxy_version"), text(root, "glibc_version"), text(root, "config"),
                chain, routes, bindings, checks);
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    /** One finding as every JSON document writes it; {@code check} is left out when null. */
    static void finding(JsonGenerator g, Finding f, String check) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", f.id());
        g.writeStringField("severity", f.severity().label());
        if (check != null) {
            g.writeStringField("check", check);
        }
        g.writeArrayFieldStart("subjects");
        for (String s : f.subjects()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeStringField("message", f.message());
        g.writeStringField("fix", f.fix());
        g.writeEndObject();
    }

}
