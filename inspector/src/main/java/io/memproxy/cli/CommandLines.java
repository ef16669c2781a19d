package io.memproxy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the picocli command tree around given writers, so tests run commands in-process. */
public final class CommandLines {
    private CommandLines() {}

    public static CommandLine create(PrintWriter out, PrintWriter err, Terminal terminal) {
        CommandLine cl = new CommandLine(new MemproxyCommand(terminal));
        cl.setOut(out);
        cl.setErr(err);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                terminal.colorWanted(false) ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExitCodeExceptionMapper(e -> e instanceof MemproxyException m ? m.exitCode() : ExitCodes.COULD_NOT_RUN);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof MemproxyException m) {
                commandLine.getErr().println("memproxy: " + m.getMessage());
                return m.exitCode();
            }
            commandLine.getErr().println("memproxy: internal error: " + e);
            return ExitCodes.COULD_NOT_RUN;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("memproxy: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return cl;
    }
}
