package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.output.DoctorPrometheus;
import io.memproxy.output.JsonReport;
import io.memproxy.output.Marks;
import io.memproxy.output.MarkdownReport;
import io.memproxy.output.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "doctor",
        header = "Check that the preload chain routes malloc as intended.", mixinStandardHelpOptions = true,
        description = {
            "Check, from files alone, that the preload chain routes malloc through",
            "libmemproxy.so as intended: chain entries and order, who provides malloc in",
            "each examined executable, the allocator the shim will detect, glibc's",
            "allocator behind the shim, secure-execution targets and the exclusion list."
        },
        footer = DoctorExit.FOOTER)
public final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    MemproxyCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    DoctorInputs inputs;

    @Mixin
    DoctorFormat output;

    @Option(names = "--quiet", description = "Print nothing when all is well, and only the problems otherwise.")
    boolean quiet;

    @Option(names = "--probe", description = "Also run the project's probe program under the chain with MEMPROXY_DEBUG=1,"
            + " once as a listed name and once not, and compare the shim's own report with the prediction.")
    boolean probe;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS",
            description = "With --probe: how long each probe run may take before it is killed and reported as probe.failed (default: ${DEFAULT-VALUE}).")
    int probeTimeout = io.memproxy.doctor.ProbeCheck.DEFAULT_TIMEOUT_SECONDS;

    @Mixin
    ScopeOptions scope;

    @Override
    public Integer call() throws IOException {
        if (probeTimeout < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--probe-timeout must be at least 1 second");
        }
        Diagnosis d = scope.diagnose(inputs, probe).orElseGet(() -> DoctorRun.diagnose(inputs, probe, probeTimeout));
        PrintWriter out = spec.commandLine().getOut();
        switch (output.format()) {
            case json -> JsonReport.write(d, out);
            case markdown -> MarkdownReport.write(d, out);
            case prometheus -> DoctorPrometheus.write(d, System.currentTimeMillis() / 1000, out);
            case text -> new TextReport(output.colour(parent.terminal()), quiet, Marks.of(parent.terminal().unicode())).write(d, out);
        }
        out.flush();
        return DoctorExit.code(d, inputs.strict);
    }
}
