package io.annexa.register;

import java.util.List;

/**
 * The line a nonconformity shows about its evidence: the first finding, shortened, and how many more there are.
 * The evidence itself is kept whole in the occurrences; this is only what fits in a list.
 */
final class EvidenceSummary {

    static final int LIMIT = 2000;
    private static final int FIRST = 1500;

    private EvidenceSummary() {
    }

    static String of(List<String> evidence) {
        if (evidence.isEmpty()) {
            return "";
        }
        String first = evidence.get(0).strip();
        if (first.length() > FIRST) {
            first = first.substring(0, FIRST) + " …";
        }
        return evidence.size() == 1 ? first : first + " (and " + (evidence.size() - 1) + " more)";
    }
}
