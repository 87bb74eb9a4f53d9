package io.annexa.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;

public record Silence(long id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String comment, String createdBy) {

    public boolean silences(Map<String, String> labels, Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt) && matchers.stream().allMatch(m -> m.matches(labels));
    }
}
