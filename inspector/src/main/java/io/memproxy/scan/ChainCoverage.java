package io.memproxy.scan;

import io.memproxy.loader.HostCapabilities;
import io.memproxy.loader.LoadOutcome;
import io.memproxy.loader.LoaderFiles;
import io.memproxy.loader.LoaderRules;
import io.memproxy.loader.PreloadChain;
import io.memproxy.loader.Root;
import io.memproxy.loader.SearchPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the installed /etc/ld.so.preload reaches the programs of each class whose ld.so the root has: the shim
 * entry must open as an object of that class there ($LIB and $PLATFORM expanded as that ld.so does).
 *
 * @param preloadFile whether the root has a readable /etc/ld.so.preload
 * @param classes     per class (its loader profile), what the chain is in its processes
 */
public record ChainCoverage(boolean preloadFile, Map<LoaderRules, ChainCoverage.InClass> classes) {
    /**
     * @param covered whether the shim loads into the class's processes
     * @param shim    the shim file the class's processes open ("" when the chain names none)
     * @param ignored the entries ld.so ignores there, each with its "cannot be preloaded" reason
     */
    public record InClass(boolean covered, String shim, List<String> ignored) {
        public InClass {
            ignored = List.copyOf(ignored);
        }
    }

    public ChainCoverage {
        classes = Map.copyOf(classes);
    }

    /** The coverage of the root's preload file for every class whose ld.so is installed there. */
    public static ChainCoverage of(Root root) {
        LoaderFiles files = new LoaderFiles(root);
        Optional<byte[]> content = files.preloadFile();
        Map<LoaderRules, InClass> out = new LinkedHashMap<>();
        for (LoaderRules r : LoaderRules.ALL) {
            if (!java.nio.file.Files.isRegularFile(root.file(r.interpreter()))) {
                continue;
            }
            HostCapabilities host = r.capabilitiesHere();
            boolean covered = false;
            String shim = "";
            List<String> ignored = new ArrayList<>();
            for (String entry : content.map(c -> PreloadChain.splitFile(c, PreloadChain.MAX_ENTRIES)).orElse(List.of())) {
                Optional<String> path = entry.contains("/")
                        ? SearchPath.expand(entry, new SearchPath.DstContext(null, host.platform(), false, true, r))
                        : files.cache().flatMap(c -> c.lookup(entry, host, r));
                LoaderFiles.Opened o = path.map(p -> files.open(p, r)).orElse(new LoaderFiles.Absent());
                boolean isShim = entry.substring(entry.lastIndexOf('/') + 1).startsWith("libmemproxy");
                if (o.outcome() == LoadOutcome.LOADED) {
                    if (isShim && !covered) {
                        covered = true;
                        shim = path.get();
                    }
                    continue;
                }
                ignored.add(entry + " (" + o.reason() + ")");
            }
            out.put(r, new InClass(covered, shim, ignored));
        }
        return new ChainCoverage(content.isPresent(), out);
    }

    /** One sentence about a class with {@code programs} executables. */
    public String describe(LoaderRules r, long programs) {
        InClass c = classes.get(r);
        String kind = programs + " " + r.bits() + " (" + r.name() + ") executable" + (programs == 1 ? "" : "s");
        if (c == null) {
            return kind + "; this system has no " + r.interpreter() + " to run them";
        }
        if (!preloadFile) {
            return kind + "; no /etc/ld.so.preload, so no chain reaches them";
        }
        if (c.covered()) {
            return kind + "; /etc/ld.so.preload covers them (the shim is " + c.shim() + " there)"
                    + (c.ignored().isEmpty() ? "" : ", but ld.so ignores " + String.join(", ", c.ignored()));
        }
        return kind + "; /etc/ld.so.preload does not cover them: "
                + (c.ignored().isEmpty() ? "it names no shim" : "ld.so prints an error for " + String.join(", ", c.ignored())
                        + " at every start")
                + " (memproxy doctor says how to name both classes' files with $LIB)";
    }
}
