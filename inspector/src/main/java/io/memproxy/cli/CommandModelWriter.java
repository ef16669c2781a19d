package io.memproxy.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Writes the command model (CommandModel) at build time from picocli's model of the annotated command
 * classes, so that start-up builds the same model without reading an annotation (BENCHMARKS.md: each
 * annotation type becomes a generated proxy class, which the class-data archive cannot keep). The
 * annotations stay the one source of truth; CommandModelTest checks the two models agree.
 * Usage: CommandModelWriter FILE   (run by the Maven build after compiling, before the jar is packed)
 */
public final class CommandModelWriter {
    private CommandModelWriter() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            write(out);
        }
    }

    /** The root command, then every subcommand in help's order. */
    static void write(DataOutputStream out) throws IOException {
        out.writeInt(CommandModel.FORMAT);
        CommandLine annotated = CommandLines.fromAnnotations();
        List<CommandSpec> commands = new ArrayList<>();
        commands.add(annotated.getCommandSpec());
        for (Class<?> c : MemproxyCommand.SUBCOMMANDS) {
            commands.add(annotated.getSubcommands().values().stream()
                    .map(CommandLine::getCommandSpec).filter(s -> s.userObject().getClass() == c).findFirst().orElseThrow());
        }
        out.writeInt(commands.size());
        for (CommandSpec spec : commands) {
            // A header to find a command by (class, name, aliases), then its length, so a reader skips the others.
            out.writeUTF(spec.userObject().getClass().getName());
            out.writeUTF(spec.name());
            writeStrings(out, spec.aliases());
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            DataOutputStream b = new DataOutputStream(body);
            writeCommand(b, spec);
            b.flush();
            out.writeInt(body.size());
            body.writeTo(out);
        }
    }

    private static void writeCommand(DataOutputStream out, CommandSpec spec) throws IOException {
        Class<?> type = spec.userObject().getClass();
        out.writeBoolean(spec.helpCommand());
        writeString(out, spec.versionProvider() == null ? null : spec.versionProvider().getClass().getName());
        writeStrings(out, spec.version());
        refuseUnsupported(spec);
        writeUsage(out, spec.usageMessage());
        writeBody(out, spec, type, false);
    }

    /** The arguments and mixins of a command or a mixin, in the order picocli's model lists them. */
    private static void writeBody(DataOutputStream out, CommandSpec spec, Class<?> type, boolean isMixin) throws IOException {
        writeInjections(out, type, isMixin);
        // A mixin's arguments are added together when the mixin is added: place it where its first one is.
        Map<ArgSpec, String> mixinOf = new IdentityHashMap<>();
        for (Map.Entry<String, CommandSpec> m : spec.mixins().entrySet()) {
            for (ArgSpec a : m.getValue().args()) {
                mixinOf.put(a, m.getKey());
            }
        }
        List<Object> entries = new ArrayList<>();
        for (ArgSpec a : spec.args()) {
            Object entry = mixinOf.containsKey(a) ? mixinOf.get(a) : a;
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        for (String name : spec.mixins().keySet()) {
            if (!entries.contains(name)) {
                entries.add(name);
            }
        }
        out.writeInt(entries.size());
        for (Object e : entries) {
            if (e instanceof String name) {
                CommandSpec mixin = spec.mixins().get(name);
                out.writeByte(CommandModel.MIXIN);
                out.writeUTF(name);
                // The field that holds the mixin; none for picocli's own (mixinStandardHelpOptions).
                CommandLine.Model.IAnnotatedElement element = spec.mixinAnnotatedElements().get(name);
                writeMember(out, element == null ? null : (Member) element.userObject());
                out.writeUTF(mixin.userObject().getClass().getName());
                refuseUnsupported(mixin);
                writeBody(out, mixin, mixin.userObject().getClass(), true);
            } else if (e instanceof OptionSpec o) {
                out.writeByte(CommandModel.OPTION);
                writeMember(out, (Member) o.userObject());
                writeStrings(out, o.names());
                out.writeBoolean(o.usageHelp());
                out.writeBoolean(o.versionHelp());
                out.writeBoolean(o.help());
                out.writeInt(o.order());
                writeString(out, o.fallbackValue());
                if (o.negatable()) {
                    throw new IllegalStateException(o.longestName() + ": negatable options are not in the command model");
                }
                writeArg(out, o);
            } else {
                PositionalParamSpec p = (PositionalParamSpec) e;
                out.writeByte(CommandModel.POSITIONAL);
                writeMember(out, (Member) p.userObject());
                writeRange(out, p.index());
                writeArg(out, p);
            }
        }
    }

    /** What every option and positional parameter has. */
    private static void writeArg(DataOutputStream out, ArgSpec a) throws IOException {
        writeRange(out, a.arity());
        writeString(out, a.paramLabel());
        out.writeBoolean(a.hideParamSyntax());
        writeStrings(out, a.description());
        writeString(out, a.descriptionKey());
        out.writeBoolean(a.required());
        out.writeBoolean(a.hidden());
        writeString(out, a.defaultValue());
        out.writeUTF(a.showDefaultValue().name());
        writeString(out, a.splitRegex());
        writeString(out, a.splitRegexSynopsisLabel());
        writeString(out, a.mapFallbackValue());
        out.writeUTF(a.type().getName());
        writeStrings(out, java.util.Arrays.stream(a.auxiliaryTypes()).map(Class::getName).toArray(String[]::new));
        writeStrings(out, java.util.Arrays.stream(a.converters()).map(c -> c.getClass().getName()).toArray(String[]::new));
        // Declared candidates are an instance of the class the annotation names; a JDK list is picocli's own,
        // the constants of an enum, which it makes again from the type.
        Iterable<String> candidates = a.completionCandidates();
        boolean declared = candidates != null && !candidates.getClass().getName().startsWith("java.");
        writeString(out, declared ? candidates.getClass().getName() : null);
        out.writeBoolean(a.hasInitialValue());
        if (a.interactive() || a.inherited() || a.scopeType() != CommandLine.ScopeType.LOCAL || a.parameterConsumer() != null
                || !a.preprocessor().getClass().getName().equals("picocli.CommandLine$NoOpParameterPreprocessor")) {
            throw new IllegalStateException(a + ": interactive, inherited and inheriting arguments, consumers and preprocessors are not in the command model");
        }
    }

    /** The @Spec and @ParentCommand fields picocli fills in, which the model fills in the same way. */
    private static void writeInjections(DataOutputStream out, Class<?> type, boolean isMixin) throws IOException {
        List<Object[]> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Spec spec = f.getAnnotation(Spec.class);
                if (spec != null) {
                    found.add(new Object[] {spec.value() == Spec.Target.MIXEE ? CommandModel.INJECT_MIXEE : CommandModel.INJECT_SPEC, f});
                }
                if (f.isAnnotationPresent(ParentCommand.class)) {
                    if (isMixin) {
                        throw new IllegalStateException(f + ": @ParentCommand in a mixin is not in the command model");
                    }
                    found.add(new Object[] {CommandModel.INJECT_PARENT, f});
                }
            }
        }
        out.writeInt(found.size());
        for (Object[] i : found) {
            out.writeByte((Byte) i[0]);
            writeMember(out, (Field) i[1]);
        }
    }

    private static void writeUsage(DataOutputStream out, UsageMessageSpec u) throws IOException {
        UsageMessageSpec d = CommandSpec.create().usageMessage();
        java.util.Map<String, Boolean> same = new java.util.LinkedHashMap<>();
        same.put("usageHelpWidth", u.width() == d.width());
        same.put("usageHelpAutoWidth", u.autoWidth() == d.autoWidth());
        same.put("requiredOptionMarker", u.requiredOptionMarker() == d.requiredOptionMarker());
        same.put("exitCodeList", u.exitCodeList().equals(d.exitCodeList()));
        same.put("customSynopsis", u.customSynopsis().length == 0);
        same.put("adjustLineBreaksForWideCJKCharacters", u.adjustLineBreaksForWideCJKCharacters() == d.adjustLineBreaksForWideCJKCharacters());
        same.forEach((setting, isDefault) -> {
            if (!isDefault) {
                throw new IllegalStateException("@Command(" + setting + ") is not carried by the command model");
            }
        });
        out.writeBoolean(u.hidden());
        for (boolean b : new boolean[] {u.abbreviateSynopsis(), u.sortOptions(), u.sortSynopsis(), u.showDefaultValues(),
                u.showAtFileInUsageHelp(), u.showEndOfOptionsDelimiterInUsageHelp()}) {
            out.writeBoolean(b);
        }
        writeStrings(out, u.header());
        writeStrings(out, u.description());
        writeStrings(out, u.footer());
        for (String heading : new String[] {u.headerHeading(), u.synopsisHeading(), u.synopsisSubcommandLabel(), u.descriptionHeading(),
                u.parameterListHeading(), u.optionListHeading(), u.commandListHeading(), u.footerHeading(), u.exitCodeListHeading()}) {
            writeString(out, heading);
        }
    }

    private static void refuseUnsupported(CommandSpec spec) {
        if (!spec.argGroups().isEmpty() || !spec.unmatchedArgsBindings().isEmpty() || spec.defaultValueProvider() != null
                || !spec.preprocessor().getClass().getName().startsWith("picocli.")) {
            throw new IllegalStateException(spec.userObject().getClass() + ": argument groups, @Unmatched, default-value providers"
                    + " and preprocessors are not in the command model");
        }
    }

    private static void writeMember(DataOutputStream out, Member m) throws IOException {
        if (m == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(m instanceof Method ? 2 : 1);
        out.writeUTF(m.getDeclaringClass().getName());
        out.writeUTF(m.getName());
        if (m instanceof Method method) {
            if (method.getParameterCount() != 1) {
                throw new IllegalStateException(method + ": only setter methods are in the command model");
            }
            out.writeUTF(method.getParameterTypes()[0].getName());
        }
    }

    /** A range as picocli holds it, unspecified ones too (their defaults depend on how the argument was declared). */
    private static void writeRange(DataOutputStream out, CommandLine.Range r) throws IOException {
        out.writeInt(r.min());
        out.writeInt(r.max());
        out.writeBoolean(r.isVariable());
        out.writeBoolean(r.isUnspecified());
        writeString(out, r.originalValue());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static void writeStrings(DataOutputStream out, String[] s) throws IOException {
        out.writeInt(s == null ? -1 : s.length);
        if (s != null) {
            for (String x : s) {
                out.writeUTF(x);
            }
        }
    }
}
