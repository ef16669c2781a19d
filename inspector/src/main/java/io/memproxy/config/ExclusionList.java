package io.memproxy.config;

import java.util.List;

/** The parsed exclusion list: every line, the names the shim matches, the directives it obeys. */
public record ExclusionList(List<ConfigLine> lines) {
    public ExclusionList {
        lines = List.copyOf(lines);
    }

    public List<String> names() {
        return lines.stream().filter(l -> l.kind() == ConfigLine.Kind.NAME).map(ConfigLine::value).toList();
    }
}
