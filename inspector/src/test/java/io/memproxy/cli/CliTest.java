package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CliTest {
    /** Runs the CLI in-process; the same helper every command test uses. */
    public record Run(int code, String out, String err) {
        public static Run of(String... args) {
            return with(Terminal.none(), args);
        }

        public static Run with(Terminal terminal, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = CommandLines.execute(new PrintWriter(out, true), new PrintWriter(err, true), terminal, args);
            return new Run(code, out.toString(), err.toString());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = Run.of();
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("a command is required"), r.err());
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutStackTrace() {
        Run r = Run.of("--bogus");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("memproxy: "), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }

    @Test
    void versionIsPrinted() {
        Run r = Run.of("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("memproxy "), r.out());
    }

    @Test
    void helpListsExitCodes() {
        Run r = Run.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes:"), r.out());
    }

    @Test
    void helpListsEveryCommandAndHelpCommandReachesThem() {
        Run r = Run.of("--help");
        for (Class<?> command : MemproxyCommand.SUBCOMMANDS) {
            String name = command.getAnnotation(picocli.CommandLine.Command.class).name();
            assertTrue(r.out().contains("  " + name), name + " missing from:\n" + r.out());
        }
        Run help = Run.of("help", "elf");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Usage: memproxy elf"), help.out());
    }

    @Test
    void aNamedCommandRunsWithOnlyItselfBuilt() {
        Run r = Run.of("elf", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: memproxy elf"), r.out());
    }

    @Test
    void colourFollowsTerminalAndNoColor() {
        assertTrue(new Terminal(true, false).colorWanted(false));
        assertTrue(!new Terminal(true, true).colorWanted(false));
        assertTrue(!new Terminal(true, false).colorWanted(true));
        assertTrue(!new Terminal(false, false).colorWanted(false));
    }
}
