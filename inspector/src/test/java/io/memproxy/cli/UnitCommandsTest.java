package io.memproxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memproxy.install.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor --unit, install --unit and uninstall --unit on systems the tests assemble under --root: a shell,
 * glibc, jemalloc and the built shim, and unit files written here. Drop-ins memproxy writes are checked by
 * systemd itself (systemd-analyze verify --root).
 */
class UnitCommandsTest {
    static final String CHAIN = Sandbox.SHIM + ":" + Sandbox.JEMALLOC;
    static final String UNIT = "/usr/lib/systemd/system/demo.service";
    static final String DROP_IN = "/etc/systemd/system/demo.service.d/memproxy.conf";

    @TempDir
    Path root;

    void write(String systemPath, String text) throws IOException {
        Path f = root.resolve(systemPath.substring(1));
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    String read(String systemPath) throws IOException {
        return Files.readString(root.resolve(systemPath.substring(1)));
    }

    boolean exists(String systemPath) {
        return Files.exists(root.resolve(systemPath.substring(1)));
    }

    CliTest.Run run(String... args) {
        return CliTest.Run.of(Stream.concat(Stream.of(args), Stream.of("--root", root.toString())).toArray(String[]::new));
    }

    void sandbox(String service) throws IOException {
        Sandbox.make(root, true);
        write(UNIT, "[Unit]\nDescription=demo\nDefaultDependencies=no\n\n[Service]\n" + service);
    }

    static List<String> ids(String json) throws IOException {
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(json).path("findings").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    /** systemd-analyze verify on the assembled system: exit status and output. */
    String verify(String unit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, unit).redirectErrorStream(true);
        pb.environment().put("SYSTEMD_LOG_LEVEL", "debug");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.contains("memproxy.conf:"), "systemd warns about memproxy's drop-in: " + out);
        return out;
    }

    @Test
    void installWritesADropInSystemdAcceptsAndUninstallRemovesOnlyIt() throws Exception {
        // A bare program name is found on systemd's fixed search path; the unit's own LD_PRELOAD entry is kept after the chain.
        sandbox("ExecStart=sh -c 'exec sleep 1'\nEnvironment=LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6\n");
        write("/etc/systemd/system/demo.service.d/10-admin.conf", "[Service]\nEnvironment=OTHER=1\n");

        CliTest.Run r = run("install", "--unit", "demo.service");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        String dropIn = read(DROP_IN);
        assertTrue(dropIn.contains("Environment=\"LD_PRELOAD=" + CHAIN + ":/lib/x86_64-linux-gnu/libm.so.6\""), dropIn);
        assertTrue(r.out().contains("systemctl daemon-reload && systemctl try-restart demo.service"), r.out());
        String dump = verify("demo.service");
        assertTrue(dump.contains("Environment: LD_PRELOAD=" + CHAIN + ":/lib/x86_64-linux-gnu/libm.so.6"), dump);
        assertEquals("[Service]\nEnvironment=OTHER=1\n", read("/etc/systemd/system/demo.service.d/10-admin.conf"));

        CliTest.Run d = run("doctor", "--unit", "demo", "--format", "json");
        assertEquals(ExitCodes.OK, d.code(), d.out() + d.err());
        JsonNode doc = new ObjectMapper().readTree(d.out());
        assertEquals("/bin/sh", doc.at("/routes/0/exe").asText(), d.out());
        assertEquals(Sandbox.SHIM, doc.at("/chain/0/path").asText(), d.out());

        CliTest.Run again = run("install", "--unit", "demo.service");
        assertEquals(ExitCodes.OK, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("already installed: nothing changed"), again.out());

        CliTest.Run u = run("uninstall", "--unit", "demo.service");
        assertEquals(ExitCodes.OK, u.code(), u.out() + u.err());
        assertFalse(exists(DROP_IN));
        assertTrue(exists("/etc/systemd/system/demo.service.d/10-admin.conf"), "another drop-in is left alone");
        assertEquals(dropIn, read("/var/lib/memproxy/unit-backups/demo.service.d-memproxy.conf"));
        assertFalse(exists("/etc/ld.so.preload"), "the machine-wide file is never touched");
        assertTrue(run("uninstall", "--unit", "demo.service").out().contains("not installed: nothing changed"));
    }

    @Test
    void systemdsOwnParserIsAskedAboutTheDropIn() throws Exception {
        sandbox("ExecStart=/bin/sh -c true\n");
        write(DROP_IN, "[Service]\nEnvironment=\"LD_PRELOAD=" + CHAIN + "\"\nEnviroment=typo\n");
        write("/etc/systemd/system/demo.service.d/other.conf", "[Service]\nNotMine=1\n");
        List<String> complaints = UnitInstall.systemdComplaints(io.memproxy.loader.Root.at(root), UnitRun.name("demo"), DROP_IN);
        assertEquals(1, complaints.size(), complaints.toString());
        assertTrue(complaints.get(0).contains("memproxy.conf:3") && complaints.get(0).contains("Enviroment"), complaints.toString());
    }

    @Test
    void theDirectoryMemproxyCreatedGoesWithItsDropIn() throws Exception {
        sandbox("ExecStart=/bin/sh -c true\n");
        assertEquals(ExitCodes.OK, run("install", "--unit", "demo.service").code());
        verify("demo.service");
        assertEquals(ExitCodes.OK, run("uninstall", "--unit", "demo.service").code());
        assertFalse(exists("/etc/systemd/system/demo.service.d"));
        assertTrue(exists("/etc/systemd/system"));
    }

    @Test
    void dryRunWritesNothingAndAForeignDropInIsLeftAlone() throws Exception {
        sandbox("ExecStart=/bin/sh -c true\n");
        CliTest.Run dry = run("install", "--unit", "demo.service", "--dry-run");
        assertEquals(ExitCodes.OK, dry.code(), dry.out() + dry.err());
        assertTrue(dry.out().contains("+ Environment=\"LD_PRELOAD=" + CHAIN + "\""), dry.out());
        assertFalse(exists("/etc/systemd/system/demo.service.d"));

        write(DROP_IN, "[Service]\nEnvironment=MINE=1\n");
        CliTest.Run r = run("install", "--unit", "demo.service");
        assertEquals(ExitCodes.PROBLEM, r.code());
        assertTrue(r.err().contains("was not written by memproxy"), r.err());
        CliTest.Run u = run("uninstall", "--unit", "demo.service");
        assertEquals(ExitCodes.PROBLEM, u.code());
        assertEquals("[Service]\nEnvironment=MINE=1\n", read(DROP_IN));
    }

    @Test
    void anEnvironmentFileThatOverridesThePreloadRefusesTheInstall() throws Exception {
        sandbox("ExecStart=/bin/sh\nEnvironmentFile=/etc/default/demo\n");
        write("/etc/default/demo", "LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6\n");
        CliTest.Run r = run("install", "--unit", "demo.service");
        assertEquals(ExitCodes.PROBLEM, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("unit.environment-overridden"), r.out());
        assertTrue(r.out().contains("/etc/default/demo"), r.out());
        assertFalse(exists(DROP_IN));
    }

    @Test
    void settingsThatDefeatPreloadingAreFindingsWithFixes() throws Exception {
        sandbox(String.join("\n",
                "ExecStart=/bin/sh",
                "Environment=\"LD_PRELOAD=" + CHAIN + "\"",
                "UnsetEnvironment=LD_PRELOAD",
                "SystemCallFilter=@basic-io @default",
                "InaccessiblePaths=-/usr/local",
                ""));
        write("/etc/systemd/system/demo.service.d/zz-late.conf", "[Service]\nEnvironment=LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6\n");
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        assertEquals(ExitCodes.PROBLEM, d.code(), d.out() + d.err());
        List<String> ids = ids(d.out());
        assertTrue(ids.contains("unit.environment-overridden"), d.out());
        assertTrue(ids.contains("unit.unset-preload"), d.out());
        // No list, so no program named: the shim opens the list but never reads the program's name.
        assertEquals(1, ids.stream().filter("unit.system-call-filter"::equals).count(), "openat only: " + d.out());
        assertFalse(d.out().contains("forbids readlink"), d.out());
        assertTrue(ids.contains("unit.hidden-preload"), d.out());

        write("/etc/memproxy.conf", "# kept on glibc\nsh\n");
        CliTest.Run named = run("doctor", "--unit", "demo.service", "--format", "json");
        assertEquals(2, ids(named.out()).stream().filter("unit.system-call-filter"::equals).count(),
                "openat and readlink once the list names a program: " + named.out());
        assertTrue(named.out().contains("forbids readlink"), named.out());

        // check: the same findings, one line each, for scripts.
        CliTest.Run c = run("check", "--unit", "demo.service");
        assertEquals(ExitCodes.PROBLEM, c.code(), c.out() + c.err());
        assertTrue(c.out().lines().anyMatch(l -> l.startsWith("error unit.unset-preload ")), c.out());
    }

    @Test
    void aDenyListFilterAndAnAllowListWithFileSystemCalls() throws Exception {
        sandbox("ExecStart=/bin/sh\nEnvironment=LD_PRELOAD=" + CHAIN + "\nSystemCallFilter=~@file-system\nSystemCallErrorNumber=EPERM\n");
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        assertTrue(ids(d.out()).contains("unit.system-call-filter"), d.out());
        assertTrue(d.out().contains("fails with EPERM"), d.out());

        sandbox("ExecStart=/bin/sh\nEnvironment=LD_PRELOAD=" + CHAIN + "\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged\n");
        CliTest.Run ok = run("doctor", "--unit", "demo.service", "--format", "json");
        assertFalse(ids(ok.out()).contains("unit.system-call-filter"), ok.out());
        assertEquals(ExitCodes.OK, ok.code(), ok.out() + ok.err());
    }

    @Test
    void noNewPrivilegesWithASetUserIdProgram() throws Exception {
        sandbox("ExecStart=/bin/sh\nEnvironment=LD_PRELOAD=" + CHAIN + "\nNoNewPrivileges=yes\n");
        Files.setAttribute(root.resolve("bin/sh"), "unix:mode", 04755);
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        assertTrue(ids(d.out()).contains("unit.no-new-privileges"), d.out());

        Files.setAttribute(root.resolve("bin/sh"), "unix:mode", 0755);
        assertFalse(ids(run("doctor", "--unit", "demo.service", "--format", "json").out()).contains("unit.no-new-privileges"));
    }

    @Test
    void rootDirectoryIsWhereTheProgramAndTheChainMustBe() throws Exception {
        sandbox("ExecStart=/bin/sh\nRootDirectory=/srv/jail\nEnvironment=LD_PRELOAD=" + CHAIN + "\n");
        Path jail = root.resolve("srv/jail");
        Files.createDirectories(jail);
        Files.createDirectories(jail.resolve("bin"));
        Files.copy(root.resolve("bin/sh"), jail.resolve("bin/sh"));
        Files.createDirectories(jail.resolve("lib/x86_64-linux-gnu"));
        Files.copy(root.resolve("lib/x86_64-linux-gnu/libc.so.6"), jail.resolve("lib/x86_64-linux-gnu/libc.so.6"));
        Files.createDirectories(jail.resolve("lib64"));
        Files.copy(root.resolve("lib64/ld-linux-x86-64.so.2"), jail.resolve("lib64/ld-linux-x86-64.so.2"));
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        List<String> ids = ids(d.out());
        assertEquals(2, ids.stream().filter("unit.root-directory"::equals).count(), "shim and allocator missing inside: " + d.out());
    }

    @Test
    void aScriptIsExaminedThroughItsInterpreter() throws Exception {
        sandbox("ExecStart=/usr/local/bin/start --now\nEnvironment=LD_PRELOAD=" + CHAIN + "\n");
        write("/usr/local/bin/start", "#!/bin/sh\nexec sleep 1\n");
        Files.setAttribute(root.resolve("usr/local/bin/start"), "unix:mode", 0755);
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        assertEquals(ExitCodes.OK, d.code(), d.out() + d.err());
        JsonNode doc = new ObjectMapper().readTree(d.out());
        assertEquals("/bin/sh", doc.at("/routes/0/exe").asText(), d.out());
        assertTrue(d.out().contains("(the interpreter of the script /usr/local/bin/start)"), d.out());

        // #!/usr/bin/env NAME: NAME on the service's PATH.
        write("/usr/local/bin/start", "#!/usr/bin/env sh\nexec sleep 1\n");
        CliTest.Run env = run("doctor", "--unit", "demo.service", "--format", "json");
        assertEquals("/bin/sh", new ObjectMapper().readTree(env.out()).at("/routes/0/exe").asText(), env.out());
    }

    @Test
    void anEnvironmentFileThatIsAFifoIsNotReadAndStopsTheService() throws Exception {
        sandbox("ExecStart=/bin/sh\nEnvironmentFile=/run/pipe\nEnvironmentFile=-/run/optional-pipe\n");
        Files.createDirectories(root.resolve("run"));
        for (String fifo : List.of("run/pipe", "run/optional-pipe")) {
            Process p = new ProcessBuilder("mkfifo", root.resolve(fifo).toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
        CliTest.Run d = run("doctor", "--unit", "demo.service", "--format", "json");
        assertEquals(ExitCodes.PROBLEM, d.code(), d.out() + d.err());
        assertEquals(1, ids(d.out()).stream().filter("unit.environment-file-missing"::equals).count(), d.out());
        assertTrue(d.out().contains("/run/pipe: not a regular file"), d.out());
    }

    @Test
    void badUnitsAreOneLineErrors() throws Exception {
        Sandbox.make(root, true);
        CliTest.Run none = run("doctor", "--unit", "nosuch.service");
        assertEquals(ExitCodes.COULD_NOT_RUN, none.code());
        assertTrue(none.err().startsWith("memproxy: nosuch.service: no such unit file"), none.err());
        assertFalse(none.err().contains("\tat "), none.err());

        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.createSymbolicLink(root.resolve("etc/systemd/system/masked.service"), Path.of("/dev/null"));
        CliTest.Run masked = run("install", "--unit", "masked.service");
        assertEquals(ExitCodes.COULD_NOT_RUN, masked.code());
        assertTrue(masked.err().contains("masked.service is masked"), masked.err());

        write(UNIT, "[Service]\nExecStart=/usr/sbin/nosuchd --flag\n");
        CliTest.Run missing = run("doctor", "--unit", "demo.service");
        assertEquals(ExitCodes.COULD_NOT_RUN, missing.code());
        assertTrue(missing.err().contains("/usr/sbin/nosuchd, which is not an executable file"), missing.err());

        write(UNIT, "[Service]\nExecStart=/bin/sh\nEnvironment=\"LD_PRELOAD=unterminated\n");
        CliTest.Run quote = run("doctor", "--unit", "demo.service", "--format", "json");
        assertTrue(ids(quote.out()).contains("unit.ignored-setting"), quote.out());

        CliTest.Run name = run("doctor", "--unit", "a/b.service");
        assertEquals(ExitCodes.USAGE, name.code(), name.err());
        CliTest.Run socket = run("install", "--unit", "demo.socket");
        assertEquals(ExitCodes.USAGE, socket.code(), socket.err());
        assertTrue(socket.err().contains("a .socket unit starts no program"), socket.err());
        CliTest.Run dotted = run("doctor", "--unit", "my.app");
        assertTrue(dotted.err().startsWith("memproxy: my.app.service: no such unit file"), dotted.err());
        CliTest.Run now = run("install", "--unit", "demo.service", "--now");
        assertEquals(ExitCodes.USAGE, now.code(), now.err());
    }
}
