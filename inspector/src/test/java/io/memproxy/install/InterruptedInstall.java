package io.memproxy.install;

import io.memproxy.loader.Root;
import java.nio.file.Path;

/**
 * A process that installs into a root and dies (SIGKILL-like: Runtime.halt, no cleanup) right after
 * one step of the atomic replacement. Run by {@link InstallFaultTest} as a child JVM.
 */
public final class InterruptedInstall {
    private InterruptedInstall() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Step haltAfter = Step.valueOf(args[1]);
        Installer installer = new Installer(Root.at(root), (step, target) -> {
            if (step == haltAfter && target.getFileName().toString().equals("ld.so.preload")) {
                Runtime.getRuntime().halt(137);
            }
        });
        PreloadPlan plan = args.length > 2 && args[2].equals("uninstall") ? installer.planUninstall()
                : installer.planInstall(Sandbox.SHIM, Sandbox.JEMALLOC);
        if (args.length > 2 && args[2].equals("uninstall")) {
            installer.uninstall(plan);
        } else {
            installer.install(plan, Installer.defaultConfig());
        }
        System.exit(0);
    }
}
