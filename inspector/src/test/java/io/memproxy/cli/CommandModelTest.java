package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command model memproxy starts with (CommandModel, written by the build) is picocli's model of the
 * annotated classes: the same help, the same options with the same attributes, and the same values and
 * errors from the same command lines, for every command.
 */
class CommandModelTest {
    private static CommandLine generated() {
        return CommandLines.full();
    }

    private static CommandLine annotated() {
        return CommandLines.fromAnnotations();
    }

    @Test
    void theSameCommandsInTheSameOrder() {
        assertEquals(List.copyOf(annotated().getSubcommands().keySet()), List.copyOf(generated().getSubcommands().keySet()));
        assertEquals(MemproxyCommand.SUBCOMMANDS.size(), generated().getSubcommands().size());
    }

    @Test
    void usageHelpIsByteIdenticalForEveryCommand() {
        for (CommandLine.Help.Ansi ansi : new CommandLine.Help.Ansi[] {CommandLine.Help.Ansi.OFF, CommandLine.Help.Ansi.ON}) {
            CommandLine a = annotated();
            CommandLine g = generated();
            assertEquals(a.getUsageMessage(ansi), g.getUsageMessage(ansi), "memproxy --help");
            for (String name : a.getSubcommands().keySet()) {
                String want = a.getSubcommands().get(name).getUsageMessage(ansi);
                assertEquals(want, g.getSubcommands().get(name).getUsageMessage(ansi), "memproxy " + name + " --help");
                assertTrue(ansi == CommandLine.Help.Ansi.ON || want.contains("Usage: memproxy " + name), want);
            }
        }
    }

    @Test
    void everyCommandOptionAndParameterHasTheSameAttributes() {
        CommandLine a = annotated();
        CommandLine g = generated();
        assertEquals(describe(a.getCommandSpec()), describe(g.getCommandSpec()));
        for (String name : a.getSubcommands().keySet()) {
            String want = describe(a.getSubcommands().get(name).getCommandSpec());
            assertEquals(want, describe(g.getSubcommands().get(name).getCommandSpec()), name);
        }
        // The description is not vacuous: it names what the doctor's --format offers, from its mixin.
        String doctor = describe(g.getSubcommands().get("doctor").getCommandSpec());
        assertTrue(doctor.contains("candidates=[text, json, markdown, prometheus]"), doctor);
        assertTrue(doctor.contains("mixins=[inputs, output, scope, mixinStandardHelpOptions]"), doctor);
    }

    /** What a user can type with each option of each command, and each mistake, gives the same values and errors. */
    @Test
    void sampleCommandLinesGiveTheSameValuesAndErrors() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of("--build-cds"));
        lines.add(List.of("doktor"));
        lines.add(List.of("--bild-cds"));
        lines.add(List.of("help", "doctor"));
        lines.add(List.of("help", "doktor"));
        lines.add(List.of("doctor", "--preload", "/a.so:/b.so", "--exe", "/bin/sh", "/bin/true", "--strict", "--format", "json"));
        lines.add(List.of("bind", "/bin/true", "malloc", "free", "--next", "libc.so.6", "malloc"));
        lines.add(List.of("trial", "--", "/bin/true", "--version"));
        for (Map.Entry<String, CommandLine> c : annotated().getSubcommands().entrySet()) {
            String name = c.getKey();
            List<String> positionals = new ArrayList<>();
            for (PositionalParamSpec p : c.getValue().getCommandSpec().positionalParameters()) {
                for (int i = 0; i < p.arity().min(); i++) {
                    positionals.add("/bin/true");
                }
            }
            for (OptionSpec o : c.getValue().getCommandSpec().options()) {
                String option = o.longestName();
                List<String> values = new ArrayList<>();
                for (int i = 0; i < Math.max(o.arity().min(), o.arity().max() > 0 ? 1 : 0); i++) {
                    values.add(sample(o, i));
                }
                lines.add(line(name, positionals, option, values));
                if (o.arity().min() == 0 && o.arity().max() > 0) {
                    lines.add(line(name, positionals, option, List.of()));
                }
                if (o.arity().min() > 0) {
                    lines.add(line(name, positionals, option, List.of()));
                    lines.add(line(name, positionals, option, List.of("not-a-value")));
                }
                lines.add(line(name, positionals, option.substring(0, option.length() - 1), List.of()));
            }
            lines.add(List.of(name));
            lines.add(line(name, positionals, "--", List.of("-x")));
        }
        int errors = 0;
        for (List<String> line : lines) {
            String want = parse(annotated(), line);
            assertEquals(want, parse(generated(), line), String.join(" ", line));
            errors += want.startsWith("error") ? 1 : 0;
        }
        // Both kinds were met: command lines that parse and command lines that are refused.
        assertTrue(errors > 10 && errors < lines.size() - 10, errors + " errors in " + lines.size() + " lines");
    }

    /** The model of CommandLines for a command line: only the command it names (and the root). */
    @Test
    void aCommandLineBuildsTheCommandItNamesFromTheModel() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = CommandLines.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
                Terminal.none(), "doctor", "--probe-timeout", "0");
        assertEquals(ExitCodes.USAGE, code);
        assertEquals("memproxy: --probe-timeout must be at least 1 second\nTry 'memproxy doctor --help' for more information.\n",
                err.toString());
    }

    private static List<String> line(String command, List<String> positionals, String option, List<String> values) {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(positionals);
        line.add(option);
        line.addAll(values);
        return line;
    }

    /** A value an option accepts: one of its candidates, a number, a path. */
    private static String sample(OptionSpec o, int i) {
        List<String> candidates = new ArrayList<>();
        if (o.completionCandidates() != null) {
            o.completionCandidates().forEach(candidates::add);
        }
        if (!candidates.isEmpty()) {
            return candidates.get(candidates.size() - 1);
        }
        Class<?> t = o.typeInfo().getType();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "7";
        }
        return "/tmp/sample-" + i;
    }

    /** The values a command line leaves in every command object, or the error it gives. */
    private static String parse(CommandLine root, List<String> line) {
        try {
            CommandLine.ParseResult result = root.parseArgs(line.toArray(String[]::new));
            StringBuilder s = new StringBuilder();
            for (CommandLine c : result.asCommandLineList()) {
                s.append(c.getCommandName()).append(": ");
                state(c.getCommand(), root.getCommand(), s, 0);
                s.append('\n');
            }
            return s.toString();
        } catch (CommandLine.ParameterException e) {
            return "error in " + e.getCommandLine().getCommandName() + ": " + e.getMessage()
                    + (e instanceof CommandLine.UnmatchedArgumentException u ? " / " + CommandLines.unmatched(u) : "");
        }
    }

    /** Every field of a command object and its mixins, recursively; injected specs and parents by what they are. */
    private static void state(Object o, Object root, StringBuilder s, int depth) {
        assertTrue(depth < 4, "mixins nest too deep");
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                f.setAccessible(true);
                Object v;
                try {
                    v = f.get(o);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                s.append(c.getSimpleName()).append('.').append(f.getName()).append('=');
                if (v instanceof CommandSpec spec) {
                    s.append("spec of ").append(spec.userObject() == o ? "this" : spec.userObject().getClass().getSimpleName());
                } else if (v instanceof MemproxyCommand) {
                    s.append(v == root ? "the root command" : "another root command");
                } else if (v != null && v.getClass().getPackageName().equals("io.memproxy.cli") && !v.getClass().isEnum()
                        && !(v instanceof Terminal) && !(v instanceof CallerEnvironment)) {
                    s.append('{');
                    state(v, root, s, depth + 1);
                    s.append('}');
                } else if (v instanceof Object[] array) {
                    s.append(Arrays.deepToString(array));
                } else {
                    s.append(v instanceof Terminal || v instanceof CallerEnvironment ? v.getClass().getSimpleName() : String.valueOf(v));
                }
                s.append("; ");
            }
        }
    }

    /** Everything picocli's model says about a command, its mixins and its arguments, as text to compare. */
    private static String describe(CommandSpec c) {
        StringBuilder s = new StringBuilder();
        UsageMessageSpec u = c.usageMessage();
        s.append("command ").append(c.name()).append(" aliases=").append(Arrays.toString(c.aliases()))
                .append(" qualified=").append(c.qualifiedName()).append(" helpCommand=").append(c.helpCommand())
                .append(" standardHelp=").append(c.mixinStandardHelpOptions())
                .append(" versionProvider=").append(c.versionProvider() == null ? null : c.versionProvider().getClass().getName())
                .append(" version=").append(Arrays.toString(c.version()))
                .append(" mixins=").append(c.mixins().keySet())
                .append(" exitCodes=").append(c.exitCodeOnSuccess()).append(c.exitCodeOnUsageHelp()).append(c.exitCodeOnVersionHelp())
                .append(c.exitCodeOnInvalidInput()).append(c.exitCodeOnExecutionException())
                .append("\n usage: hidden=").append(u.hidden()).append(" header=").append(Arrays.toString(u.header()))
                .append(" description=").append(Arrays.toString(u.description())).append(" footer=").append(Arrays.toString(u.footer()))
                .append(" headings=").append(List.of(u.headerHeading(), u.synopsisHeading(), u.synopsisSubcommandLabel(),
                        u.descriptionHeading(), u.parameterListHeading(), u.optionListHeading(), u.commandListHeading(),
                        u.footerHeading(), u.exitCodeListHeading()))
                .append(" sort=").append(u.sortOptions()).append(u.sortSynopsis()).append(" abbreviate=").append(u.abbreviateSynopsis())
                .append(" showDefaults=").append(u.showDefaultValues()).append(" width=").append(u.width())
                .append(" exitCodeList=").append(u.exitCodeList()).append('\n');
        for (Map.Entry<String, CommandSpec> m : c.mixins().entrySet()) {
            s.append(" mixin ").append(m.getKey()).append(": ").append(m.getValue().userObject().getClass().getName())
                    .append(m.getValue().args().stream().map(CommandModelTest::label).toList()).append('\n');
        }
        s.append(" parser: separator=").append(c.parser().separator()).append(" clustered=").append(c.parser().posixClusteredShortOptionsAllowed())
                .append(" unmatchedAllowed=").append(c.parser().unmatchedArgumentsAllowed()).append('\n');
        for (ArgSpec a : c.args()) {
            s.append(' ').append(label(a));
            if (a instanceof OptionSpec o) {
                s.append(" usageHelp=").append(o.usageHelp()).append(" versionHelp=").append(o.versionHelp()).append(" help=")
                        .append(o.help()).append(" order=").append(o.order()).append(" fallback=").append(o.fallbackValue())
                        .append(" negatable=").append(o.negatable());
            } else {
                PositionalParamSpec p = (PositionalParamSpec) a;
                s.append(" index=").append(p.index()).append(p.index().isUnspecified() ? "(unspecified)" : "");
            }
            List<String> candidates = new ArrayList<>();
            if (a.completionCandidates() != null) {
                a.completionCandidates().forEach(candidates::add);
            }
            s.append(" arity=").append(a.arity()).append(a.arity().isUnspecified() ? "(unspecified)" : "")
                    .append(" type=").append(a.type().getName()).append(" auxiliary=").append(Arrays.toString(a.auxiliaryTypes()))
                    .append(" multiValue=").append(a.isMultiValue()).append(" collection=").append(a.typeInfo().isCollection())
                    .append(" paramLabel=").append(a.paramLabel()).append(" hideParamSyntax=").append(a.hideParamSyntax())
                    .append(" description=").append(Arrays.toString(a.description())).append(" descriptionKey=").append(a.descriptionKey())
                    .append(" rendered=").append(Arrays.toString(a.renderedDescription()))
                    .append(" default=").append(a.defaultValue()).append(" defaultString=").append(a.defaultValueString())
                    .append(" showDefault=").append(a.showDefaultValue()).append(" required=").append(a.required())
                    .append(" hidden=").append(a.hidden()).append(" candidates=").append(candidates)
                    .append(" scope=").append(a.scopeType()).append(" inherited=").append(a.inherited())
                    .append(" split=").append(a.splitRegex()).append('/').append(a.splitRegexSynopsisLabel())
                    .append(" mapFallback=").append(a.mapFallbackValue()).append(" interactive=").append(a.interactive())
                    .append(" converters=").append(Arrays.stream(a.converters()).map(x -> x.getClass().getName()).toList())
                    .append(" initial=").append(a.hasInitialValue()).append('/').append(a.initialValue())
                    .append(" member=").append(a.userObject()).append('\n');
        }
        return s.toString();
    }

    private static String label(ArgSpec a) {
        return a instanceof OptionSpec o ? "option " + Arrays.toString(o.names()) : "parameter " + a.paramLabel();
    }

    @Test
    void theModelIsWrittenFromTheAnnotationsAndCarriesEveryCommand() {
        CommandModel model = CommandModel.load();
        for (Class<?> c : MemproxyCommand.SUBCOMMANDS) {
            CommandSpec spec = model.subcommand(c, new MemproxyCommand(Terminal.none(), CallerEnvironment.none()));
            assertEquals(c, spec.userObject().getClass());
            assertFalse(spec.name().isEmpty());
            assertEquals(c, model.subcommandNamed(spec.name()));
        }
    }
}
