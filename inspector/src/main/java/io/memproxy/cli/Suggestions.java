package io.memproxy.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean …?": the names closest to a misspelt one, for commands, options and symbols. */
final class Suggestions {
    private Suggestions() {}

    /**
     * Up to {@code max} candidates within a typo's reach of {@code word} (one edit for short words, two
     * from five characters on, three from ten), closest first, then alphabetically.
     */
    static List<String> closest(String word, Collection<String> candidates, int max) {
        int reach = word.length() >= 10 ? 3 : word.length() >= 5 ? 2 : 1;
        LevenshteinDistance distance = new LevenshteinDistance(reach);
        record Scored(String name, int d) {}
        return candidates.stream().distinct()
                .map(c -> new Scored(c, distance.apply(word, c)))
                .filter(s -> s.d() >= 0 && !s.name().equals(word))
                .sorted(Comparator.comparingInt(Scored::d).thenComparing(Scored::name))
                .limit(max).map(Scored::name).toList();
    }

    /** "; did you mean 'a'?" or "; did you mean 'a' or 'b'?", or nothing. */
    static String didYouMean(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> quoted = names.stream().map(n -> "'" + n + "'").toList();
        String last = quoted.get(quoted.size() - 1);
        return "; did you mean " + (quoted.size() == 1 ? last
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + last) + "?";
    }
}
