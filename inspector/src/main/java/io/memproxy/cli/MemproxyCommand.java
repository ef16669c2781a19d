package io.memproxy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "memproxy",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Inspect ELF files and the dynamic loader's preload chain before routing malloc",
            "through libmemproxy.so. Nothing here runs the programs it examines,",
            "except trial, which runs the command it is given under each route."
        },
        footer = ExitCodes.HELP_FOOTER)
public final class MemproxyCommand implements Runnable {
    /**
     * Every command, in the order help lists them. Register new commands here, not in
     * {@code @Command(subcommands=…)}: CommandLines builds only the one a command line names.
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            picocli.CommandLine.HelpCommand.class,
            ElfCommand.class,
            DoctorCommand.class,
            CheckCommand.class,
            ReportCommand.class,
            LddCommand.class,
            BindCommand.class,
            ScanCommand.class,
            InstallCommand.class,
            UninstallCommand.class,
            ImageAdviceCommand.class,
            PsCommand.class,
            TrialCommand.class);

    private final Terminal terminal;
    private final CallerEnvironment caller;

    @Spec
    CommandSpec spec;

    public MemproxyCommand(Terminal terminal, CallerEnvironment caller) {
        this.terminal = terminal;
        this.caller = caller;
    }

    public Terminal terminal() {
        return terminal;
    }

    /** The loader variables memproxy was started with. */
    public CallerEnvironment caller() {
        return caller;
    }

    /** The caller's environment as seen from a mixin of a command ({@code @Spec(MIXEE)}); none outside a command line. */
    static CallerEnvironment callerOf(CommandSpec mixee) {
        return mixee != null && mixee.parent() != null && mixee.parent().userObject() instanceof MemproxyCommand m
                ? m.caller() : CallerEnvironment.none();
    }

    /** Done by the launcher (bin/memproxy) before java starts; declared here so help, man page and completion show it. */
    @picocli.CommandLine.Option(names = "--build-cds",
            description = "Create the class-data archive that makes start-up fast, next to the jar (the step after a DESTDIR install).")
    boolean buildCds;

    @Override
    public void run() {
        if (buildCds) {
            throw new MemproxyException(ExitCodes.USAGE, "--build-cds is done by the launcher: run it as bin/memproxy --build-cds");
        }
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
