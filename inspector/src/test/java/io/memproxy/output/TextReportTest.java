package io.memproxy.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memproxy.doctor.CheckResult;
import io.memproxy.doctor.Diagnosis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextReportTest {
    static String render(Diagnosis d, boolean colour, boolean quiet) {
        StringWriter w = new StringWriter();
        new TextReport(colour, quiet).write(d, new PrintWriter(w, true));
        return w.toString();
    }

    @Test
    void marksFixesAndSummary() {
        String out = render(JsonReportTest.sample(), false, false);
        assertTrue(out.contains("✗ Preload chain entries"), out);
        assertTrue(out.contains("✗ libc.so is a \"GNU ld script\", not ELF [preload.not-elf]"), out);
        assertTrue(out.contains("fix: remove it"), out);
        assertTrue(out.contains("✓ Exclusion list"), out);
        assertTrue(out.contains("check crashed: IllegalStateException: boom"), out);
        assertTrue(out.strip().endsWith("1 error, 0 warnings, 1 crashed check, 1 check passed"), out);
        assertFalse(out.contains("\u001b["), "no escape sequences without colour");
    }

    @Test
    void colourOnlyWhenAsked() {
        assertTrue(render(JsonReportTest.sample(), true, false).contains("\u001b["));
    }

    @Test
    void quietIsSilentWhenAllIsWell() {
        Diagnosis ok = new Diagnosis("0.1.0", "2.36", "/etc/memproxy.conf", List.of(), List.of(), List.of(),
                List.of(new CheckResult("config", "Exclusion list", List.of(), Optional.empty())));
        assertEquals("", render(ok, false, true));
        assertTrue(render(ok, false, false).contains("✓ Exclusion list"));
    }

    @Test
    void markdownHasTheFindingAndFix() {
        StringWriter w = new StringWriter();
        MarkdownReport.write(JsonReportTest.sample(), new PrintWriter(w, true));
        String md = w.toString();
        assertTrue(md.contains("`preload.not-elf`"), md);
        assertTrue(md.contains("*Fix:* remove it"), md);
        assertTrue(md.contains("| 2 | `libc.so` |"), md);
    }
}
