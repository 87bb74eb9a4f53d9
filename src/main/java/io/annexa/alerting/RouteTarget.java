package io.annexa.alerting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a matching route sends an alert and how it groups and times it, with everything inherited already filled in.
 * {@code groupBy} is {@code ["..."]} for "all labels", empty for one group for the whole route. {@code routeId} is the
 * stable path of the route in the tree: {@code "0"} is the root, {@code "0.1"} its second child.
 */
public record RouteTarget(String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
        Duration repeatInterval, String routeId) {

    /** The {@code group_by} value that groups by every label. */
    public static final String ALL_LABELS = "...";

    public RouteTarget {
        Objects.requireNonNull(receiver, "receiver");
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(groupWait, "groupWait");
        Objects.requireNonNull(groupInterval, "groupInterval");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        Objects.requireNonNull(routeId, "routeId");
    }

    /**
     * The key of the group these labels fall in on this route: {@code routeId/receiver/{name="value",...}} over the
     * {@code group_by} labels in their given order (all labels by name for {@code ...}). Stable across restarts, so
     * it can be stored.
     */
    public String groupKey(Map<String, String> labels) {
        Map<String, String> complete = AlertEvent.complete(labels);
        List<String> names = groupBy.contains(ALL_LABELS) ? new ArrayList<>(new java.util.TreeSet<>(complete.keySet())) : groupBy;
        StringBuilder key = new StringBuilder(routeId).append('/').append(receiver).append("/{");
        for (int i = 0; i < names.size(); i++) {
            String value = complete.getOrDefault(names.get(i), "");
            key.append(i == 0 ? "" : ",").append(names.get(i)).append("=\"")
                    .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return bounded(key.append('}').toString());
    }

    /**
     * Keys are stored and indexed (a PostgreSQL index entry holds about 2.7 kB, up to 4 bytes a character): a key
     * longer than {@value #MAX_KEY_LENGTH} characters keeps its beginning, readable, and ends in the SHA-256 of the
     * whole, so it stays unique and stable.
     */
    static String bounded(String key) {
        if (key.length() <= MAX_KEY_LENGTH) {
            return key;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String tail = "...#" + java.util.HexFormat.of().formatHex(digest);
            int cut = MAX_KEY_LENGTH - tail.length();
            if (Character.isHighSurrogate(key.charAt(cut - 1))) {
                cut--; // never half a character
            }
            return key.substring(0, cut) + tail;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static final int MAX_KEY_LENGTH = 512;
}
