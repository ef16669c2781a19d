package io.memproxy.cli;

import io.memproxy.doctor.SystemFacts;
import io.memproxy.output.SupportReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report",
        header = "Write a diagnostic bundle for a support request.", mixinStandardHelpOptions = true,
        description = {
            "A diagnostic bundle for a support request: system facts (glibc, kernel,",
            "distribution, the chain's files with build-ids and checksums, the exclusion",
            "list, the loader variables and no other environment) and the doctor's",
            "findings, as Markdown with the JSON document inside."
        },
        footer = DoctorExit.FOOTER)
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DoctorInputs inputs;

    @Mixin
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path output;

    @Override
    public Integer call() throws IOException {
        DoctorRun.Result r = DoctorRun.run(inputs);
        SystemFacts facts = SystemFacts.gather(r.inspection(), System.getenv());
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            write(r, facts, out);
            out.flush();
        } else {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
                write(r, facts, out);
            } catch (IOException e) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, output + ": cannot write the report (" + e.getMessage() + ")");
            }
            spec.commandLine().getErr().println("memproxy: report written to " + output);
        }
        return DoctorExit.code(r.diagnosis(), inputs.strict);
    }

    private void write(DoctorRun.Result r, SystemFacts facts, PrintWriter out) throws IOException {
        if (format.format() == Format.json) {
            io.memproxy.output.JsonReport.write(r.diagnosis(), java.util.Optional.of(facts), out);
        } else {
            SupportReport.write(r.diagnosis(), facts, out);
        }
    }
}
