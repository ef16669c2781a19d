package io.memproxy.output;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.finding.Severity;
import java.io.PrintWriter;
import java.util.List;

/** The outputs of image-advice: the Dockerfile lines with their heading, the check's problems, or JSON (docs/install.md; JSON in docs/json.md). */
public final class ImageAdviceReports {
    /** The version of image-advice's JSON document. */
    public static final int SCHEMA_VERSION = 1;

    private ImageAdviceReports() {}

    /** {@code dockerfile} is empty unless the chain works; {@code findings} are the check's errors and warnings. */
    record Document(int schemaVersion, String image, boolean works, List<String> chain, String shimFrom, List<String> dockerfile,
            List<JsonReport.FindingEntry> findings) implements Json.Document {}

    public static void json(String image, boolean works, List<String> chain, String shimFrom, List<String> dockerfile,
            Diagnosis check, PrintWriter out) {
        Json.write(new Document(SCHEMA_VERSION, image, works, chain, shimFrom, works ? dockerfile : List.of(),
                check.findings().stream().filter(f -> f.severity() != Severity.INFO)
                        .map(f -> JsonReport.FindingEntry.of(f, null)).toList()), out);
    }

    /** The Dockerfile lines, after comments that say what they do and where the shim comes from. */
    public static void text(String image, String allocator, String shimFrom, List<String> dockerfile, PrintWriter out) {
        out.println("# memproxy: route malloc through " + allocator.substring(allocator.lastIndexOf('/') + 1) + " in this image;"
                + " checked by memproxy image-advice against " + image);
        out.println("# libmemproxy.so comes from this machine (" + shimFrom + "): copy it into the build context first.");
        dockerfile.forEach(out::println);
        out.flush();
    }

    /** No advice: the check's problems, as comments. */
    public static void problems(String image, long errors, Diagnosis check, PrintWriter out) {
        out.println("# the check found " + errors + " error(s) with the chain in " + image + ":");
        java.io.StringWriter problems = new java.io.StringWriter();
        PrintWriter w = new PrintWriter(problems);
        ProblemLines.write(check, w);
        w.flush();
        problems.toString().lines().forEach(l -> out.println("#   " + l));
        out.flush();
    }
}
