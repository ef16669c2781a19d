package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DoctorCommandTest {
    @Test
    void helpDocumentsTheDoctorsExitCodes() {
        CliTest.Run r = CliTest.Run.of("doctor", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("3  the doctor could not inspect"), r.out());
        assertTrue(CliTest.Run.of("check", "--help").out().contains("1  errors found, or any warning with --strict"));
    }

    @Test
    void badFormatIsAUsageError() {
        assertEquals(ExitCodes.USAGE, CliTest.Run.of("doctor", "--format", "yaml").code());
    }

    @Test
    void missingRootCannotBeInspected() {
        CliTest.Run r = CliTest.Run.of("doctor", "--root", "/nonexistent-root");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("memproxy: /nonexistent-root: not a directory (--root)\n", r.err());
    }

    @Test
    void colourIsOffWhenNotATerminal() {
        CliTest.Run r = CliTest.Run.with(new Terminal(false, false), "doctor", "--preload", "", "--config", "/nonexistent/x.conf");
        assertFalse(r.out().contains("\u001b["), r.out());
        CliTest.Run tty = CliTest.Run.with(new Terminal(true, false), "doctor", "--preload", "", "--config", "/nonexistent/x.conf");
        assertTrue(tty.out().contains("\u001b["), tty.out());
        CliTest.Run noColor = CliTest.Run.with(new Terminal(true, true), "doctor", "--preload", "", "--config", "/nonexistent/x.conf");
        assertFalse(noColor.out().contains("\u001b["), noColor.out());
    }

    @Test
    void strictTurnsWarningsIntoExitOne() {
        String chain = ChainScenarioTest.TOP.resolve("shim/build/libmemproxy.so") + ":/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
        String[] base = {"check", "--preload", chain, "--config", "/nonexistent/x.conf", "--exe", "/bin/sh"};
        CliTest.Run r = CliTest.Run.of(base);
        assertEquals(ExitCodes.OK, r.code(), r.out());
        assertTrue(r.out().startsWith("warning config.missing /nonexistent/x.conf: "), r.out());
        assertEquals(1, r.out().lines().count(), r.out());
        String[] strict = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.stream.Stream.of("--strict"))
                .toArray(String[]::new);
        assertEquals(ExitCodes.PROBLEM, CliTest.Run.of(strict).code());
    }

    @Test
    void aTargetThatIsNotElfCannotBeInspected() {
        CliTest.Run r = CliTest.Run.of("doctor", "--exe", "/etc/passwd", "--preload", "");
        assertEquals(ExitCodes.COULD_NOT_RUN, r.code(), r.out() + r.err());
        assertEquals("memproxy: /etc/passwd: invalid ELF header\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void anImageWithoutTheDefaultTargetCannotBeInspected(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) {
        CliTest.Run r = CliTest.Run.of("check", "--root", root.toString());
        assertEquals(ExitCodes.COULD_NOT_RUN, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("memproxy: /bin/sh: "), r.err());
    }
}
