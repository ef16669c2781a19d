package io.memproxy.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The dynamic section (needed, soname, rpath, runpath, DT_FLAGS, DT_FLAGS_1) equals {@code readelf -d -W},
 * and the version definitions and requirements equal {@code readelf -V -W}, on the same files as
 * {@link ReadelfAgreementTest}.
 */
class DynamicAgreementTest {
    private static final Pattern STRING = Pattern.compile("\\((NEEDED|SONAME|RPATH|RUNPATH)\\)\\s+[^\\[]*\\[(.*)\\]$");
    private static final Pattern FLAGS = Pattern.compile("\\((FLAGS|FLAGS_1)\\)\\s+(?:Flags: )?(.*)$");
    private static final Pattern VERDEF = Pattern.compile(
            "^\\s+(?:0x)?[0-9a-f]+: Rev: \\d+\\s+Flags: (\\S+)\\s+Index: (\\d+)\\s+Cnt: \\d+\\s+Name: (.*)$");
    private static final Pattern PARENT = Pattern.compile("^\\s+(?:0x)?[0-9a-f]+: Parent \\d+: (.*)$");
    private static final Pattern VERNEED_FILE = Pattern.compile("^\\s+(?:0x)?[0-9a-f]+: Version: \\d+\\s+File: (\\S+)\\s+Cnt: \\d+$");
    private static final Pattern VERNEED_NAME = Pattern.compile(
            "^\\s+(?:0x)?[0-9a-f]+:\\s+Name: (\\S+)\\s+Flags: (.*?)\\s+Version: (\\d+)$");

    @TestFactory
    Stream<DynamicTest> dynamicSectionsAndVersionsAgreeWithReadelf() throws Exception {
        List<Path> files = new ArrayList<>(ReadelfAgreementTest.files());
        for (String f : List.of("libver.so", "libver-rpath.so", "prog", "prog-pie", "libver32.so", "libbe.so", "static-pie")) {
            files.add(Fixtures.get(f));
        }
        return files.stream().distinct().map(f -> DynamicTest.dynamicTest(f.toString(), () -> agree(f)));
    }

    static void agree(Path file) throws Exception {
        ElfImage image = ElfImage.read(file);
        DynamicInfo d = image.dynamic();
        List<String> expected = new ArrayList<>();
        for (String line : run("-d", file)) {
            Matcher s = STRING.matcher(line);
            Matcher f = FLAGS.matcher(line);
            if (s.find()) {
                expected.add(s.group(1) + " " + s.group(2));
            } else if (f.find()) {
                expected.add(f.group(1) + " " + f.group(2).trim());
            }
        }
        List<String> actual = new ArrayList<>();
        d.needed().forEach(n -> actual.add("NEEDED " + n));
        d.soname().ifPresent(s -> actual.add("SONAME " + s));
        d.rpath().ifPresent(s -> actual.add("RPATH " + s));
        d.runpath().ifPresent(s -> actual.add("RUNPATH " + s));
        if (image.tag(ElfImage.DT_FLAGS).isPresent()) {
            actual.add("FLAGS " + String.join(" ", d.flagNames()));
        }
        if (image.tag(ElfImage.DT_FLAGS_1).isPresent()) {
            actual.add("FLAGS_1 " + String.join(" ", d.flags1Names()));
        }
        assertEquals(sorted(expected), sorted(actual), file + ": dynamic section");

        List<String> versions = new ArrayList<>();
        for (String line : run("-V", file)) {
            Matcher def = VERDEF.matcher(line);
            Matcher parent = PARENT.matcher(line);
            Matcher needFile = VERNEED_FILE.matcher(line);
            Matcher needName = VERNEED_NAME.matcher(line);
            if (def.matches()) {
                versions.add("def " + def.group(2) + " " + def.group(3) + " " + def.group(1));
            } else if (parent.matches()) {
                versions.set(versions.size() - 1, versions.get(versions.size() - 1) + " < " + parent.group(1));
            } else if (needFile.matches()) {
                versions.add("need " + needFile.group(1));
            } else if (needName.matches()) {
                versions.add("  " + needName.group(1) + " " + needName.group(3) + " " + needName.group(2));
            }
        }
        List<String> ours = new ArrayList<>();
        for (VersionDefinition v : image.versionDefinitions()) {
            StringBuilder s = new StringBuilder("def " + v.index() + " " + v.name() + " "
                    + (v.isBase() ? "BASE" : v.flags() == 0 ? "none" : "WEAK"));
            v.parents().forEach(p -> s.append(" < ").append(p));
            ours.add(s.toString());
        }
        for (VersionRequirement r : image.versionRequirements()) {
            ours.add("need " + r.file());
            for (VersionRequirement.Need n : r.versions()) {
                ours.add("  " + n.name() + " " + n.other() + " " + (n.isWeak() ? "WEAK" : n.flags() == 0 ? "none" : "?"));
            }
        }
        assertEquals(versions, ours, file + ": versions");
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().collect(Collectors.toList());
    }

    static List<String> run(String option, Path file) throws Exception {
        Process p = new ProcessBuilder("readelf", option, "-W", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "readelf " + option + " " + file);
        return List.of(out.split("\n"));
    }
}
