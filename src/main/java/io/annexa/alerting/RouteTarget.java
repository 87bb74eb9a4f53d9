package io.annexa.alerting;

import java.time.Duration;
import java.util.List;
import java.util.Map;

public record RouteTarget(String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
        Duration repeatInterval, String routeId) {

    /** routeId + receiver + group_by label values. */
    public String groupKey(Map<String, String> labels) {
        StringBuilder key = new StringBuilder(routeId).append('|').append(receiver);
        for (String label : groupBy) {
            key.append('|').append(label).append('=').append(labels.getOrDefault(label, ""));
        }
        return key.toString();
    }
}
