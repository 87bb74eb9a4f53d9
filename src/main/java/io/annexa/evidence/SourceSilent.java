package io.annexa.evidence;

import java.time.Duration;
import java.time.Instant;

/**
 * A source has delivered nothing for longer than it is expected to: monitoring itself has a gap
 * (ISO/IEC 27001:2022 clause 9.1). Present while the silence lasts, withdrawn when the source delivers.
 *
 * @param lastSuccess null when the source never delivered since start
 */
public record SourceSilent(String routeId, String source, Duration expectedInterval, Instant lastSuccess, Instant since) {

    /**
     * The source name of these facts: their evidence key, rule.yml {@code sources:}, scenario file extension. Its
     * evidence is filed under the route id as asset: not an asset of the inventory.
     */
    public static final String SOURCE = "source_silent";

    public String getRouteId() { return routeId; }
    public String getSource() { return source; }
    public Duration getExpectedInterval() { return expectedInterval; }
    public Instant getLastSuccess() { return lastSuccess; }
    public Instant getSince() { return since; }
}
