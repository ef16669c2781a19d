package io.memproxy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer directions of docs/architecture.md, checked over the compiled classes of the inspector (their
 * constant pools: imports, calls, field and signature types). The table below and the one in the document
 * say the same thing; change them together.
 */
class ArchitectureTest {
    private static final String ROOT = "io.memproxy";

    /** Each package and the project packages it may use; a package uses nothing else of the project. */
    static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

    static {
        MAY_USE.put("elf", List.of());
        MAY_USE.put("loader", List.of("elf"));
        MAY_USE.put("config", List.of("elf", "loader"));
        MAY_USE.put("finding", List.of());
        MAY_USE.put("executable", List.of("elf", "config", "loader"));
        MAY_USE.put("shimmodel", List.of("elf", "config", "loader"));
        MAY_USE.put("unit", List.of("elf", "config", "loader", "finding"));
        MAY_USE.put("image", List.of("elf", "config", "loader", "finding", "executable"));
        MAY_USE.put("install", List.of("elf", "config", "loader"));
        MAY_USE.put("scan", List.of("elf", "config", "loader", "executable", "shimmodel"));
        MAY_USE.put("ps", List.of("elf", "config", "loader", "executable", "shimmodel"));
        MAY_USE.put("trial", List.of("elf", "config", "loader", "finding", "executable", "shimmodel"));
        MAY_USE.put("doctor", List.of("elf", "config", "loader", "finding", "executable", "shimmodel", "trial"));
        MAY_USE.put("output", List.of("elf", "config", "loader", "finding", "executable", "shimmodel", "unit", "image",
                "install", "scan", "ps", "trial", "doctor"));
        MAY_USE.put("cli", List.of("elf", "config", "loader", "finding", "executable", "shimmodel", "unit", "image",
                "install", "scan", "ps", "trial", "doctor", "output"));
    }

    /** The directions of {@link #MAY_USE} as one rule. */
    static ArchRule layers() {
        Architectures.LayeredArchitecture a = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String p : MAY_USE.keySet()) {
            a = a.layer(p).definedBy(ROOT + "." + p + "..");
        }
        for (Map.Entry<String, List<String>> e : MAY_USE.entrySet()) {
            a = e.getValue().isEmpty() ? a.whereLayer(e.getKey()).mayNotAccessAnyLayer()
                    : a.whereLayer(e.getKey()).mayOnlyAccessLayers(e.getValue().toArray(String[]::new));
        }
        return a;
    }

    /** The doctor is a command's logic, not a library: only its renderers and its command use it. */
    static ArchRule doctorOnlyAboveIt() {
        return noClasses().that().resideOutsideOfPackages(ROOT + ".doctor..", ROOT + ".output..", ROOT + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".doctor..");
    }

    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() {
        layers().check(MAIN);
    }

    @Test
    void noPackageBelowTheCommandsUsesTheDoctorButReport() {
        doctorOnlyAboveIt().check(MAIN);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void everyPackageIsInTheTableAndHasItsPurposeWritten() throws IOException {
        Set<String> packages = new TreeSet<>();
        MAIN.forEach(c -> packages.add(c.getPackageName()));
        Set<String> expected = new TreeSet<>();
        MAY_USE.keySet().forEach(p -> expected.add(ROOT + "." + p));
        assertEquals(expected, packages, "a package of the inspector is missing from the layer table, or the table names one that is gone");
        List<String> undocumented = new ArrayList<>();
        Path sources = Path.of(System.getProperty("user.dir"), "src/main/java", ROOT.replace('.', '/'));
        try (Stream<Path> dirs = Files.list(sources)) {
            dirs.filter(Files::isDirectory).filter(d -> !Files.isRegularFile(d.resolve("package-info.java")))
                    .forEach(d -> undocumented.add(d.getFileName().toString()));
        }
        assertEquals(List.of(), undocumented, "packages without a package-info.java");
    }

    /** The rules see a violation: a class of a low package that uses the doctor, compiled with the tests. */
    @Test
    void theRulesCatchALowPackageUsingTheDoctor() {
        JavaClasses withViolation = new ClassFileImporter().importPackages(ROOT);
        assertTrue(withViolation.contain(ROOT + ".loader.UsesTheDoctor"));
        EvaluationResult layered = layers().evaluate(withViolation);
        assertTrue(layered.hasViolation());
        assertTrue(layered.getFailureReport().toString().contains("UsesTheDoctor"), layered.getFailureReport().toString());
        assertTrue(doctorOnlyAboveIt().evaluate(withViolation).hasViolation());
        assertFalse(doctorOnlyAboveIt().evaluate(MAIN).hasViolation());
    }
}
