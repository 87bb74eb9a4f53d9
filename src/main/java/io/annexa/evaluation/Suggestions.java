package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which known name a misspelt one probably meant ({@code auth_failur} → {@code auth_failure}), for build messages.
 * Edit distance is enough here: the names are few and short, and a library for it is not on the classpath.
 */
final class Suggestions {

    private Suggestions() {
    }

    /** {@code known} ordered by closeness to {@code name}, ties in their given order. */
    static List<String> closestFirst(String name, Collection<String> known) {
        List<String> ordered = new ArrayList<>(known);
        ordered.sort(Comparator.comparingInt(candidate -> distance(name, candidate)));
        return ordered;
    }

    /** The known name {@code name} was probably meant to be: close enough to be a typo, else empty. */
    static Optional<String> meant(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // a third of the name may be wrong; beyond that the "suggestion" is another word
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /** " (did you mean "x"?)" or nothing. */
    static String didYouMean(String name, Collection<String> known) {
        return meant(name, known).map(m -> "; did you mean \"" + m + "\"?").orElse("");
    }

    /** Levenshtein distance, case-insensitive: a case slip is one of the typos meant here. */
    static int distance(String a, String b) {
        String x = a.toLowerCase(java.util.Locale.ROOT);
        String y = b.toLowerCase(java.util.Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }
}
