package io.memproxy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "memproxy",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Inspect ELF files and the dynamic loader's preload chain before routing malloc",
            "through libmemproxy.so. Nothing here runs the programs it examines."
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
            PsCommand.class);

    private final Terminal terminal;

    @Spec
    CommandSpec spec;

    public MemproxyCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    public Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
