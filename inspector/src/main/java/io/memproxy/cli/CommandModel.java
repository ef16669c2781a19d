package io.memproxy.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * picocli's model of the commands, built without reading an annotation: from the resource that
 * CommandModelWriter writes at build time from the annotated classes (the one source of truth). picocli
 * turns every annotation type it reads into a generated proxy class, which the class-data archive cannot
 * keep; reading them made up most of the time from main to a parsed command line (BENCHMARKS.md).
 * Fields and setter methods are bound by plain reflection, as picocli binds them.
 */
final class CommandModel {
    /** Changes whenever the layout of the resource does. */
    static final int FORMAT = 1;
    static final byte OPTION = 1;
    static final byte POSITIONAL = 2;
    static final byte MIXIN = 3;
    static final byte INJECT_SPEC = 1;
    static final byte INJECT_MIXEE = 2;
    static final byte INJECT_PARENT = 3;
    static final String RESOURCE = "commands.model";

    private record Entry(String className, String name, String[] aliases, byte[] body) {}

    private final List<Entry> commands = new ArrayList<>();
    private final Map<String, Class<?>> classes = new HashMap<>();

    /** Reads the resource after its format number. */
    private CommandModel(DataInputStream in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String className = in.readUTF();
            String name = in.readUTF();
            String[] aliases = readStrings(in);
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            commands.add(new Entry(className, name, aliases, body));
        }
    }

    /**
     * The model the build wrote next to this class, or null when there is none that this build can read
     * (classes compiled without Maven's process-classes phase, as an IDE does): the caller then reads the
     * annotations, which give the same model, only more slowly.
     */
    static CommandModel load() {
        try (InputStream in = CommandModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in));
            return data.readInt() == FORMAT ? new CommandModel(data) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class of the subcommand called {@code name} (or by that alias), or null. */
    Class<?> subcommandNamed(String name) {
        for (Entry e : commands.subList(1, commands.size())) {
            if (e.name().equals(name) || java.util.Arrays.asList(e.aliases()).contains(name)) {
                return type(e.className());
            }
        }
        return null;
    }

    /** The root command's model, bound to {@code root}. */
    CommandSpec root(Object root) {
        return command(commands.get(0), root, null);
    }

    /** The model of subcommand {@code type}, bound to a new instance of it, under the root command {@code parent}. */
    CommandSpec subcommand(Class<?> type, Object parent) {
        for (Entry e : commands) {
            if (e.className().equals(type.getName())) {
                return command(e, newInstance(type), parent);
            }
        }
        throw new IllegalArgumentException(type + " is not in " + RESOURCE);
    }

    private CommandSpec command(Entry e, Object userObject, Object parent) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(e.body()));
            CommandSpec spec = CommandSpec.wrapWithoutInspection(userObject);
            spec.name(e.name());
            spec.aliases(e.aliases());
            spec.helpCommand(in.readBoolean());
            String versionProvider = readString(in);
            if (versionProvider != null) {
                spec.versionProvider((CommandLine.IVersionProvider) newInstance(type(versionProvider)));
            }
            String[] version = readStrings(in);
            if (version != null) {
                spec.version(version);
            }
            readUsage(in, spec.usageMessage());
            readBody(in, spec, userObject, null, parent);
            return spec;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void readBody(DataInputStream in, CommandSpec spec, Object userObject, CommandSpec mixee, Object parent) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            byte kind = in.readByte();
            Field f = (Field) readMember(in);
            set(f, userObject, kind == INJECT_SPEC ? spec : kind == INJECT_MIXEE ? mixee : parent);
        }
        for (int i = in.readInt(); i > 0; i--) {
            byte kind = in.readByte();
            if (kind == MIXIN) {
                String name = in.readUTF();
                Field holder = (Field) readMember(in);
                Class<?> type = type(in.readUTF());
                Object mixin = holder == null ? null : get(holder, userObject);
                if (mixin == null) {
                    mixin = newInstance(type);
                    if (holder != null) {
                        set(holder, userObject, mixin);
                    }
                }
                CommandSpec mixinSpec = CommandSpec.wrapWithoutInspection(mixin);
                readBody(in, mixinSpec, mixin, spec, null);
                spec.addMixin(name, mixinSpec);
            } else if (kind == OPTION) {
                java.lang.reflect.Member member = readMember(in);
                OptionSpec.Builder b = OptionSpec.builder(readStrings(in));
                b.usageHelp(in.readBoolean()).versionHelp(in.readBoolean()).help(in.readBoolean()).order(in.readInt());
                String fallback = readString(in);
                if (fallback != null) {
                    b.fallbackValue(fallback);
                }
                spec.addOption(apply(readArg(in, member, userObject, spec), b).build());
            } else {
                java.lang.reflect.Member member = readMember(in);
                PositionalParamSpec.Builder b = PositionalParamSpec.builder();
                b.index(readRange(in));
                spec.addPositional(apply(readArg(in, member, userObject, spec), b).build());
            }
        }
    }

    /** What every option and positional parameter has (picocli's ArgSpec.Builder is not public: applied to each kind below). */
    private record Arg(CommandLine.Range arity, String paramLabel, boolean hideParamSyntax, String[] description, String descriptionKey,
            boolean required, boolean hidden, String defaultValue, CommandLine.Help.Visibility showDefaultValue, String splitRegex,
            String splitRegexSynopsisLabel, String mapFallbackValue, Class<?> type,
            Class<?>[] auxiliaryTypes, CommandLine.ITypeConverter<?>[] converters, Iterable<String> completionCandidates,
            java.lang.reflect.Member member, IGetter getter, ISetter setter, boolean hasInitialValue, Object initialValue) {}

    private Arg readArg(DataInputStream in, java.lang.reflect.Member member, Object userObject, CommandSpec spec) throws IOException {
        CommandLine.Range arity = readRange(in);
        String paramLabel = readString(in);
        boolean hideParamSyntax = in.readBoolean();
        String[] description = readStrings(in);
        String descriptionKey = readString(in);
        boolean required = in.readBoolean();
        boolean hidden = in.readBoolean();
        String defaultValue = readString(in);
        CommandLine.Help.Visibility showDefaultValue = CommandLine.Help.Visibility.valueOf(in.readUTF());
        String splitRegex = readString(in);
        String splitRegexSynopsisLabel = readString(in);
        String mapFallbackValue = readString(in);
        Class<?> type = type(in.readUTF());
        String[] auxiliary = readStrings(in);
        Class<?>[] auxiliaryTypes = new Class<?>[auxiliary.length];
        for (int i = 0; i < auxiliary.length; i++) {
            auxiliaryTypes[i] = type(auxiliary[i]);
        }
        String[] converterNames = readStrings(in);
        CommandLine.ITypeConverter<?>[] converters = new CommandLine.ITypeConverter<?>[converterNames.length];
        for (int i = 0; i < converterNames.length; i++) {
            converters[i] = (CommandLine.ITypeConverter<?>) newInstance(type(converterNames[i]));
        }
        String candidatesClass = readString(in);
        @SuppressWarnings("unchecked")
        Iterable<String> candidates = candidatesClass == null ? null : (Iterable<String>) newInstance(type(candidatesClass));
        boolean hasInitialValue = in.readBoolean();
        if (member instanceof Field f) {
            FieldBinding binding = new FieldBinding(f, userObject);
            // What picocli does for a field: its value before parsing is what each parse starts from.
            return new Arg(arity, paramLabel, hideParamSyntax, description, descriptionKey, required, hidden, defaultValue,
                    showDefaultValue, splitRegex, splitRegexSynopsisLabel, mapFallbackValue, type, auxiliaryTypes,
                    converters, candidates, member, binding, binding, hasInitialValue, hasInitialValue ? binding.get() : null);
        }
        MethodBinding binding = new MethodBinding((Method) member, userObject, spec);
        return new Arg(arity, paramLabel, hideParamSyntax, description, descriptionKey, required, hidden, defaultValue,
                showDefaultValue, splitRegex, splitRegexSynopsisLabel, mapFallbackValue, type, auxiliaryTypes,
                converters, candidates, member, binding, binding, false, null);
    }

    private static OptionSpec.Builder apply(Arg a, OptionSpec.Builder b) {
        b.arity(a.arity());
        if (a.completionCandidates() != null) {
            b.completionCandidates(a.completionCandidates());
        }
        b.paramLabel(a.paramLabel());
        b.hideParamSyntax(a.hideParamSyntax());
        b.description(a.description());
        b.descriptionKey(a.descriptionKey());
        b.required(a.required());
        b.hidden(a.hidden());
        b.defaultValue(a.defaultValue());
        b.showDefaultValue(a.showDefaultValue());
        b.splitRegex(a.splitRegex());
        b.splitRegexSynopsisLabel(a.splitRegexSynopsisLabel());
        b.mapFallbackValue(a.mapFallbackValue());
        b.type(a.type());
        b.auxiliaryTypes(a.auxiliaryTypes());
        b.converters(a.converters());
        b.userObject(a.member());
        b.getter(a.getter());
        b.setter(a.setter());
        b.hasInitialValue(a.hasInitialValue());
        b.initialValue(a.initialValue());
        return b;
    }

    private static PositionalParamSpec.Builder apply(Arg a, PositionalParamSpec.Builder b) {
        b.arity(a.arity());
        if (a.completionCandidates() != null) {
            b.completionCandidates(a.completionCandidates());
        }
        b.paramLabel(a.paramLabel());
        b.hideParamSyntax(a.hideParamSyntax());
        b.description(a.description());
        b.descriptionKey(a.descriptionKey());
        b.required(a.required());
        b.hidden(a.hidden());
        b.defaultValue(a.defaultValue());
        b.showDefaultValue(a.showDefaultValue());
        b.splitRegex(a.splitRegex());
        b.splitRegexSynopsisLabel(a.splitRegexSynopsisLabel());
        b.mapFallbackValue(a.mapFallbackValue());
        b.type(a.type());
        b.auxiliaryTypes(a.auxiliaryTypes());
        b.converters(a.converters());
        b.userObject(a.member());
        b.getter(a.getter());
        b.setter(a.setter());
        b.hasInitialValue(a.hasInitialValue());
        b.initialValue(a.initialValue());
        return b;
    }

    private static void readUsage(DataInputStream in, UsageMessageSpec u) throws IOException {
        u.hidden(in.readBoolean());
        u.abbreviateSynopsis(in.readBoolean());
        u.sortOptions(in.readBoolean());
        u.sortSynopsis(in.readBoolean());
        u.showDefaultValues(in.readBoolean());
        u.showAtFileInUsageHelp(in.readBoolean());
        u.showEndOfOptionsDelimiterInUsageHelp(in.readBoolean());
        u.header(readStrings(in));
        u.description(readStrings(in));
        u.footer(readStrings(in));
        u.headerHeading(readString(in));
        u.synopsisHeading(readString(in));
        u.synopsisSubcommandLabel(readString(in));
        u.descriptionHeading(readString(in));
        u.parameterListHeading(readString(in));
        u.optionListHeading(readString(in));
        u.commandListHeading(readString(in));
        u.footerHeading(readString(in));
        u.exitCodeListHeading(readString(in));
    }

    private java.lang.reflect.Member readMember(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        if (kind == 0) {
            return null;
        }
        Class<?> owner = type(in.readUTF());
        String name = in.readUTF();
        try {
            if (kind == 1) {
                Field f = owner.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            }
            Method m = owner.getDeclaredMethod(name, type(in.readUTF()));
            m.setAccessible(true);
            return m;
        } catch (NoSuchFieldException | NoSuchMethodException e) {
            throw new IllegalStateException(RESOURCE + " does not match the classes: " + e, e);
        }
    }

    private Class<?> type(String name) {
        return classes.computeIfAbsent(name, n -> switch (n) {
            case "boolean" -> boolean.class;
            case "int" -> int.class;
            case "long" -> long.class;
            case "double" -> double.class;
            case "float" -> float.class;
            case "short" -> short.class;
            case "byte" -> byte.class;
            case "char" -> char.class;
            default -> {
                try {
                    yield Class.forName(n, false, CommandModel.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(RESOURCE + " names a class that is not there: " + n, e);
                }
            }
        });
    }

    private static Object newInstance(Class<?> type) {
        try {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName() + ": " + e, e);
        }
    }

    private static Object get(Field f, Object target) {
        try {
            return f.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Field f, Object target, Object value) {
        try {
            f.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CommandLine.Range readRange(DataInputStream in) throws IOException {
        return new CommandLine.Range(in.readInt(), in.readInt(), in.readBoolean(), in.readBoolean(), readString(in));
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static String[] readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
            s[i] = in.readUTF();
        }
        return s;
    }

    /** An option or parameter held in a field: what picocli's own field binding does. */
    private static final class FieldBinding implements IGetter, ISetter {
        private final Field field;
        private final Object target;

        FieldBinding(Field field, Object target) {
            this.field = field;
            this.target = target;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) CommandModel.get(field, target);
        }

        @Override
        public <T> T set(T value) {
            T old = get();
            CommandModel.set(field, target, value);
            return old;
        }
    }

    /** An option or parameter given to a setter method: what picocli's own method binding does, errors included. */
    private static final class MethodBinding implements IGetter, ISetter {
        private final Method method;
        private final Object target;
        private final CommandSpec spec;
        private Object current;

        MethodBinding(Method method, Object target, CommandSpec spec) {
            this.method = method;
            this.target = target;
            this.spec = spec;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) current;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = (T) current;
            try {
                method.invoke(target, value);
                current = value;
                return old;
            } catch (InvocationTargetException e) {
                if (e.getTargetException() instanceof CommandLine.PicocliException p) {
                    throw p;
                }
                throw failed(value, e.getTargetException());
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw failed(value, e);
            }
        }

        private CommandLine.ParameterException failed(Object value, Throwable t) {
            CommandLine cmd = spec.commandLine() == null ? new CommandLine(spec) : spec.commandLine();
            return new CommandLine.ParameterException(cmd, "Could not invoke " + method + " with " + value + " (" + t + ")", t);
        }
    }
}
