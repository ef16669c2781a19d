package io.memproxy.cli;

import io.memproxy.elf.DynamicSymbol;
import io.memproxy.elf.ElfException;
import io.memproxy.elf.ElfImage;
import io.memproxy.elf.NotElfException;
import io.memproxy.output.ElfJson;
import io.memproxy.output.ElfText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "elf",
        header = "Show what the dynamic loader sees in ELF files.",
        description = {
            "Show what the dynamic loader sees in ELF files: class, machine, type,",
            "interpreter, soname, needed libraries, rpath/runpath, DT_FLAGS and",
            "DT_FLAGS_1, GNU version definitions and requirements.",
            "With --symbols, list dynamic symbols as name@@VERSION (the default",
            "definition) or name@VERSION (an older definition, or a reference), with",
            "type, binding and whether the file defines them.",
            "Files that are not ELF are named for what they are: a GNU ld script (with",
            "the files it points to), a script, an empty file, a directory."
        },
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        footer = {
            "%nExamples:",
            "  memproxy elf /lib/x86_64-linux-gnu/libc.so.6 --symbols 'malloc*'",
            "      glibc's malloc family with versions",
            "  memproxy elf /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/bin/ls",
            "      summaries of two files",
            "  memproxy elf --json --symbols='*@GLIBC_2.2.5' /usr/bin/ls",
            "      JSON (schema in docs/json.md, section \"elf\")",
            "  memproxy elf /usr/lib/x86_64-linux-gnu/libc.so",
            "      says it is a GNU ld script and names the library it points to",
            "%nExit codes:",
            "  0  every file was read as ELF",
            "  1  a file could not be read as ELF (the others are still shown)",
            "  2  usage error",
            "  3  the command could not run (internal failure)"
        })
public final class ElfCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "ELF files (executables, shared libraries).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--symbols", arity = "0..1", paramLabel = "PATTERN", fallbackValue = "*",
            description = "List dynamic symbols, those whose name (or name@version) matches the glob PATTERN"
                    + " (all when omitted; quote it: 'malloc*').")
    String symbols;

    @Mixin
    OutputOptions output;

    @ParentCommand
    MemproxyCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String pattern = symbols;
        // "--symbols FILE" without a pattern: picocli takes the file as the pattern; give it back.
        if (pattern != null && !Glob.isGlob(pattern) && (pattern.contains("/") || files.isEmpty())
                && isFile(pattern)) {
            files.add(0, Path.of(pattern));
            pattern = "*";
        }
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "at least one FILE is required");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Glob> glob = Optional.ofNullable(pattern).map(Glob::of);
        boolean color = output.colour(parent.terminal());
        boolean asJson = output.format() == Format.json;
        ElfJson json = new ElfJson();
        int code = ExitCodes.OK;
        boolean first = true;
        for (Path file : files) {
            // One write per file: the launcher's writers flush at every line.
            StringWriter page = new StringWriter();
            ElfText text = new ElfText(new PrintWriter(page), color);
            if (!asJson && !first) {
                page.write(System.lineSeparator());
            }
            first = false;
            try {
                ElfImage image = ElfImage.read(file);
                Optional<List<DynamicSymbol>> selected = Optional.empty();
                int total = 0;
                if (glob.isPresent()) {
                    List<DynamicSymbol> all = image.dynamicSymbols();
                    total = all.size();
                    selected = Optional.of(all.stream()
                            .filter(s -> s.index() != 0 || !s.name().isEmpty())
                            .filter(s -> glob.get().matches(s.name()) || glob.get().matches(s.versionedName()))
                            .toList());
                }
                if (asJson) {
                    json.add(image, selected);
                } else {
                    text.summary(image);
                    if (selected.isPresent()) {
                        text.symbols(selected.get(), total, glob.get().text());
                    }
                }
            } catch (ElfException e) {
                code = ExitCodes.PROBLEM;
                // A directory reads as in every command (FileWords); other files are named for what they are.
                err.println("memproxy: " + (e instanceof NotElfException n && n.kind() == io.memproxy.elf.NonElfKind.DIRECTORY
                        ? file + ": " + io.memproxy.elf.FileWords.DIRECTORY : e.getMessage()));
                if (asJson) {
                    json.add(e);
                } else if (e instanceof NotElfException n) {
                    text.notElf(n);
                }
            }
            out.print(page);
        }
        if (asJson) {
            json.write(out);
        }
        out.flush();
        return code;
    }

    private static boolean isFile(String name) {
        try {
            return Files.exists(Path.of(name));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
