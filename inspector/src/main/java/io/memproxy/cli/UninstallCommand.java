package io.memproxy.cli;

import io.memproxy.config.ConfigFile;
import io.memproxy.install.Installer;
import io.memproxy.install.PreloadPlan;
import io.memproxy.install.Step;
import io.memproxy.loader.Root;
import io.memproxy.output.PreloadChangeJson;
import io.memproxy.output.PreloadChangeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "uninstall",
        header = "Remove memproxy's entries from /etc/ld.so.preload.", mixinStandardHelpOptions = true,
        description = {
            "Remove exactly memproxy's entries from /etc/ld.so.preload (every",
            "libmemproxy.so, and the allocator that memproxy install added),",
            "atomically and after a backup; other entries stay in their order.",
            "The file is removed when nothing else is in it. /etc/memproxy.conf",
            "is kept. Running it again changes nothing."
        },
        footer = "%nExamples:%n"
                + "  memproxy uninstall --dry-run%n"
                + "  memproxy uninstall%n"
                + "  memproxy uninstall --unit nginx.service --now%n"
                + "%nExit codes:%n"
                + "  0  uninstalled, or not installed%n"
                + "  2  usage error%n"
                + "  3  could not write (read-only or full file system, permissions);%n"
                + "     the old file is unchanged%n")
public final class UninstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PreloadFileOptions target;

    @Mixin
    OutputOptions output;

    @picocli.CommandLine.Option(names = "--unit", paramLabel = "NAME.service",
            description = "Remove memproxy's drop-in for one systemd service (only a drop-in memproxy install --unit wrote).")
    String unit;

    @picocli.CommandLine.Option(names = "--now", description = "With --unit: run systemctl daemon-reload and try-restart the service.")
    boolean now;

    @Override
    public Integer call() throws IOException {
        Root r = target.system();
        if (unit != null) {
            // --unit reports in text only.
            return UnitInstall.uninstall(spec.commandLine().getOut(), r, unit, target.dryRun, now);
        }
        if (now) {
            throw new MemproxyException(ExitCodes.USAGE, "--now goes with --unit");
        }
        boolean json = output.format() == Format.json;
        // In JSON, one document is printed at the end (PreloadChangeJson).
        PrintWriter out = output.text(spec);
        PrintWriter doc = spec.commandLine().getOut();
        Installer installer = new Installer(r, Step.Hook.NONE);
        PreloadPlan plan = installer.planUninstall();
        boolean changes = plan.changes() && !plan.dropped().isEmpty();
        PreloadChangeText.uninstallPlan(out, r, plan, changes);
        if (target.dryRun) {
            if (json) {
                PreloadChangeJson.write(doc, r, plan, changes, java.util.Optional.empty(), changes ? "would-uninstall" : "not-installed",
                        java.util.Optional.empty(), java.util.Optional.empty());
            }
            return Fleet.dryRun(out);
        }
        Installer.Outcome o = Fleet.write(() -> installer.uninstall(plan), out);
        if (json) {
            PreloadChangeJson.write(doc, r, plan, changes, java.util.Optional.empty(), o.preloadWritten() ? "uninstalled" : "not-installed",
                    java.util.Optional.of(o), java.util.Optional.empty());
        }
        PreloadChangeText.uninstalled(out, o, plan);
        PreloadChangeText.recovery(out);
        out.flush();
        return ExitCodes.OK;
    }
}
