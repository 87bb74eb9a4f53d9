package io.annexa.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mutes the events whose labels all {@code matchers} match, from {@code startsAt} (inclusive) to {@code endsAt}
 * (exclusive). As in Alertmanager, at least one matcher must not match an empty label set: a silence of only
 * {@code owner != "x"} or {@code asset =~ ".*"} would mute every alert, which is never what was meant.
 */
public record Silence(long id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String comment, String createdBy) {

    private static final Map<String, String> NO_LABELS = AlertEvent.complete(Map.of());

    public Silence {
        matchers = List.copyOf(matchers);
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        if (matchers.isEmpty() || matchers.stream().allMatch(m -> m.matches(NO_LABELS))) {
            throw new IllegalArgumentException("a silence needs at least one matcher that an empty label does not match,"
                    + " like asset = \"web-1\"; otherwise it would mute every alert");
        }
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("a silence must end after it starts");
        }
    }

    public boolean silences(Map<String, String> labels, Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt) && matchers.stream().allMatch(m -> m.matches(labels));
    }
}
