package io.memproxy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the picocli command tree around given writers, so tests run commands in-process. */
public final class CommandLines {
    private CommandLines() {}

    /** Parses and runs one command line without loader variables from the environment; the exit code is the command's. */
    public static int execute(PrintWriter out, PrintWriter err, Terminal terminal, String... args) {
        return execute(out, err, terminal, CallerEnvironment.none(), args);
    }

    /** Parses and runs one command line in which {@code caller} gives the loader variables of the environment. */
    public static int execute(PrintWriter out, PrintWriter err, Terminal terminal, CallerEnvironment caller, String... args) {
        try {
            return create(out, err, terminal, caller, args).execute(args);
        } catch (OutOfMemoryError e) {
            // Every input is bounded; this is the backstop, one line and "could not run", never a trace.
            out.flush();
            err.println("memproxy: out of memory (the Java heap is set with MEMPROXY_JAVA_OPTS=-Xmx...)");
            return ExitCodes.COULD_NOT_RUN;
        } catch (StackOverflowError e) {
            err.println("memproxy: internal error: " + e);
            return ExitCodes.COULD_NOT_RUN;
        }
    }

    /** The whole command tree, as {@code memproxy --help} builds it. */
    static CommandLine full() {
        return create(new PrintWriter(System.out, true), new PrintWriter(System.err, true), Terminal.none(), CallerEnvironment.none(), "--help");
    }

    /**
     * The whole command tree as picocli reads it from the annotations: the source the build writes the
     * command model from (CommandModelWriter), and the tree completion and man pages are generated from.
     * Never on the path of a command.
     */
    static CommandLine fromAnnotations() {
        return fromAnnotations(new PrintWriter(System.out, true), new PrintWriter(System.err, true), Terminal.none(), CallerEnvironment.none());
    }

    private static CommandLine fromAnnotations(PrintWriter out, PrintWriter err, Terminal terminal, CallerEnvironment caller) {
        CommandLine cl = new CommandLine(new MemproxyCommand(terminal, caller));
        for (Class<?> command : MemproxyCommand.SUBCOMMANDS) {
            cl.addSubcommand(command);
        }
        return configure(cl, out, err, terminal);
    }

    /**
     * The command tree for {@code args}, from the command model the build wrote from the annotations
     * (CommandModel): reading annotations at run time dominated start-up (BENCHMARKS.md); without that
     * model (classes compiled outside Maven) the annotations are read instead. When the first
     * argument names a command only that one is built; help, errors and everything else get the whole tree.
     */
    private static CommandLine create(PrintWriter out, PrintWriter err, Terminal terminal, CallerEnvironment caller, String... args) {
        CommandModel model = CommandModel.load();
        if (model == null) {
            return fromAnnotations(out, err, terminal, caller);
        }
        MemproxyCommand root = new MemproxyCommand(terminal, caller);
        CommandLine cl = new CommandLine(model.root(root));
        String first = args.length > 0 ? args[0] : "";
        boolean versionOnly = first.equals("--version") || first.equals("-V");
        Class<?> only = first.equals("help") ? null : model.subcommandNamed(first);
        for (Class<?> command : MemproxyCommand.SUBCOMMANDS) {
            if (!versionOnly && (only == null || only == command)) {
                cl.addSubcommand(new CommandLine(model.subcommand(command, root)));
            }
        }
        return configure(cl, out, err, terminal);
    }

    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err, Terminal terminal) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                terminal.colorWanted(false) ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        Handlers handlers = new Handlers();
        cl.setExitCodeExceptionMapper(handlers);
        cl.setExecutionExceptionHandler(handlers);
        cl.setParameterExceptionHandler(handlers);
        return cl;
    }

    /**
     * Exit codes and messages for failures: one line naming the cause, never a stack trace. A class, not
     * lambdas: picocli's handler interfaces are Java 5 class files, which the class-data archive leaves out
     * (with picocli's classes that use them) once a lambda for them is made while it is written; as a class,
     * all of them are mapped from the archive at start-up (BENCHMARKS.md).
     */
    private static final class Handlers implements CommandLine.IExitCodeExceptionMapper, CommandLine.IExecutionExceptionHandler,
            CommandLine.IParameterExceptionHandler {
        @Override
        public int getExitCode(Throwable e) {
            return e instanceof MemproxyException m ? m.exitCode() : ExitCodes.COULD_NOT_RUN;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            if (e instanceof MemproxyException m) {
                commandLine.getErr().println("memproxy: " + m.getMessage());
                return m.exitCode();
            }
            // An input that could not be read is exit 3 like any failure to inspect, named with its cause;
            // 1 stays "problems found" (for check: unhealthy). Never a stack trace.
            if (e instanceof java.io.IOException ioe) {
                commandLine.getErr().println("memproxy: " + io.memproxy.loader.Root.message(ioe));
                return ExitCodes.COULD_NOT_RUN;
            }
            if (e instanceof java.io.UncheckedIOException ioe) {
                commandLine.getErr().println("memproxy: " + io.memproxy.loader.Root.message(ioe.getCause()));
                return ExitCodes.COULD_NOT_RUN;
            }
            commandLine.getErr().println("memproxy: internal error: " + e);
            return ExitCodes.COULD_NOT_RUN;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine c = e.getCommandLine();
            c.getErr().println("memproxy: " + (e instanceof CommandLine.UnmatchedArgumentException u ? unmatched(u) : helpTopic(e)));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        }
    }

    /**
     * "unknown command 'doktor'; did you mean 'doctor'?" or "unknown option '--jsn'; did you mean '--json'?":
     * the first word picocli could not place, with the names it may have meant.
     */
    static String unmatched(CommandLine.UnmatchedArgumentException e) {
        CommandLine c = e.getCommandLine();
        String arg = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
        java.util.List<String> names;
        String what;
        if (arg.startsWith("-") && arg.length() > 1) {
            int eq = arg.indexOf('=');
            arg = eq > 0 ? arg.substring(0, eq) : arg;
            what = "unknown option";
            names = Suggestions.closest(arg, c.getCommandSpec().optionsMap().keySet(), 3);
        } else if (!c.getSubcommands().isEmpty()) {
            what = "unknown command";
            names = Suggestions.closest(arg, c.getSubcommands().keySet(), 3);
        } else {
            return "unexpected argument '" + arg + "'";
        }
        return what + " '" + arg + "'" + Suggestions.didYouMean(names);
    }

    /** picocli's help command: "Unknown subcommand 'doktor'." becomes the same words as an unknown command. */
    private static String helpTopic(CommandLine.ParameterException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Unknown subcommand '(.*)'\\.").matcher(e.getMessage());
        if (!m.matches()) {
            return e.getMessage();
        }
        CommandLine c = e.getCommandLine();
        CommandLine owner = c.getSubcommands().isEmpty() && c.getParent() != null ? c.getParent() : c;
        return "unknown command '" + m.group(1) + "'"
                + Suggestions.didYouMean(Suggestions.closest(m.group(1), owner.getSubcommands().keySet(), 3));
    }
}
