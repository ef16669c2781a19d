package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.output.DoctorPrometheus;
import io.memproxy.output.JsonReport;
import io.memproxy.output.ProblemLines;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check",
        header = "Run the doctor's pre-install check: one line per problem.", mixinStandardHelpOptions = true,
        description = {
            "The doctor's pre-install check for package scripts and configuration",
            "management: no colour, one line per problem (SEVERITY ID SUBJECTS: MESSAGE);",
            "the exit code is what matters."
        },
        footer = DoctorExit.FOOTER)
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DoctorInputs inputs;

    @Mixin
    FleetFormat output;

    @Mixin
    ScopeOptions scope;

    @Override
    public Integer call() throws java.io.IOException {
        Diagnosis d = scope.diagnose(inputs, false).orElseGet(() -> DoctorRun.diagnose(inputs));
        PrintWriter out = spec.commandLine().getOut();
        switch (output.format()) {
            case text -> ProblemLines.write(d, out);
            case json -> JsonReport.write(d, out);
            case prometheus -> DoctorPrometheus.write(d, System.currentTimeMillis() / 1000, out);
            case markdown -> throw new IllegalStateException("check offers no markdown");
        }
        out.flush();
        return DoctorExit.code(d, inputs.strict);
    }
}
