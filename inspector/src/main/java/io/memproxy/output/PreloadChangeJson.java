package io.memproxy.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memproxy.doctor.Diagnosis;
import io.memproxy.install.Installer;
import io.memproxy.install.PreloadPlan;
import io.memproxy.loader.Root;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * The JSON document of install and uninstall (--format json; docs/json.md): the preload file's
 * change, the pre-install check (install), and what happened: installed, already-installed, would-install,
 * refused, uninstalled, not-installed, would-uninstall.
 */
public final class PreloadChangeJson {
    /** The version of install's and uninstall's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    private PreloadChangeJson() {}

    /** {@code root} is null on the host; the fields after {@code diff} only when there is something to say. */
    record Document(int schemaVersion, String preloadFile, String root, String outcome,
            @JsonInclude(JsonInclude.Include.NON_NULL) String refusal, boolean changes, List<String> oldEntries,
            List<String> newEntries, List<String> kept, List<String> dropped, List<String> diff,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonReport.Document check,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean preloadWritten,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean backupWritten,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean configInstalled,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> leftoversRemoved) implements Json.Document {}

    public static void write(PrintWriter out, Root r, PreloadPlan plan, boolean changes, Optional<Diagnosis> check,
            String outcome, Optional<Installer.Outcome> written, Optional<String> refusal) {
        Json.write(new Document(SCHEMA_VERSION, Installer.PRELOAD, r.isHost() ? null : r.dir().toString(), outcome,
                refusal.orElse(null), changes, plan.oldEntries(), plan.newEntries(), plan.kept(), plan.dropped(), plan.diff(),
                check.map(d -> JsonReport.document(d, Optional.empty())).orElse(null),
                written.map(Installer.Outcome::preloadWritten).orElse(null),
                written.map(Installer.Outcome::backupWritten).orElse(null),
                written.map(Installer.Outcome::configInstalled).orElse(null),
                written.map(o -> o.leftoversRemoved().stream().map(Object::toString).toList()).orElse(null)), out);
    }
}
