package io.memproxy.doctor;

import io.memproxy.finding.Finding;
import java.util.List;

/** One group of related questions about a proposed set-up, answered from files alone. */
public interface Check {
    /** A short stable name, the first part of its findings' ids ("chain", "config", …). */
    String name();

    /** What the check looks at, for people. */
    String title();

    List<Finding> run(Inspection inspection) throws Exception;
}
