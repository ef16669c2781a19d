package io.memproxy.unit;

import io.memproxy.loader.Root;
import io.memproxy.loader.Shebang;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a service's [Service] section means for the process it starts: the program of its first
 * {@code ExecStart=}, and the environment built as the manager builds it (systemd.exec(5), "Environment"):
 * {@code Environment=} in order, then each {@code EnvironmentFile=} (which overrides it), then
 * {@code UnsetEnvironment=}.
 */
public final class Service {
    static final String S = "Service";
    /** Where the manager looks for a program named without a path (systemd.service(5), "Command lines"). */
    public static final String EXEC_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** A variable's value and where it was set ("FILE:LINE" of the assignment, or the environment file). */
    public record Variable(String value, String origin) {}

    /** An assignment that systemd ignores, with why. */
    public record Ignored(String where, String why) {}

    private final SystemdUnit unit;
    private final Map<String, Variable> environment = new LinkedHashMap<>();
    private final List<Variable> preloadSettings = new ArrayList<>();
    private final List<Ignored> ignored = new ArrayList<>();
    private final List<String> missingEnvironmentFiles = new ArrayList<>();
    private Optional<String> unsetPreload = Optional.empty();
    private Optional<String> program = Optional.empty();
    private Optional<String> script = Optional.empty();
    private Optional<UnitSyntax.Assignment> execStart = Optional.empty();
    private String programProblem = "";

    private Service(SystemdUnit unit) {
        this.unit = unit;
    }

    /**
     * Reads the service's environment and program. Environment files are read from {@code root} (the manager
     * reads them before entering RootDirectory=); the program is looked up in {@code programRoot}.
     */
    public static Service of(SystemdUnit unit, Root root, Root programRoot) {
        Service s = new Service(unit);
        s.environment(root);
        s.program(programRoot);
        return s;
    }

    private void environment(Root root) {
        for (UnitSyntax.Assignment a : unit.list(S, "Environment")) {
            for (String word : words(a)) {
                int eq = word.indexOf('=');
                if (eq <= 0 || !EnvironmentFile.validName(word.substring(0, eq))) {
                    ignored.add(new Ignored(a.where(), "'" + word + "' is not a valid NAME=VALUE assignment"));
                    continue;
                }
                set(word.substring(0, eq), word.substring(eq + 1), a.where());
            }
        }
        for (UnitSyntax.Assignment a : unit.list(S, "EnvironmentFile")) {
            String v = expand(a, a.value());
            if (v == null) {
                continue;
            }
            boolean optional = v.startsWith("-");
            String path = optional ? v.substring(1) : v;
            if (!path.startsWith("/")) {
                ignored.add(new Ignored(a.where(), "EnvironmentFile= path '" + path + "' is not absolute"));
                continue;
            }
            if (!root.exists(path)) {
                if (!optional) {
                    missingEnvironmentFiles.add(path + " (" + a.where() + ") does not exist");
                }
                continue;
            }
            String text;
            try {
                text = SystemdUnit.read(root, path);
            } catch (SystemdUnit.UnitException e) {
                if (!optional) {
                    missingEnvironmentFiles.add(e.getMessage() + " (" + a.where() + ")");
                }
                continue;
            }
            EnvironmentFile.parse(text).forEach((k, val) -> set(k, val, path));
        }
        for (UnitSyntax.Assignment a : unit.list(S, "UnsetEnvironment")) {
            for (String word : words(a)) {
                int eq = word.indexOf('=');
                String name = eq < 0 ? word : word.substring(0, eq);
                Variable cur = environment.get(name);
                if (cur != null && (eq < 0 || cur.value().equals(word.substring(eq + 1)))) {
                    environment.remove(name);
                    if (name.equals("LD_PRELOAD")) {
                        unsetPreload = Optional.of(a.where());
                    }
                } else if (name.equals("LD_PRELOAD") && eq < 0) {
                    unsetPreload = Optional.of(a.where());
                }
            }
        }
    }

    private void set(String name, String value, String origin) {
        Variable v = new Variable(value, origin);
        environment.remove(name);
        environment.put(name, v);
        if (name.equals("LD_PRELOAD")) {
            preloadSettings.add(v);
        }
    }

    private List<String> words(UnitSyntax.Assignment a) {
        List<String> raw;
        try {
            raw = Words.split(a.value());
        } catch (IllegalArgumentException e) {
            ignored.add(new Ignored(a.where(), e.getMessage()));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String w : raw) {
            String x = expand(a, w);
            if (x == null) {
                return List.of();
            }
            out.add(x);
        }
        return out;
    }

    /** The value with specifiers expanded; null (and the assignment ignored, as systemd does) when one is unknown. */
    private String expand(UnitSyntax.Assignment a, String value) {
        try {
            return Specifiers.expand(value, unit.name(), unit.fragment());
        } catch (IllegalArgumentException e) {
            ignored.add(new Ignored(a.where(), e.getMessage()));
            return null;
        }
    }

    private void program(Root programRoot) {
        List<UnitSyntax.Assignment> exec = unit.list(S, "ExecStart");
        if (exec.isEmpty()) {
            programProblem = "has no ExecStart=";
            return;
        }
        UnitSyntax.Assignment a = exec.get(0);
        execStart = Optional.of(a);
        String v = a.value();
        // Prefixes: @ (argv[0] follows), - (failure ignored), : (no variable expansion), + ! !! (privileges).
        int i = 0;
        while (i < v.length() && "@-:+!".indexOf(v.charAt(i)) >= 0) {
            i++;
        }
        List<String> words;
        try {
            words = Words.split(v.substring(i));
        } catch (IllegalArgumentException e) {
            programProblem = "ExecStart= (" + a.where() + "): " + e.getMessage();
            return;
        }
        if (words.isEmpty()) {
            programProblem = "ExecStart= (" + a.where() + ") names no program";
            return;
        }
        String cmd;
        try {
            cmd = Specifiers.expand(words.get(0), unit.name(), unit.fragment());
        } catch (IllegalArgumentException e) {
            programProblem = "ExecStart= (" + a.where() + "): " + e.getMessage();
            return;
        }
        if (cmd.startsWith("/")) {
            if (!executable(programRoot, cmd)) {
                programProblem = "ExecStart= (" + a.where() + ") names " + cmd + ", which is not an executable file";
                return;
            }
            found(programRoot, cmd);
            return;
        }
        if (cmd.contains("/")) {
            programProblem = "ExecStart= (" + a.where() + ") names " + cmd + ": a relative path, which systemd rejects";
            return;
        }
        String path = unit.last(S, "ExecSearchPath").map(UnitSyntax.Assignment::value).orElse(EXEC_PATH);
        for (String dir : path.split(":")) {
            if (dir.startsWith("/") && executable(programRoot, dir + "/" + cmd)) {
                found(programRoot, dir + "/" + cmd);
                return;
            }
        }
        programProblem = "ExecStart= (" + a.where() + ") names " + cmd + ", which is not in " + path;
    }

    /** A script's interpreter is the program ld.so starts; env's NAME is searched on the service's PATH. */
    private void found(Root programRoot, String path) {
        Optional<String> interpreter = Shebang.interpreter(programRoot, path, name -> {
            for (String dir : variable("PATH").orElse(EXEC_PATH).split(":")) {
                if (dir.startsWith("/") && executable(programRoot, dir + "/" + name)) {
                    return Optional.of(dir + "/" + name);
                }
            }
            return Optional.empty();
        });
        program = Optional.of(interpreter.orElse(path));
        script = interpreter.map(i -> path);
    }

    private static boolean executable(Root root, String path) {
        return root.stat(path).map(st -> st.isRegularFile()).orElse(false) && Files.isExecutable(root.file(path));
    }

    public SystemdUnit unit() {
        return unit;
    }

    /** The environment the program starts with (as far as the unit sets it). */
    public Map<String, Variable> environment() {
        return environment;
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name)).map(Variable::value);
    }

    /** Every setting of LD_PRELOAD, in the order applied; the last one counts unless unset. */
    public List<Variable> preloadSettings() {
        return preloadSettings;
    }

    /** Where UnsetEnvironment= removes LD_PRELOAD, if it does. */
    public Optional<String> unsetPreload() {
        return unsetPreload;
    }

    public List<Ignored> ignored() {
        return ignored;
    }

    /** EnvironmentFile= files without '-' that do not exist or cannot be read, each with why: systemd then refuses to start the service. */
    public List<String> missingEnvironmentFiles() {
        return missingEnvironmentFiles;
    }

    /** The program ExecStart= starts, as the system names it; empty with {@link #programProblem} when it cannot be found. */
    public Optional<String> program() {
        return program;
    }

    /** The script ExecStart= names, when the program is its interpreter. */
    public Optional<String> script() {
        return script;
    }

    public String programProblem() {
        return programProblem;
    }

    public Optional<UnitSyntax.Assignment> execStart() {
        return execStart;
    }
}
