package io.memproxy.cli;

import io.memproxy.doctor.Diagnosis;
import io.memproxy.report.DoctorPrometheus;
import io.memproxy.report.ProblemLines;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
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
    ScopeOptions scope;

    enum Format { lines, prometheus }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "lines (default: one line per problem) or prometheus (node_exporter textfile collector).")
    Format format = Format.lines;

    @Override
    public Integer call() {
        Diagnosis d = scope.diagnose(inputs, false).orElseGet(() -> DoctorRun.diagnose(inputs));
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case lines -> ProblemLines.write(d, out);
            case prometheus -> DoctorPrometheus.write(d, System.currentTimeMillis() / 1000, out);
        }
        out.flush();
        return DoctorExit.code(d, inputs.strict);
    }
}
