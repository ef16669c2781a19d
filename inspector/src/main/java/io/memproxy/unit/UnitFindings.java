package io.memproxy.unit;

import io.memproxy.finding.Finding;
import io.memproxy.finding.Severity;
import io.memproxy.loader.Root;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The unit settings that defeat or change preloading for a service, each with the fix. The loader part
 * (what ld.so does with the service's LD_PRELOAD) is the ordinary doctor's; these are systemd's.
 */
public final class UnitFindings {
    private UnitFindings() {}

    /** Where memproxy install --unit writes its drop-in, relative to the unit's ".d" directory in /etc. */
    public static final String DROP_IN = "memproxy.conf";

    /**
     * What the shim calls at its first allocation: open the exclusion list; read /proc/self/exe when the list names
     * a program (memproxy.conf(5), DECISION: exe-unknown). MEMPROXY_DEBUG's line reads it too, but a refused read
     * only prints the name as '?' there, the route stays.
     */
    static final String OPEN_LIST = "openat", READ_NAME = "readlink";

    /** systemd's syscall groups that contain both {@link #OPEN_LIST} and {@link #READ_NAME} (systemd-analyze syscall-filter). */
    static final Set<String> GROUPS_WITH_SHIM_SYSCALLS = Set.of("@file-system", "@system-service", "@known");

    /** Settings that imply NoNewPrivileges=yes for a service that runs as a user other than root (systemd.exec(5)). */
    static final List<String> IMPLY_NO_NEW_PRIVILEGES = List.of("SystemCallFilter", "SystemCallArchitectures",
            "RestrictAddressFamilies", "RestrictNamespaces", "PrivateDevices", "ProtectKernelTunables",
            "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock", "MemoryDenyWriteExecute", "RestrictRealtime",
            "RestrictSUIDSGID", "LockPersonality");

    /**
     * @param service    the service as read
     * @param chain      the LD_PRELOAD entries the service would load (paths as the system names them)
     * @param secureProgram whether the program is set-user-ID, set-group-ID or has file capabilities
     * @param programRoot the root the program runs in (RootDirectory= inside the examined system)
     * @param listNamesPrograms whether the exclusion list names a program: the shim then reads the program's name
     */
    public static List<Finding> of(Service service, List<String> chain, boolean secureProgram, Root programRoot,
            boolean listNamesPrograms) {
        SystemdUnit u = service.unit();
        String name = u.name().name();
        List<Finding> out = new ArrayList<>();
        for (String p : u.problems()) {
            out.add(Finding.warning("unit.syntax", name, p + " (systemd ignores it)", "correct the line; systemd-analyze verify "
                    + name + " shows the same"));
        }
        for (Service.Ignored i : service.ignored()) {
            out.add(Finding.warning("unit.ignored-setting", i.where(), "systemd ignores the setting at " + i.where() + ": " + i.why(),
                    "quote and escape as systemd.syntax(7) describes, or write the value without specifiers"));
        }
        for (String f : service.missingEnvironmentFiles()) {
            out.add(Finding.error("unit.environment-file-missing", name, "EnvironmentFile= " + f
                    + ": systemd refuses to start " + name, "create it as a regular file, or write EnvironmentFile=-PATH to make it optional"));
        }
        overridden(service, out);
        service.unsetPreload().ifPresent(w -> out.add(Finding.error("unit.unset-preload", w,
                "UnsetEnvironment=LD_PRELOAD at " + w + " removes LD_PRELOAD: " + name + " starts without the chain",
                "remove LD_PRELOAD from UnsetEnvironment= at " + w)));
        if (secureProgram) {
            noNewPrivileges(service, out);
        }
        systemCallFilter(u, listNamesPrograms ? List.of(OPEN_LIST, READ_NAME) : List.of(OPEN_LIST), out);
        Optional<UnitSyntax.Assignment> rootImage = u.last(Service.S, "RootImage");
        rootImage.ifPresent(a -> out.add(new Finding("unit.root-image", Severity.WARNING, List.of(a.where()),
                name + " runs inside the disk image " + a.value() + " (RootImage= at " + a.where()
                        + "), which memproxy cannot read: the program, the shim and the allocator must exist at the same paths inside it",
                "check the image with memproxy doctor --root on its mounted file system (systemd-dissect --mount "
                        + a.value() + " DIR)")));
        u.last(Service.S, "RootDirectory").ifPresent(a -> {
            for (String entry : chain) {
                if (entry.startsWith("/") && !programRoot.exists(entry)) {
                    out.add(new Finding("unit.root-directory", Severity.ERROR, List.of(entry), name + " runs inside "
                            + a.value() + " (RootDirectory= at " + a.where() + "), where " + entry
                            + " does not exist: ld.so skips it there", "copy " + entry + " to " + a.value() + entry
                            + ", or bind it in with BindReadOnlyPaths=" + entry));
                }
            }
        });
        for (String key : List.of("InaccessiblePaths", "TemporaryFileSystem")) {
            for (UnitSyntax.Assignment a : u.list(Service.S, key)) {
                for (String hidden : a.value().split("\\s+")) {
                    String dir = hidden.replaceFirst("^[-+]+", "").replaceFirst(":.*$", "");
                    for (String entry : chain) {
                        if (!dir.isEmpty() && (entry.equals(dir) || entry.startsWith(dir.endsWith("/") ? dir : dir + "/"))) {
                            out.add(new Finding("unit.hidden-preload", Severity.ERROR, List.of(entry), key + "=" + dir + " ("
                                    + a.where() + ") hides " + entry + " from " + name + ": ld.so cannot open it there",
                                    "install the shim and allocator elsewhere, or bind them back with BindReadOnlyPaths=" + entry));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The last LD_PRELOAD setting wins; an earlier one with the shim that a later one without it replaces is lost. */
    private static void overridden(Service s, List<Finding> out) {
        List<Service.Variable> settings = s.preloadSettings();
        if (settings.size() < 2) {
            return;
        }
        Service.Variable last = settings.get(settings.size() - 1);
        if (last.value().contains("libmemproxy")) {
            return;
        }
        for (Service.Variable earlier : settings.subList(0, settings.size() - 1)) {
            if (earlier.value().contains("libmemproxy")) {
                out.add(new Finding("unit.environment-overridden", Severity.ERROR, List.of(last.origin()),
                        "LD_PRELOAD=" + earlier.value() + " (" + earlier.origin() + ") is overridden by LD_PRELOAD=" + last.value()
                                + " (" + last.origin() + "), which systemd applies later: the shim is not loaded",
                        "remove LD_PRELOAD from " + last.origin() + ", or put libmemproxy.so and the allocator first in it"
                                + " (EnvironmentFile= settings override Environment=, and drop-ins apply in file-name order)"));
                return;
            }
        }
    }

    private static void noNewPrivileges(Service s, List<Finding> out) {
        SystemdUnit u = s.unit();
        Optional<UnitSyntax.Assignment> nnp = u.last(Service.S, "NoNewPrivileges").filter(a -> UnitSyntax.isTrue(a.value()));
        String why = nnp.map(a -> "NoNewPrivileges=yes (" + a.where() + ")").orElse(null);
        if (why == null) {
            boolean asUser = u.last(Service.S, "User").map(a -> !a.value().equals("root") && !a.value().equals("0")).orElse(false)
                    || u.last(Service.S, "DynamicUser").map(a -> UnitSyntax.isTrue(a.value())).orElse(false);
            if (asUser) {
                for (String k : IMPLY_NO_NEW_PRIVILEGES) {
                    Optional<UnitSyntax.Assignment> a = u.last(Service.S, k);
                    if (a.isPresent() && !a.get().value().equalsIgnoreCase("no") && !a.get().value().equalsIgnoreCase("false")) {
                        why = k + "= (" + a.get().where() + "), which implies NoNewPrivileges=yes for a service not run as root";
                        break;
                    }
                }
            }
        }
        if (why == null) {
            return;
        }
        String program = s.program().orElse("the program");
        out.add(new Finding("unit.no-new-privileges", Severity.WARNING, List.of(program), program
                + " is set-user-ID, set-group-ID or has file capabilities, but under " + why
                + " the kernel ignores that: it runs without secure execution, so ld.so honours the whole LD_PRELOAD"
                + " (the secure-execution findings for it do not apply to this service), and without the privileges it was given",
                "nothing to do for memproxy; if the program needs those privileges, run the service as the right User= instead"));
    }

    /**
     * SystemCallFilter=: the first assignment decides allow-list or deny-list ('~'); later ones add to it, or take
     * away when of the other kind. An empty assignment resets it.
     */
    private static void systemCallFilter(SystemdUnit u, List<String> shimCalls, List<Finding> out) {
        List<UnitSyntax.Assignment> filters = u.list(Service.S, "SystemCallFilter");
        if (filters.isEmpty()) {
            return;
        }
        boolean allowList = !filters.get(0).value().startsWith("~");
        for (String call : shimCalls) {
            boolean allowed = !allowList;
            UnitSyntax.Assignment decisive = filters.get(0);
            for (UnitSyntax.Assignment a : filters) {
                boolean deny = a.value().startsWith("~");
                for (String w : a.value().replaceFirst("^~", "").split("\\s+")) {
                    String n = w.replaceFirst(":.*$", "");
                    if (n.equals(call) || GROUPS_WITH_SHIM_SYSCALLS.contains(n)) {
                        allowed = !deny;
                        decisive = a;
                    }
                }
            }
            if (!allowed) {
                Optional<UnitSyntax.Assignment> errno = u.last(Service.S, "SystemCallErrorNumber");
                String effect = errno.map(e -> "fails with " + e.value() + " (SystemCallErrorNumber= at " + e.where()
                        + "): the shim cannot " + (call.equals(OPEN_LIST) ? "read its exclusion list" : "read the program's name")
                        + ", so the process stays on glibc").orElse("kills the process with SIGSYS");
                out.add(new Finding("unit.system-call-filter", errno.isPresent() ? Severity.WARNING : Severity.ERROR,
                        List.of(decisive.where()), "SystemCallFilter= (" + decisive.where() + ") forbids " + call
                                + ", which the shim calls at the program's first allocation"
                                + (call.equals(READ_NAME) ? " (the exclusion list names programs)" : "")
                                + ": the call " + effect,
                        "add SystemCallFilter=" + call + " (or @file-system) in a drop-in, after the filter"));
            }
        }
    }
}
