package io.memproxy.output;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.doctor.Severity;
import java.io.PrintWriter;
import java.util.List;

/** The JSON document of image-advice (README "memproxy image-advice"): the checked chain and its Dockerfile lines. */
public final class ImageAdviceJson {
    /** The version of image-advice's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    private ImageAdviceJson() {}

    /** {@code dockerfile} is empty unless the chain works; {@code findings} are the check's errors and warnings. */
    record Document(int schemaVersion, String image, boolean works, List<String> chain, String shimFrom, List<String> dockerfile,
            List<JsonReport.FindingEntry> findings) implements Json.Document {}

    public static void write(String image, boolean works, List<String> chain, String shimFrom, List<String> dockerfile,
            Diagnosis check, PrintWriter out) {
        Json.write(new Document(SCHEMA_VERSION, image, works, chain, shimFrom, works ? dockerfile : List.of(),
                check.findings().stream().filter(f -> f.severity() != Severity.INFO)
                        .map(f -> JsonReport.FindingEntry.of(f, null)).toList()), out);
    }
}
